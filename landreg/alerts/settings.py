"""Settings of saved searches and alerts (prefix ``LANDREG_``): the SMTP server, webhooks, retries."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AlertSettings(BaseSettings):
    """How alerts are delivered, read from ``LANDREG_*`` environment variables or ``.env``.

    Without ``smtp_host`` e-mails wait in the outbox until one is configured; webhooks and the
    Atom feeds work without it.
    """

    model_config = SettingsConfigDict(env_prefix="LANDREG_", env_file=".env", extra="ignore")

    smtp_host: str | None = Field(default=None, description="SMTP server that sends the alert e-mails")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Port of the SMTP server")
    smtp_from: str = Field(default="landreg@localhost", description="Sender address of the alert e-mails")
    smtp_user: str | None = Field(default=None, description="SMTP login (with smtp_password), if the server needs one")
    smtp_password: str | None = Field(default=None, description="SMTP password")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS")
    smtp_timeout_s: float = Field(default=10.0, gt=0, description="Seconds to wait for the SMTP server")
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="Seconds to wait for a webhook receiver")
    alerts_allow_private_webhooks: bool = Field(
        default=False,
        description="Allow webhook URLs on loopback, private or link-local addresses (refused by default, so a "
        "saved search cannot make the service call into its own network)",
    )
    alerts_retry_base_s: float = Field(
        default=60.0, gt=0, description="First retry after a failed delivery; each further one waits twice as long"
    )
    alerts_retry_max_s: float = Field(default=6 * 3600.0, gt=0, description="Longest wait between two retries")
    alerts_max_attempts: int = Field(default=10, ge=1, description="Attempts before a message is given up (logged)")
    alerts_saves_per_hour: int = Field(default=10, ge=1, description="Saved searches one client may submit per hour")
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="Public address of the service, used in confirmation, unsubscribe and feed links "
        "(default: the address the search was saved through)",
    )

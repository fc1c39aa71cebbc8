"""A saved search and an outbox message, as stored in the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SavedSearch:
    """A saved search: the site-search criteria and where new sites are announced.

    Attributes
    ----------
    search_id : str
        Random, unguessable id (it names the Atom feed).
    criteria : dict
        :class:`~landreg.search.SiteRequirements` fields as given.
    email, webhook_url : str or None
        Where notices go (at least one).
    webhook_secret : str or None
        Key of the ``X-Landreg-Signature`` HMAC (shown once, when saved).
    lang : str
        ``nb`` or ``en``.
    base_url : str
        Public address of the service, for the links in the messages.
    confirm_token, unsubscribe_token : str
        Secrets of the confirmation and unsubscribe links.
    created_at, confirmed_at, unsubscribed_at : str or None
        UTC times.
    """

    search_id: str
    criteria: dict[str, Any]
    email: str | None
    webhook_url: str | None
    webhook_secret: str | None
    lang: str
    base_url: str
    confirm_token: str
    unsubscribe_token: str
    created_at: str
    confirmed_at: str | None = None
    unsubscribed_at: str | None = None

    @property
    def active(self) -> bool:
        """Confirmed and not unsubscribed: new sites are announced."""
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def confirm_url(self) -> str:
        """The link that confirms the search."""
        return f"{self.base_url}/alerts/confirm?token={self.confirm_token}"

    @property
    def unsubscribe_url(self) -> str:
        """The link that ends the search's notices."""
        return f"{self.base_url}/alerts/unsubscribe?token={self.unsubscribe_token}"

    @property
    def feed_url(self) -> str:
        """The search's Atom feed."""
        return f"{self.base_url}/alerts/{self.search_id}/feed.atom"


@dataclass(frozen=True)
class OutboxMessage:
    """A message waiting for delivery (``kind`` ``confirmation`` or ``sites``, ``channel`` ``email`` or ``webhook``)."""

    message_id: str
    search_id: str
    channel: str
    kind: str
    payload: dict[str, Any]
    created_at: str
    attempts: int
    next_attempt_at: str
    delivered_at: str | None = None
    failed_at: str | None = None
    last_error: str | None = None

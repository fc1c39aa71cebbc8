"""Delivering the outbox: e-mail through SMTP, signed webhook POSTs; failures retried with back-off.

A webhook body is signed with HMAC-SHA256 under the search's own secret (made when the search is
saved and shown once then): ``X-Landreg-Signature: sha256=<hex of HMAC(secret, body)>``. A
receiver recomputes it over the raw body and compares in constant time.

A failed delivery is logged and retried after ``alerts_retry_base_s``, then twice as long each
time (at most ``alerts_retry_max_s``), until ``alerts_max_attempts`` attempts have failed; the
message is then given up (logged as an error, kept in the outbox with its last error).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import smtplib
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from landreg.alerts.messages import email_message, webhook_body
from landreg.alerts.model import OutboxMessage, SavedSearch
from landreg.alerts.settings import AlertSettings
from landreg.alerts.store import AlertStore
from landreg.registry.codec import format_datetime

if TYPE_CHECKING:
    from landreg.registry.base import Registry

log = logging.getLogger("landreg.alerts")
SIGNATURE_HEADER = "X-Landreg-Signature"
#: How long a message taken for delivery is kept from other senders (longer than any attempt takes).
_CLAIM_S = 300.0


class DeliveryError(Exception):
    """One delivery attempt failed (the message says why; it is retried)."""


@dataclass
class DeliveryReport:
    """What one pass over the outbox did."""

    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)


def sign_body(body: bytes, secret: str) -> str:
    """The ``X-Landreg-Signature`` value of a webhook body: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def webhook_url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why a webhook URL cannot be used (None when it can).

    Only ``http`` and ``https`` URLs with a host are accepted; a host that resolves to a loopback,
    private, link-local, multicast or reserved address is refused unless ``allow_private``.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL with a host; expected e.g. https://example.com/hooks/landreg"
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError):
        return f"the host {parts.hostname!r} of {url!r} cannot be resolved"
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return (
                f"{url!r} points into a private network ({address}); this service sends webhooks only to public "
                "addresses (LANDREG_ALERTS_ALLOW_PRIVATE_WEBHOOKS=true allows private ones)"
            )
    return None


def send_email(search: SavedSearch, message: OutboxMessage, *, settings: AlertSettings) -> None:
    """Send one e-mail through the configured SMTP server.

    Raises
    ------
    DeliveryError
        When no server is configured, it cannot be reached, or it refuses the message.
    """
    if not settings.smtp_host:
        raise DeliveryError("no SMTP server is configured (LANDREG_SMTP_HOST)")
    mail = email_message(search, message, sender=settings.smtp_from)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP server {settings.smtp_host}:{settings.smtp_port}: {exc}") from exc


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer, not followed (it could lead into a private network)


def post_webhook(search: SavedSearch, message: OutboxMessage, *, settings: AlertSettings) -> None:
    """POST one signed JSON body to the search's webhook; a 2xx answer is a delivery.

    Raises
    ------
    DeliveryError
        When the URL is refused, the receiver cannot be reached or answers other than 2xx.
    """
    assert search.webhook_url is not None and search.webhook_secret is not None
    problem = webhook_url_problem(search.webhook_url, allow_private=settings.alerts_allow_private_webhooks)
    if problem:  # checked again at each delivery: the name may resolve elsewhere by now
        raise DeliveryError(problem)
    body = webhook_body(search, message)
    request = urllib.request.Request(
        search.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "landreg-alerts",
            SIGNATURE_HEADER: sign_body(body, search.webhook_secret),
            "X-Landreg-Message-Id": message.message_id,
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=settings.webhook_timeout_s) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook {search.webhook_url} answered {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"webhook {search.webhook_url}: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook {search.webhook_url} answered {status}")


def retry_delay_s(attempts: int, *, settings: AlertSettings) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones (doubling, capped)."""
    return float(min(settings.alerts_retry_base_s * 2 ** (attempts - 1), settings.alerts_retry_max_s))


def deliver_due(registry: Registry, *, settings: AlertSettings, now: dt.datetime | None = None) -> DeliveryReport:
    """Send every outbox message that is due; failures are logged and scheduled again.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        The registry holding the saved searches and the outbox.
    settings : AlertSettings
        SMTP server, webhook and retry settings.
    now : datetime, optional
        The time to deliver at (default: now, UTC).

    Returns
    -------
    DeliveryReport
        Message ids delivered, to be retried and given up.
    """
    store = AlertStore(registry)
    report = DeliveryReport()
    now = now or dt.datetime.now(dt.UTC)
    for message in store.messages(due_by=format_datetime(now)):
        if not store.claim(message, until=format_datetime(now + dt.timedelta(seconds=_CLAIM_S))):
            continue  # another process is sending it
        search = store.get_search(message.search_id)
        attempts = message.attempts + 1
        try:
            if search is None or search.unsubscribed_at is not None:
                raise DeliveryError("the search was unsubscribed")
            (send_email if message.channel == "email" else post_webhook)(search, message, settings=settings)
        except DeliveryError as exc:
            done = format_datetime(dt.datetime.now(dt.UTC))
            if attempts >= settings.alerts_max_attempts or search is None or search.unsubscribed_at is not None:
                log.error(
                    "alert %s (%s) given up after %d attempt(s): %s", message.message_id, message.channel, attempts, exc
                )
                store.record_attempt(
                    message.message_id, now=done, error=str(exc), next_attempt_at=None, attempts=attempts
                )
                report.given_up.append(message.message_id)
                continue
            delay_s = retry_delay_s(attempts, settings=settings)
            retry_at = format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay_s))
            log.warning(
                "alert %s (%s) not delivered (attempt %d), retry at %s: %s",
                message.message_id,
                message.channel,
                attempts,
                retry_at,
                exc,
            )
            store.record_attempt(
                message.message_id, now=done, error=str(exc), next_attempt_at=retry_at, attempts=attempts
            )
            report.retrying.append(message.message_id)
            continue
        store.record_attempt(
            message.message_id,
            now=format_datetime(dt.datetime.now(dt.UTC)),
            error=None,
            next_attempt_at=None,
            attempts=attempts,
        )
        log.info("alert %s delivered by %s", message.message_id, message.channel)
        report.delivered.append(message.message_id)
    return report

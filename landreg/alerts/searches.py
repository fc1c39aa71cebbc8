"""Saving, confirming and ending saved searches (double opt-in)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pydantic

from landreg.alerts.delivery import webhook_url_problem
from landreg.alerts.model import OutboxMessage, SavedSearch
from landreg.alerts.settings import AlertSettings
from landreg.alerts.store import AlertStore
from landreg.errors import EntityNotFoundError, Problem, ValidationError
from landreg.i18n import LANGS
from landreg.registry.codec import format_datetime
from landreg.search import SiteRequirements

if TYPE_CHECKING:
    from landreg.registry.base import Registry

_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
#: Fields of the site search that make no sense for a standing search (a one-off relocation study).
_NOT_SAVED = ("relocating", "move_to")
_CONTEXT = "saved search"


def _problem(field: str, message: str) -> Problem:
    return Problem(_CONTEXT, field, message, whole_input=True)


def criteria_problems(criteria: Mapping[str, Any]) -> list[Problem]:
    """What is wrong with site-search criteria given for a saved search (empty when nothing)."""
    known = [f for f in SiteRequirements.model_fields if f not in _NOT_SAVED]
    problems = []
    for key in criteria:
        if key in _NOT_SAVED:
            problems.append(_problem(f"criteria.{key}", "a saved search cannot follow a relocation; leave it out"))
        elif key not in known:
            problems.append(
                _problem(f"criteria.{key}", f"unknown criteria field; expected some of: {', '.join(known)}")
            )
    if problems:
        return problems
    try:
        SiteRequirements(**criteria)
    except pydantic.ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "criteria"
            problems.append(_problem(f"criteria.{where}", str(err["msg"]).removeprefix("Value error, ")))
    return problems


def save_search(
    registry: Registry,
    *,
    criteria: Mapping[str, Any],
    email: str | None = None,
    webhook_url: str | None = None,
    lang: str = "nb",
    base_url: str,
    settings: AlertSettings,
) -> SavedSearch:
    """Save a search unconfirmed and queue its confirmation (to the e-mail address, else the webhook).

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        Where the search is stored.
    criteria : mapping
        :class:`~landreg.search.SiteRequirements` fields (no ``relocating``/``move_to``).
    email, webhook_url : str, optional
        Where new sites are announced (at least one).
    lang : str
        ``nb`` (default) or ``en``.
    base_url : str
        Public address of the service, for the links (``AlertSettings.public_url`` wins).
    settings : AlertSettings
        Whether private-network webhooks are allowed.

    Returns
    -------
    SavedSearch
        With its ``webhook_secret`` (shown once to the caller).

    Raises
    ------
    ValidationError
        Naming every problem: an invalid e-mail address, a webhook URL that is not http(s) (or
        points into a private network), an unknown language or criteria field, a bad value.
    """
    problems = criteria_problems(criteria)
    email = (email or "").strip() or None
    webhook_url = (webhook_url or "").strip() or None
    if email is None and webhook_url is None:
        problems.append(_problem("email", "give an e-mail address or a webhook URL (or both) to announce sites to"))
    if email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        problems.append(_problem("email", f"{email!r} is not an e-mail address; expected e.g. kari@firma.no"))
    if webhook_url is not None:
        reason = webhook_url_problem(webhook_url, allow_private=settings.alerts_allow_private_webhooks)
        if reason:
            problems.append(_problem("webhook_url", reason))
    if lang not in LANGS:
        problems.append(_problem("lang", f"unknown language {lang!r}; expected one of {', '.join(LANGS)}"))
    if problems:
        raise ValidationError(problems, context=_CONTEXT)
    criteria = SiteRequirements(**criteria).model_dump(mode="json", exclude_unset=True)  # typed, as searched
    _check_runs(registry, criteria)
    now = format_datetime(dt.datetime.now(dt.UTC))
    search = SavedSearch(
        search_id=secrets.token_urlsafe(12),
        criteria=criteria,
        email=email,
        webhook_url=webhook_url,
        webhook_secret=secrets.token_urlsafe(32) if webhook_url else None,
        lang=lang,
        base_url=(settings.public_url or base_url).rstrip("/"),
        confirm_token=secrets.token_urlsafe(24),
        unsubscribe_token=secrets.token_urlsafe(24),
        created_at=now,
    )
    store = AlertStore(registry)
    store.insert_search(search)
    store.queue([new_message(search, channel="email" if email else "webhook", kind="confirmation", payload={})])
    return search


def _check_runs(registry: Registry, criteria: dict[str, Any]) -> None:
    """Run the search once, so names it resolves only against the data (business areas, profile) are checked now."""
    from landreg.analysis import search_registry

    search_registry(registry, requirements=SiteRequirements(**criteria))


def new_message(search: SavedSearch, *, channel: str, kind: str, payload: dict[str, Any]) -> OutboxMessage:
    """An outbox message for ``search``, due now."""
    now = format_datetime(dt.datetime.now(dt.UTC))
    return OutboxMessage(
        message_id=secrets.token_hex(16),
        search_id=search.search_id,
        channel=channel,
        kind=kind,
        payload=payload,
        created_at=now,
        attempts=0,
        next_attempt_at=now,
    )


def confirm_search(registry: Registry, token: str) -> SavedSearch:
    """Confirm a saved search by its confirmation token; the sites that match now are its starting point.

    Only sites that match later (new plots, plots made available, ...) are announced. Confirming
    twice is harmless.

    Raises
    ------
    EntityNotFoundError
        When no saved search has this token.
    """
    from landreg.alerts.matching import matching_sites

    store = AlertStore(registry)
    search = store.search_by_token(token, kind="confirm")
    if search is None:
        raise EntityNotFoundError("no saved search has this confirmation link; it may be mistyped or cut off")
    if search.unsubscribed_at is not None:
        raise EntityNotFoundError("this saved search was unsubscribed; save it again to get notices")
    if search.confirmed_at is None:
        store.confirm(
            search.search_id, now=format_datetime(dt.datetime.now(dt.UTC)), baseline=matching_sites(registry, search)
        )
    found = store.get_search(search.search_id)
    assert found is not None
    return found


def unsubscribe_search(registry: Registry, token: str) -> SavedSearch:
    """End a saved search by its unsubscribe token: nothing more is sent (messages waiting are dropped).

    Raises
    ------
    EntityNotFoundError
        When no saved search has this token.
    """
    store = AlertStore(registry)
    search = store.search_by_token(token, kind="unsubscribe")
    if search is None:
        raise EntityNotFoundError("no saved search has this unsubscribe link; it may be mistyped or cut off")
    store.unsubscribe(search.search_id, now=format_datetime(dt.datetime.now(dt.UTC)))
    found = store.get_search(search.search_id)
    assert found is not None
    return found

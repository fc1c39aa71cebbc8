"""Saved searches with alerts: save (double opt-in), confirm, unsubscribe, and each search's Atom feed.

``POST /alerts`` takes the site-search criteria (the fields of ``POST /analysis/search``) with an
e-mail address and/or a webhook URL, as JSON or as an HTML form, and answers 202: nothing is sent
until the link in the confirmation message is opened. Saves are limited per client address
(``LANDREG_ALERTS_SAVES_PER_HOUR``, 429 beyond). Webhook URLs must be http(s) on public
addresses unless ``LANDREG_ALERTS_ALLOW_PRIVATE_WEBHOOKS`` is set.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.bodies import json_body
from api.deps import get_registry
from api.errors import error_body
from api.openapi import error_responses, json_request_body
from api.routes.ogc import base_url
from landreg.alerts import (
    ATOM_MEDIA_TYPE,
    SIGNATURE_HEADER,
    SavedSearch,
    confirm_search,
    save_search,
    search_feed,
    unsubscribe_search,
)
from landreg.errors import Problem, ValidationError
from landreg.i18n import LANGS, translator
from landreg.registry.base import Registry
from maps.business import find_site_path

router = APIRouter(prefix="/alerts", tags=["Saved searches and alerts"], responses=error_responses(400, 404))

_TOP_LEVEL = ("criteria", "email", "webhook_url", "lang")
_LIST_FIELDS = ("zoning", "statuses", "industry_nace", "municipality_no", "business_area_id")
_SAVE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "criteria": {"type": "object", "description": "Site-search criteria, as the body of POST /analysis/search"},
        "email": {"type": "string", "description": "Where notices are e-mailed"},
        "webhook_url": {"type": "string", "pattern": "^https?://", "description": "Where notices are POSTed"},
        "lang": {"type": "string", "enum": ["nb", "en"], "default": "nb"},
    },
}
_TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "Too many saved searches from this client in the last hour",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
}

_SAVED: dict[int | str, dict[str, Any]] = {202: {"description": "Saved, awaiting confirmation"}}


def _form_fields(body: bytes) -> dict[str, Any]:
    """An HTML form's fields as a saved search: lists split on commas, ``max_minutes.<target>`` as a mapping.

    A field ``criteria`` may hold all criteria as JSON (e.g. a hidden field of a find-a-site result page).
    """
    out: dict[str, Any] = {}
    criteria: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=False):
        value = value.strip()
        if key in ("email", "webhook_url", "lang"):
            out[key] = value
        elif key == "criteria":  # all criteria at once, as JSON (a find-a-site page's hidden field)
            try:
                given = json.loads(value)
            except ValueError as exc:
                raise ValidationError(
                    [Problem("form", "criteria", f"not valid JSON: {exc}")], context="saved search"
                ) from exc
            if not isinstance(given, dict):
                raise ValidationError([Problem("form", "criteria", "expected a JSON object")], context="saved search")
            criteria.update(given)
        elif key.startswith("max_minutes."):
            criteria.setdefault("max_minutes", {})[key.split(".", 1)[1]] = value
        elif key in _LIST_FIELDS:
            criteria.setdefault(key, []).extend(v.strip() for v in value.split(",") if v.strip())
        elif value:
            criteria[key] = value
    out["criteria"] = criteria
    return out


async def _save_request(request: Request) -> dict[str, Any]:
    if _is_form(request):
        return _form_fields(await request.body())
    doc = await json_body(request)
    if not isinstance(doc, dict):
        raise ValidationError([Problem("body", "type", "expected a JSON object")], context="saved search")
    unknown = [k for k in doc if k not in _TOP_LEVEL]
    if unknown:
        raise ValidationError(
            [
                Problem(
                    "body", k, f"unknown field; expected some of {', '.join(_TOP_LEVEL)} (criteria go in 'criteria')"
                )
                for k in unknown
            ],
            context="saved search",
        )
    if not isinstance(doc.get("criteria", {}), dict):
        raise ValidationError([Problem("body", "criteria", "expected a JSON object")], context="saved search")
    for key in ("email", "webhook_url", "lang"):
        if doc.get(key) is not None and not isinstance(doc[key], str):
            raise ValidationError([Problem("body", key, "expected a string")], context="saved search")
    return doc


def _html(lang: str, content: str, *, status_code: int) -> HTMLResponse:
    """A small page in ``lang`` around ``content`` (HTML), with a link to the find-a-site page."""
    _ = translator(lang, "alerts").gettext
    body = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>{html.escape(_('Saved search'))}</title></head><body><main>"
        f"<h1>{html.escape(_('Saved search'))}</h1>{content}"
        f'<p><a href="{find_site_path(lang)}">{html.escape(_("Find a site"))}</a></p>'
        "</main></body></html>"
    )
    return HTMLResponse(body, status_code=status_code)


def _page(search: SavedSearch, text: str, *, status_code: int = 200) -> HTMLResponse:
    """A small page for a browser that followed a link from a message (or posted a form)."""
    _ = translator(search.lang, "alerts").gettext
    feed = f'<p><a href="{html.escape(search.feed_url)}">{html.escape(_("Atom feed of the sites announced"))}</a></p>'
    return _html(search.lang, f"<p>{html.escape(text)}</p>{feed}", status_code=status_code)


def _refused_page(lang: str, problems: list[Problem]) -> HTMLResponse:
    """The 400 page for a form that could not be saved: what to correct, field by field, in ``lang``."""
    _ = translator(lang, "alerts").gettext
    hints = {
        "email": _("Write an e-mail address such as kari@firma.no."),
        "webhook_url": _("Give a webhook address on the internet that starts with https://, or leave the field empty."),
    }
    items = "".join(f"<li>{html.escape(hints.get(p.field, str(p.message)))}</li>" for p in problems)
    head = html.escape(_("The search was not saved. Go back to the form and correct:"))
    return _html(lang, f'<p role="alert">{head}</p><ul>{items}</ul>', status_code=400)


def _wants_page(request: Request, *, form_post: bool = False) -> bool:
    """A page for a browser: HTML asked for, or (``form_post``) an HTML form's post that does not ask for JSON."""
    accept = request.headers.get("accept", "")
    return "json" not in accept and ("text/html" in accept or form_post)


def _is_form(request: Request) -> bool:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media_type == "application/x-www-form-urlencoded"


@router.post(
    "",
    status_code=202,
    summary="Save a search: new sites that fit are announced by e-mail, webhook and Atom feed (after confirmation)",
    responses={**_SAVED, **_TOO_MANY},
    openapi_extra=json_request_body(
        _SAVE_SCHEMA,
        description="The criteria and where to announce new sites (also accepted as an HTML form)",
        media_types=("application/json",),
    ),
)
async def save(request: Request, registry: Registry = Depends(get_registry)) -> Response:
    """Save a search unconfirmed and send the confirmation link (to the e-mail address, else the webhook).

    The answer holds the webhook's signing secret, shown only here.
    """
    client = request.client.host if request.client else "unknown"
    wait_s = request.app.state.alert_saves.retry_after_s(client)
    if wait_s is not None:
        return JSONResponse(
            error_body("TooManyRequests", f"too many saved searches from this address; try again in {wait_s} s"),
            status_code=429,
            headers={"Retry-After": str(wait_s)},
        )
    doc = await _save_request(request)
    try:
        search = await run_in_threadpool(  # resolves the webhook's host and runs the search once: off the event loop
            save_search,
            registry,
            criteria=doc.get("criteria") or {},
            email=doc.get("email"),
            webhook_url=doc.get("webhook_url"),
            lang=doc.get("lang") or "nb",
            base_url=base_url(request),
            settings=request.app.state.alert_settings,
        )
    except ValidationError as exc:
        if not _wants_page(request, form_post=_is_form(request)):
            raise
        return _refused_page(doc["lang"] if doc.get("lang") in LANGS else "nb", exc.problems)
    request.app.state.alert_dispatcher.schedule(scan=False)  # the confirmation goes out now
    _ = translator(search.lang, "alerts").gettext
    if search.email:
        text = _("Check your e-mail: we sent a confirmation link to {email}. Notices start once you open it.")
        text = text.format(email=search.email)
    else:
        text = _("We sent a confirmation link to your webhook. Notices start once it is opened.")
    out: dict[str, Any] = {
        "search_id": search.search_id,
        "status": "awaiting_confirmation",
        "message": text,
        "confirmation_sent_to": "email" if search.email else "webhook",
        "feed_url": search.feed_url,
    }
    if search.webhook_secret:
        out["webhook_secret"] = search.webhook_secret
        out["signature_header"] = SIGNATURE_HEADER
        out["signature"] = "sha256=<hex HMAC-SHA256 of the raw body under webhook_secret>"
        out["webhook_note"] = _(
            "Keep the webhook secret (shown only now) to check the X-Landreg-Signature header of each call."
        )
    if _wants_page(request, form_post=_is_form(request)):  # e.g. the form under a find-a-site result
        return _page(search, text, status_code=202)
    return JSONResponse(out, status_code=202, headers={"Location": search.feed_url})


def _state(search: SavedSearch) -> dict[str, Any]:
    return {
        "search_id": search.search_id,
        "status": "unsubscribed" if search.unsubscribed_at else "active" if search.confirmed_at else "pending",
        "confirmed_at": search.confirmed_at,
        "unsubscribed_at": search.unsubscribed_at,
        "feed_url": search.feed_url,
    }


@router.get("/confirm", summary="Confirm a saved search (the link in the confirmation message)")
def confirm(
    request: Request,
    token: str = Query(..., min_length=1, max_length=200, description="The token of the confirmation link"),
    registry: Registry = Depends(get_registry),
) -> Response:
    """Start the notices of a saved search; sites matching now are its starting point (not announced)."""
    search = confirm_search(registry, token)
    text = translator(search.lang, "alerts").gettext(
        "Your saved search is confirmed. You will be told when new sites fit it."
    )
    return _page(search, text) if _wants_page(request) else JSONResponse({**_state(search), "message": text})


_TOKEN = Query(..., min_length=1, max_length=200, description="The token of the unsubscribe link")


@router.get("/unsubscribe", summary="Stop a saved search's notices (the link in every message)")
def unsubscribe(request: Request, token: str = _TOKEN, registry: Registry = Depends(get_registry)) -> Response:
    """End a saved search: nothing more is sent, messages still waiting are dropped, the feed is gone."""
    return _unsubscribe(request, token, registry)


@router.post(
    "/unsubscribe",
    summary="Stop a saved search's notices (one-click unsubscribe, RFC 8058, from the List-Unsubscribe header)",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
        }
    },
)
def unsubscribe_one_click(
    request: Request, token: str = _TOKEN, registry: Registry = Depends(get_registry)
) -> Response:
    """The same as the GET link, for mail programs that unsubscribe with a POST (``List-Unsubscribe=One-Click``)."""
    return _unsubscribe(request, token, registry)


def _unsubscribe(request: Request, token: str, registry: Registry) -> Response:
    search = unsubscribe_search(registry, token)
    text = translator(search.lang, "alerts").gettext("You are unsubscribed. No further notices will be sent.")
    return _page(search, text) if _wants_page(request) else JSONResponse({**_state(search), "message": text})


@router.get(
    "/{search_id}/feed.atom",
    summary="Atom feed of the sites announced to a saved search",
    response_class=Response,
    responses={200: {"content": {ATOM_MEDIA_TYPE: {}}}},
)
def feed(search_id: str, registry: Registry = Depends(get_registry)) -> Response:
    """The sites announced to a confirmed saved search, newest first (Atom 1.0)."""
    return Response(search_feed(registry, search_id), media_type=ATOM_MEDIA_TYPE)

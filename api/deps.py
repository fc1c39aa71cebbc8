"""Dependencies shared by the routes: settings, registry, caller, parameters."""

from __future__ import annotations

import datetime as dt
import math

from fastapi import Depends, Header, Request

from api.errors import InvalidParameterError
from api.settings import ApiSettings, get_api_settings
from landreg.registry.base import Registry, TokenIssuer
from landreg.tokens import Principal


async def get_registry(request: Request) -> Registry:
    """The registry opened in the app's lifespan."""
    registry: Registry = request.app.state.registry
    return registry


async def settings_dep(request: Request) -> ApiSettings:
    """The settings the app was built with (:func:`api.main.create_app`), else those of the environment.

    Read from ``app.state`` rather than through ``app.dependency_overrides``: with any override in
    place FastAPI rebuilds every dependency tree on every request (about a third of a small page's time).
    """
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, ApiSettings) else get_api_settings()


def get_principal(request: Request, registry: TokenIssuer = Depends(get_registry)) -> Principal:
    """The authenticated caller of a write; 401 without a valid bearer token."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    return registry.authenticate(token)


def if_match_param(
    if_match: str | None = Header(
        None,
        alias="If-Match",
        description="ETag of the version the change is based on (412 when another); without it the change is "
        "based on the version this token last read (428 when it would overwrite a change made since)",
    ),
) -> str | None:
    """The ``If-Match`` header of a conditional write (declared so the OpenAPI document shows it)."""
    return if_match


def wants_html(request: Request, f: str | None) -> bool:
    """True when the client asked for HTML (``f=html`` or a browser's Accept header)."""
    if f is not None:
        if f not in ("json", "html", "geojson"):
            raise InvalidParameterError(f"f={f!r} is not supported; expected 'json' or 'html'")
        return f == "html"
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "json" not in accept


def parse_datetime_param(value: str, *, name: str) -> dt.datetime:
    """An RFC 3339 date-time (``Z`` allowed) as an aware UTC datetime."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidParameterError(f"{name}={value!r} is not an RFC 3339 date-time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_interval(value: str | None) -> tuple[dt.datetime | None, dt.datetime | None] | None:
    """The ``datetime`` parameter: an instant, or ``start/end`` with ``..`` for an open end."""
    if value is None:
        return None
    if "/" in value:
        a, b = value.split("/", 1)
        start = None if a in ("", "..") else parse_datetime_param(a, name="datetime")
        end = None if b in ("", "..") else parse_datetime_param(b, name="datetime")
        if start and end and start > end:
            raise InvalidParameterError(f"datetime={value!r}: the start is after the end")
        return (start, end)
    t = parse_datetime_param(value, name="datetime")
    return (t, t)


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``bbox=minx,miny,maxx,maxy`` (4 numbers; 6 with heights are refused)."""
    if value is None:
        return None
    try:
        nums = [float(v) for v in value.split(",")]
    except ValueError as exc:
        raise InvalidParameterError(f"bbox={value!r}: expected four comma-separated numbers") from exc
    if len(nums) != 4:
        raise InvalidParameterError(f"bbox={value!r}: expected four numbers, got {len(nums)}")
    if not all(math.isfinite(n) for n in nums):
        raise InvalidParameterError(f"bbox={value!r}: expected four finite numbers (no NaN or infinity)")
    if nums[0] > nums[2] or nums[1] > nums[3]:
        raise InvalidParameterError(f"bbox={value!r}: the lower corner must come first")
    return nums[0], nums[1], nums[2], nums[3]

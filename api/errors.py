"""HTTP mapping of landreg errors: one table of status codes, one JSON body shape.

The same bad input gets the same status and code on every route, because routes let the
core's error through and this table alone decides the status, by the kind of error:

* a parameter value the service does not accept (an unknown scoring ``profile``, a malformed
  ``bbox``, bad weights) is **400**, a bad parameter, whichever route it was sent to
  (``/analysis/...``, ``/maps/...``) and whether in the query or the body: a profile is a
  setting of an analysis, never a resource of its own;
* a resource that does not exist (a plot, a collection, a scenario, a decision) is **404**,
  whether it is named in the path (``/analysis/scenarios/{name}``) or in the query
  (``/maps/scenario?name=``).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.limits import DeadlineExceededError, TooManyRequestsError, WorkTooLargeError
from landreg.errors import (
    CRSError,
    EntityNotFoundError,
    InvalidGeometryError,
    InvalidNaceCodeError,
    LandregError,
    LocationMismatchError,
    NotEnrichedError,
    PlotEndedError,
    PlotNotFoundError,
    UnknownOutcomeError,
    UnreachablePlotError,
    UnsupportedFormatError,
    ValidationError,
    VersionConflictError,
)
from landreg.prices.errors import InsufficientPriceDataError, MixedPriceBasisError, UnknownBenchmarkError
from landreg.registry.cql import FilterError
from landreg.scoring.errors import (
    FirmNotFoundError,
    InvalidWeightsError,
    MissingColumnError,
    UnknownProfileError,
    UnknownScenarioError,
)
from landreg.tokens import AuthenticationError, AuthorizationError

log = logging.getLogger("landreg.api")


class PreconditionFailedError(LandregError):
    """If-Match named another version than the stored one (412)."""


class PreconditionRequiredError(LandregError):
    """The service requires If-Match on edits and none was sent (428)."""


class ServiceUnavailableError(LandregError):
    """The service runs without something a request needs, e.g. the municipality layer for edits (503)."""


class InvalidParameterError(LandregError, ValueError):
    """A query parameter is unknown or malformed (400)."""


class NotAcceptableError(LandregError):
    """No representation matches what the client accepts (406)."""


STATUS_CODES: dict[type[Exception], int] = {
    ValidationError: 400,
    InvalidGeometryError: 400,
    CRSError: 400,
    FilterError: 400,
    InvalidParameterError: 400,
    UnsupportedFormatError: 400,
    InvalidWeightsError: 400,
    InvalidNaceCodeError: 400,
    MixedPriceBasisError: 400,
    UnknownProfileError: 400,  # a profile is always named in a parameter, never in the path
    UnknownScenarioError: 404,
    UnknownBenchmarkError: 404,
    FirmNotFoundError: 404,
    MissingColumnError: 422,
    UnknownOutcomeError: 422,
    InsufficientPriceDataError: 422,
    AuthenticationError: 401,
    AuthorizationError: 403,
    PlotNotFoundError: 404,
    EntityNotFoundError: 404,
    NotAcceptableError: 406,
    VersionConflictError: 409,
    PlotEndedError: 409,
    NotEnrichedError: 409,
    UnreachablePlotError: 422,
    LocationMismatchError: 422,  # a municipality or business area that contradicts the geometry
    PreconditionFailedError: 412,
    PreconditionRequiredError: 428,
    ServiceUnavailableError: 503,
    WorkTooLargeError: 413,  # a map or analysis larger than the service computes for one request
    TooManyRequestsError: 429,
    DeadlineExceededError: 503,
}


def status_for(exc: Exception) -> int:
    """The HTTP status of an exception: the nearest class in :data:`STATUS_CODES`, else 500."""
    for cls in type(exc).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return 500


def error_body(code: str, description: str, **extra: object) -> dict[str, object]:
    """The error body every endpoint uses."""
    return {"code": code, "description": description, **extra}


async def _landreg_error(request: Request, exc: LandregError) -> JSONResponse:
    status = status_for(exc)
    extra: dict[str, object] = {}
    if isinstance(exc, ValidationError):
        extra["problems"] = [{"record": p.record, "field": p.field, "message": p.message} for p in exc.problems]
    if isinstance(exc, UnknownOutcomeError):
        extra["valid_outcomes"] = exc.valid
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else getattr(exc, "headers", None)
    if status >= 500 and not isinstance(exc, DeadlineExceededError):  # a deadline is load, not a defect
        log.exception("internal error", exc_info=exc)
    return JSONResponse(error_body(type(exc).__name__, str(exc), **extra), status_code=status, headers=headers)


async def _request_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path", "header"))
        message = str(err.get("msg", "")).removeprefix("Value error, ")  # pydantic's prefix for a ValueError
        parts.append(f"{loc or 'request'}: {message} (got {err.get('input')!r})")
    return JSONResponse(error_body("InvalidParameterValue", "; ".join(parts)), status_code=400)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = {404: "NotFound", 405: "MethodNotAllowed", 413: "PayloadTooLarge"}.get(exc.status_code, "HTTPError")
    return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


def register_error_handlers(app: FastAPI) -> None:
    """Install the handlers that turn exceptions into ``{"code", "description"}`` bodies."""
    app.add_exception_handler(LandregError, _landreg_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _request_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]

"""Settings of the HTTP service (prefix ``LANDREG_API_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """Service settings, read from ``LANDREG_API_*`` environment variables or ``.env``."""

    model_config = SettingsConfigDict(env_prefix="LANDREG_API_", env_file=".env", extra="ignore")

    registry: Path | str = Field(
        default=Path("var/landreg.gpkg"), description="Registry served: a GeoPackage file or a postgresql:// URL"
    )
    layers_dir: Path = Field(default=Path("layers"), description="Layers folder (municipalities, destinations)")
    title: str = "landreg — business land in Trondheimsregionen"
    default_limit: int = Field(default=100, ge=1, description="Items per page when no limit is given")
    max_limit: int = Field(default=1000, ge=1, description="Largest limit a client may ask for")
    require_if_match: bool = Field(default=False, description="Refuse edits without If-Match (428)")
    allow_blind_overwrite: bool = Field(
        default=False,
        description="Let an edit without If-Match overwrite a change its token has not read (the last writer wins); "
        "by default it is refused with 428",
    )
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS ('*' for any)")
    max_body_bytes: int = Field(default=5_000_000, ge=1024, description="Largest request body accepted (413)")
    max_url_bytes: int = Field(
        default=8192, ge=1024, description="Longest request target (path and query string) accepted (414)"
    )
    log_requests: bool = Field(default=True, description="Log one JSON line per request with its latency")


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    """The service settings (``LANDREG_API_*``; cached; tests override the dependency)."""
    return ApiSettings()

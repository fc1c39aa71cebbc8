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
    max_map_plots: int = Field(
        default=10_000,
        ge=1,
        description="Most plots drawn into one /maps/plots page; more is a 413 pointing to the tiled map or a bbox",
    )
    max_analysis_plots: int = Field(
        default=25_000, ge=1, description="Most live plots an analysis or analysis map covers per request (413 beyond)"
    )
    max_analysis_memory_mb: int = Field(
        default=1024, ge=16, description="Estimated working memory one analysis may use (413 beyond)"
    )
    analysis_workers: int = Field(default=2, ge=1, description="Maps and analyses computed at once (others wait)")
    analysis_timeout_s: float = Field(
        default=60.0, gt=0, description="Time a map or analysis may take before the client gets a 503 with Retry-After"
    )
    request_timeout_s: float = Field(
        default=90.0, gt=0, description="Time any GET may take before it is answered with a 503 with Retry-After"
    )
    max_concurrent_per_client: int = Field(
        default=4, ge=1, description="Maps and analyses one client (IP address) may have running at once (429 beyond)"
    )
    retry_after_s: int = Field(default=5, ge=1, description="Retry-After of a 429 or 503, in seconds")
    cache_mb: int = Field(default=64, ge=1, description="Memory for cached map and analysis answers")
    cache_ttl_s: float = Field(
        default=300.0, gt=0, description="Longest a cached answer is served (edits to the registry empty it at once)"
    )
    public_actors: bool = Field(
        default=False,
        description="Show who made each change in public history (otherwise only admins see names; "
        "others see 'editor 1', 'editor 2', ... per response)",
    )


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    """The service settings (``LANDREG_API_*``; cached; tests override the dependency)."""
    return ApiSettings()

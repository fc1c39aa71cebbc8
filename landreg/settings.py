"""Settings of the landreg core, read from ``LANDREG_*`` environment variables or ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LandregSettings(BaseSettings):
    """Core settings (prefix ``LANDREG_``)."""

    model_config = SettingsConfigDict(env_prefix="LANDREG_", env_file=".env", extra="ignore")

    registry: Path = Field(default=Path("var/landreg.gpkg"), description="Registry GeoPackage file")
    database_url: str | None = Field(
        default=None,
        pattern=r"^postgres(ql)?://",
        description="PostgreSQL/PostGIS registry (postgresql://user:password@host:port/db[?schema=name]); "
        "when set, used instead of the GeoPackage file",
    )
    layers_dir: Path = Field(default=Path("layers"), description="Folder with layers.toml and the layer files")
    actor: str = Field(default="cli", description="Name recorded in history for CLI changes")
    busy_timeout_s: float = Field(default=30.0, gt=0, description="Seconds a writer waits for another's lock")
    journal_mode: str = Field(default="delete", pattern="^(delete|wal)$", description="SQLite journal mode")
    overlap_tolerance_m2: float = Field(default=1.0, ge=0, description="Overlap tolerated between live plots")


@lru_cache(maxsize=1)
def get_landreg_settings() -> LandregSettings:
    """The process-wide core settings (``LANDREG_*``), read once."""
    return LandregSettings()

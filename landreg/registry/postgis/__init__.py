"""The PostgreSQL/PostGIS registry backend (psycopg 3, a connection pool, versioned migrations).

Import it only when a ``postgresql://`` registry is used: psycopg is loaded on demand.
"""

from __future__ import annotations

from landreg.registry.postgis.registry import PostGISRegistry, describe_url, is_database_url

__all__ = ["PostGISRegistry", "describe_url", "is_database_url"]

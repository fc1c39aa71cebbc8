"""The live plots counted by provenance and by which fields hold a value, in the database.

What is synthetic in a registry (:func:`landreg.provenance.registry_synthetic_summary`) depends,
per plot, only on its provenance and on which of the fields of
:data:`~landreg.provenance.entries.FIELD_GROUPS` hold a value.  One ``GROUP BY`` over these
(SQL on both backends) gives the same counts as reading every plot, with one row per distinct
combination instead of one per plot: a registry imported from one file has a handful.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from landreg.model.plot import JSON_FIELDS
from landreg.provenance.entries import ALWAYS_VALUED, FIELD_GROUPS
from landreg.registry.derived import ENRICHMENT
from landreg.registry.tables import PLOTS

#: Fields whose value may be missing (a value of the always-valued ones is always there; the
#: price history is counted from the observations).
VALUED_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        f for fields in FIELD_GROUPS.values() for f in fields if f not in ALWAYS_VALUED and f != "price_history"
    )
)
#: Rows fetched at a time.
_FETCH = 10_000
#: Blank text is no value (as :func:`landreg.provenance.entries.has_value` reads it).
_BLANKS = "('', '[]')"


def _has_value_sqlite(name: str) -> str:
    """1 when the stored value of ``name`` is a value, in SQLite (NaN is stored as NULL there)."""
    col = f'"{name}"'
    blank = f"trim({col}, ' ' || char(9, 10, 11, 12, 13)) IN {_BLANKS}"
    if name in JSON_FIELDS:
        blank = f"({blank} OR trim({col}) = 'null')"
    return f"(CASE WHEN {col} IS NULL THEN 0 WHEN typeof({col}) = 'text' AND {blank} THEN 0 ELSE 1 END)"


def _has_value_postgis(name: str, sql_type: str) -> str:
    """1 when the stored value of ``name`` (of PostgreSQL type ``sql_type``) is a value."""
    col = f'"{name}"'
    if sql_type == "jsonb":
        text = f"btrim({col} #>> '{{}}', E' \\t\\n\\r\\f\\v')"
        blank = (
            f"jsonb_typeof({col}) = 'null' OR {col} = '[]'::jsonb "
            f"OR (jsonb_typeof({col}) = 'string' AND {text} IN {_BLANKS})"
        )
    elif sql_type in ("text", "character varying"):
        blank = f"btrim({col}, E' \\t\\n\\r\\f\\v') IN {_BLANKS}"
    elif sql_type in ("double precision", "real", "numeric"):
        blank = f"{col} = 'NaN'"
    else:
        blank = "false"
    return f"(CASE WHEN {col} IS NULL THEN 0 WHEN {blank} THEN 0 ELSE 1 END)"


def provenance_groups(registry: Any) -> Iterator[tuple[Any, dict[str, Any], int]]:
    """The live plots of ``registry`` grouped by provenance and by which fields hold a value.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        An open registry (only read).

    Yields
    ------
    provenance : str, dict or None
        The stored provenance (JSON text on GeoPackage, a dict on PostGIS).
    record : dict
        Each field of :data:`VALUED_FIELDS` -> ``True`` when it holds a value, else ``None``.
    n_plots : int
        Live plots with this provenance and these fields holding a value.
    """
    if registry.backend == "postgis":
        with registry._connection() as conn:
            types = dict(
                conn.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
                    "AND table_schema = current_schema()",
                    (PLOTS,),
                ).fetchall()
            )
            flags = [_has_value_postgis(f, str(types.get(f, ""))) for f in VALUED_FIELDS]
            yield from _grouped(conn.execute(_group_sql(flags)))
        return
    flags = [_has_value_sqlite(f) for f in VALUED_FIELDS]
    with registry._lock:
        yield from _grouped(registry._conn.execute(_group_sql(flags)))


def _group_sql(flags: list[str]) -> str:
    listed = ", ".join(f"{flag} AS f{i}" for i, flag in enumerate(flags))
    keys = ", ".join(["provenance", *(f"f{i}" for i in range(len(flags)))])
    return f'SELECT provenance, {listed}, count(*) FROM "{PLOTS}" WHERE valid_to IS NULL GROUP BY {keys}'


def _grouped(cursor: Any) -> Iterator[tuple[Any, dict[str, Any], int]]:
    while rows := cursor.fetchmany(_FETCH):
        for row in rows:
            record = {f: True if row[1 + i] else None for i, f in enumerate(VALUED_FIELDS)}
            yield row[0], record, int(row[-1])


def enrichment_layer_versions(registry: Any) -> list[Any]:
    """The distinct ``layer_versions`` of the stored enrichment rows (JSON text or dicts), without the rows."""
    if registry.backend == "postgis":
        with registry._connection() as conn:
            return [r[0] for r in conn.execute(f'SELECT DISTINCT layer_versions FROM "{ENRICHMENT}"').fetchall()]
    with registry._lock:
        exists = registry._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (ENRICHMENT,)
        ).fetchone()
        if exists is None:
            return []
        return [r[0] for r in registry._conn.execute(f'SELECT DISTINCT layer_versions FROM "{ENRICHMENT}"')]

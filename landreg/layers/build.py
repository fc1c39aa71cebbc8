"""Fill an empty registry from the layers named in the manifest."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from landreg.errors import ConfigurationError
from landreg.layers.changes import apply_plot_changes, plots_before_changes, read_plot_changes
from landreg.layers.load import load_layer_spec
from landreg.layers.manifest import LayerSpec, Manifest, load_manifest
from landreg.model.plot import PriceObservation

if TYPE_CHECKING:
    from landreg.registry.base import EditablePlotStore, Registry

#: Roles that :func:`build_registry_from_layers` reads, in the order it writes them.
BUILD_ROLES: tuple[str, ...] = ("business_area", "decisions", "road_projects", "plots", "plot_changes", "prices")
_BOOL_COLUMNS = ("connection_fees_included", "requires_new_road")
#: Business-area layer columns that say where an outline comes from (``outline_source`` "osm" or "generated").
#: The registry keeps that per area in ``provenance["geometry"]``, so they are not stored twice.
OUTLINE_ORIGIN_COLUMNS = ("outline_source", "osm_landuse_ids", "outline_note")

#: ``progress(step, done, total)`` is called as the build goes.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildSummary:
    """How many records :func:`build_registry_from_layers` wrote, per kind."""

    business_areas: int = 0
    decisions: int = 0
    road_projects: int = 0
    plots: int = 0
    plot_changes: int = 0
    prices: int = 0


def _one(manifest: Manifest, role: str) -> LayerSpec | None:
    specs = manifest.by_role(role)
    if len(specs) > 1:
        ids = ", ".join(s.id for s in specs)
        raise ConfigurationError(f"{manifest.path}: expected at most one layer with role {role!r}, found {ids}")
    return specs[0] if specs else None


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _bools(frame: pd.DataFrame) -> pd.DataFrame:
    """GeoPackage booleans with nulls read back as 1.0/0.0/NaN; turn them into True/False/None."""
    frame = frame.copy()
    for col in _BOOL_COLUMNS:
        if col in frame.columns:
            frame[col] = pd.Series(
                [None if _clean(v) is None else bool(v) for v in frame[col]], index=frame.index, dtype=object
            )
    return frame


def _ensure_empty(registry: Registry) -> None:
    counts = {
        "plots": registry.count_plots(),
        "business areas": len(registry.load_business_areas()),
        "decisions": len(registry.load_decisions()),
        "road projects": len(registry.load_road_projects()),
    }
    filled = {k: v for k, v in counts.items() if v}
    if filled:
        raise ConfigurationError(
            f"the registry at {registry.label} is not empty ({filled}); "
            "build_registry_from_layers fills only a new, empty registry"
        )


def build_registry_from_layers(
    registry: Registry, *, layers_dir: str | Path, actor: str = "landreg init", progress: Progress | None = None
) -> BuildSummary:
    """Fill an empty registry with the business areas, decisions, road projects, plots and prices of the layers.

    Layers are found by role in ``layers.toml``: ``business_area``, ``decisions``,
    ``road_projects``, ``plots``, ``plot_changes`` and ``prices`` (each optional, at most one each).
    Plots go through the registry's full validation (:meth:`add_plots`); plots with dated
    changes are added as they were before them and then changed (:mod:`landreg.layers.changes`).

    Parameters
    ----------
    registry : Registry
        A new, empty registry (GeoPackage or PostGIS).
    layers_dir : str or Path
        Folder with ``layers.toml``.
    actor : str
        Recorded in the plots' history.
    progress : callable, optional
        ``progress(step, done, total)``; steps are the roles above.

    Returns
    -------
    BuildSummary

    Raises
    ------
    ConfigurationError
        When the registry is not empty or the manifest or a layer is unusable.
    ValidationError
        When a record fails validation; nothing of that kind is written.
    """
    manifest = load_manifest(layers_dir)
    _ensure_empty(registry)
    specs = {role: _one(manifest, role) for role in BUILD_ROLES}
    counts: dict[str, int] = {}

    def report(step: str, done: int, total: int) -> None:
        if progress is not None:
            progress(step, done, total)

    if (spec := specs["business_area"]) is not None:
        areas = _frame(load_layer_spec(spec))
        areas = areas.drop(columns=[c for c in OUTLINE_ORIGIN_COLUMNS if c in areas.columns])
        counts["business_areas"] = registry.save_business_areas(areas)
        report("business_area", counts["business_areas"], len(areas))
    if (spec := specs["decisions"]) is not None:
        table = _frame(load_layer_spec(spec))
        records = []
        for rec in table.to_dict(orient="records"):
            rec = {k: _clean(v) for k, v in rec.items()}
            for key in ("outcomes", "provenance"):
                if isinstance(rec.get(key), str):
                    rec[key] = json.loads(rec[key])
            records.append({k: v for k, v in rec.items() if v is not None})
        counts["decisions"] = registry.save_decisions(records)
        report("decisions", counts["decisions"], len(records))
    if (spec := specs["road_projects"]) is not None:
        roads = _frame(load_layer_spec(spec))
        counts["road_projects"] = registry.save_road_projects(roads)
        report("road_projects", counts["road_projects"], len(roads))
    if (spec := specs["plots"]) is not None:
        counts |= _add_plots(registry, spec, specs["plot_changes"], actor=actor, report=report)
    if (spec := specs["prices"]) is not None:
        prices = _bools(load_layer_spec(spec))
        cols = ["plot_id", *PriceObservation.model_fields]
        missing = [c for c in cols if c not in prices.columns and c != "source"]
        if missing:
            raise ConfigurationError(f"layer {spec.id!r}: price table lacks column(s) {missing}")
        counts["prices"] = registry.add_price_table(prices[[c for c in cols if c in prices.columns]], actor=actor)
        report("prices", counts["prices"], len(prices))
    return BuildSummary(**counts)


def _add_plots(
    registry: EditablePlotStore, spec: LayerSpec, change_spec: LayerSpec | None, *, actor: str, report: Progress
) -> dict[str, int]:
    """Add the plots of ``spec`` (as they were before their dated changes, when there are any), then the changes."""
    plots = _bools(load_layer_spec(spec))
    changes = None
    if change_spec is not None:
        changes = read_plot_changes(_frame(load_layer_spec(change_spec)), layer_id=change_spec.id)
    total, done = len(plots), 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        report("plots", done, total)

    first = plots if changes is None else plots_before_changes(plots, changes)
    counts = {
        "plots": len(
            registry.add_plots(gpd.GeoDataFrame(first), actor=actor, progress=step, context=f"layer {spec.id!r}")
        )
    }
    if changes is not None:
        counts["plot_changes"] = apply_plot_changes(registry, plots, changes, actor=actor)
        report("plot_changes", counts["plot_changes"], len(changes))
    return counts


@dataclass(frozen=True)
class CreatedRegistry:
    """What :func:`create_registry_from_layers` made: the file, what it holds and the enrichment run."""

    path: Path
    build: BuildSummary
    #: The registry's summary after the build (a :class:`~landreg.registry.RegistrySummary`).
    summary: Any
    #: The enrichment run (an :class:`~landreg.enrich.EnrichReport`), or None when not enriched.
    enrich: Any = None


def create_registry_from_layers(
    path: str | Path,
    *,
    layers_dir: str | Path,
    enrich: bool = True,
    overwrite: bool = False,
    actor: str = "landreg init",
    progress: Progress | None = None,
) -> CreatedRegistry:
    """Create a registry file from the layers and enrich it (what ``landreg init`` does).

    The registry is built in a temporary file beside ``path`` and moved into place
    only when complete, so a failed build never leaves a half-made registry.

    Parameters
    ----------
    path : str or Path
        The GeoPackage to create.
    layers_dir : str or Path
        Folder with ``layers.toml``.
    enrich : bool
        Compute road access, terrain and hazards for every plot (default); without
        it the analyses refuse the registry until ``landreg enrich`` has run.
    overwrite : bool
        Replace an existing file at ``path``.
    actor : str
        Recorded in the plots' history.
    progress : callable, optional
        ``progress(step, done, total)`` during the build (see :func:`build_registry_from_layers`).

    Returns
    -------
    CreatedRegistry

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is false.
    ConfigurationError, ValidationError
        As :func:`build_registry_from_layers`; nothing is left at ``path``.
    """
    from landreg.enrich import enrich_registry
    from landreg.registry import GeoPackageRegistry, summarize_registry

    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; choose another file or replace it (landreg init --force)")
    tmp = path.with_name(path.name + ".building")
    try:
        with GeoPackageRegistry.create(tmp, overwrite=True) as reg:
            built = build_registry_from_layers(reg, layers_dir=layers_dir, actor=actor, progress=progress)
            report = enrich_registry(reg, layers_dir=layers_dir) if enrich else None
            summary = summarize_registry(reg, layers_dir=layers_dir if enrich else None)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return CreatedRegistry(path=path, build=built, summary=summary, enrich=report)


def _frame(loaded: object) -> pd.DataFrame:
    """A loaded vector or table layer (never a raster path)."""
    if not isinstance(loaded, pd.DataFrame):
        raise ConfigurationError(f"expected a vector or table layer, got {loaded!r}")
    return loaded

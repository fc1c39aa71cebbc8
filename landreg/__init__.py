"""landreg — registry and analysis of business land (næringsareal) in the Trondheim region.

The geospatial core: the plot model, registry storage (GeoPackage), validation,
import/export and the ``landreg`` command line.  It never imports the web
(``api``) or map (``maps``) layers.
"""

from __future__ import annotations

from landreg.crs import REGION_EXTENT_25832, STORAGE_CRS, STORAGE_EPSG
from landreg.errors import (
    CRSError,
    EntityNotFoundError,
    InvalidGeometryError,
    LandregError,
    NotEnrichedError,
    PlotEndedError,
    PlotNotFoundError,
    Problem,
    RegistryFormatError,
    UnreachablePlotError,
    UnsupportedFormatError,
    ValidationError,
    VersionConflictError,
)
from landreg.io import export_plots, import_plots, read_plots, write_plots
from landreg.io.mapped_import import import_with_mapping
from landreg.io.mapping import load_mapping
from landreg.layers.build import create_registry_from_layers
from landreg.model import (
    BusinessArea,
    Decision,
    Plot,
    PlotAttributes,
    PlotStatus,
    PriceObservation,
    RoadProject,
    plot_json_schema,
)
from landreg.plans import import_plan, read_plan_gml
from landreg.registry import (
    GeoPackageRegistry,
    PlotQuery,
    PlotRegistry,
    PlotStore,
    PostGISRegistry,
    Registry,
    open_registry,
    summarize_registry,
)
from landreg.registry.backup import backup_registry, restore_registry
from landreg.settings import LandregSettings, get_landreg_settings
from landreg.units import daa_from_m2, m2_from_daa
from landreg.validation import validate_plots

__version__ = "0.1.0"

__all__ = [
    "REGION_EXTENT_25832",
    "STORAGE_CRS",
    "STORAGE_EPSG",
    "BusinessArea",
    "CRSError",
    "Decision",
    "EntityNotFoundError",
    "GeoPackageRegistry",
    "InvalidGeometryError",
    "LandregError",
    "LandregSettings",
    "NotEnrichedError",
    "Plot",
    "PlotAttributes",
    "PlotEndedError",
    "PlotNotFoundError",
    "PlotQuery",
    "PlotRegistry",
    "PlotStatus",
    "PlotStore",
    "PostGISRegistry",
    "PriceObservation",
    "Problem",
    "Registry",
    "RegistryFormatError",
    "RoadProject",
    "UnreachablePlotError",
    "UnsupportedFormatError",
    "ValidationError",
    "VersionConflictError",
    "backup_registry",
    "create_registry_from_layers",
    "daa_from_m2",
    "export_plots",
    "get_landreg_settings",
    "import_plan",
    "import_plots",
    "import_with_mapping",
    "load_mapping",
    "m2_from_daa",
    "open_registry",
    "plot_json_schema",
    "read_plan_gml",
    "read_plots",
    "restore_registry",
    "summarize_registry",
    "validate_plots",
    "write_plots",
]

"""Plot dossiers: one plot's facts, score, access, isochrones, terrain, hazards, prices and neighbours."""

from __future__ import annotations

from landreg.dossier.build import PlotDossier, build_plot_dossier
from landreg.dossier.isochrone import plot_isochrones

__all__ = ["PlotDossier", "build_plot_dossier", "plot_isochrones"]

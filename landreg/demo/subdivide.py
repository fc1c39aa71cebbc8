"""Cutting a business-area outline into non-overlapping plots (synthetic geometry)."""

from __future__ import annotations

import math

import numpy as np
import shapely

#: Half the width of the internal streets left between plots (m).
STREET_HALF_WIDTH_M = 4.0
#: Pieces smaller than this after the streets are cut out are dropped (m²).
MIN_PLOT_M2 = 1_500.0


def _cut(poly: shapely.Polygon, frac: float) -> list[shapely.Polygon]:
    """Cut ``poly`` across its longer axis at ``frac`` of its length."""
    rect = shapely.minimum_rotated_rectangle(poly)
    c = shapely.get_coordinates(rect)[:4]
    e1, e2 = c[1] - c[0], c[2] - c[1]
    axis = e1 if np.hypot(*e1) >= np.hypot(*e2) else e2
    length = float(np.hypot(*axis))
    u = axis / length
    v = np.array([-u[1], u[0]])
    proj = (shapely.get_coordinates(poly) - c[0]) @ u
    lo, hi = proj.min(), proj.max()
    at = lo + frac * (hi - lo)
    big = 10.0 * length + 1000.0
    base = c[0] + u * at
    half = shapely.Polygon([base - v * big, base - v * big - u * big, base + v * big - u * big, base + v * big])
    parts = []
    for piece in (poly.intersection(half), poly.difference(half)):
        parts += [p for p in shapely.get_parts(piece) if p.geom_type == "Polygon" and p.area > 1.0]
    return parts


def subdivide(
    outline: shapely.Geometry, *, mean_plot_m2: float, rng: np.random.Generator, large_plot_m2: float = 0.0
) -> list[shapely.Polygon]:
    """Plots inside ``outline`` (EPSG:25832), separated by streets, none overlapping.

    Parameters
    ----------
    outline : Polygon or MultiPolygon
        The business area.
    mean_plot_m2 : float
        Pieces smaller than about this are not cut further.
    rng : numpy Generator
        Source of the cut positions (seeded by the caller).
    large_plot_m2 : float
        When positive, the first piece at or below this size is kept whole (one large plot).

    Returns
    -------
    list of Polygon
        In a stable order (by the order of cutting).
    """
    queue = [p for p in shapely.get_parts(outline) if p.geom_type == "Polygon"]
    leaves: list[shapely.Polygon] = []
    keep_large = large_plot_m2 > 0
    while queue:
        poly = queue.pop(0)
        limit = mean_plot_m2 * rng.uniform(1.2, 2.6)
        if keep_large and poly.area <= large_plot_m2 and poly.area > 0.6 * large_plot_m2:
            keep_large = False
            leaves.append(poly)
            continue
        if poly.area <= limit:
            leaves.append(poly)
            continue
        queue.extend(_cut(poly, rng.uniform(0.3, 0.7)))
    plots = []
    for leaf in leaves:
        inner = leaf.buffer(-STREET_HALF_WIDTH_M, join_style="mitre")
        parts = [p for p in shapely.get_parts(inner) if p.geom_type == "Polygon"]
        if not parts:
            continue
        best = max(parts, key=lambda p: p.area)
        if best.area >= MIN_PLOT_M2 and math.isfinite(best.area):
            plots.append(best.simplify(0.5))
    return plots

"""An update that changes nothing writes nothing: a geometry back from a CRS round trip is the stored one."""

from __future__ import annotations

import shapely

from landreg.registry.writes import SAME_GEOMETRY_TOLERANCE_M


def test_a_geometry_moved_by_rounding_only_is_no_change(loaded):
    """Vertices that moved far less than a millimetre (a round trip through CRS84) are the stored geometry."""
    registry, ids = loaded
    plot = registry.get_plot(ids[0])
    back = shapely.affinity.translate(plot.geometry, xoff=SAME_GEOMETRY_TOLERANCE_M / 100, yoff=-1e-9)
    same = registry.update_plot(plot.plot_id, {"geometry": back}, expected_version=plot.version, actor="t", crs=25832)
    assert same.version == plot.version and same.area_m2 == plot.area_m2
    assert len(registry.plot_history(plot.plot_id)) == 1
    renamed = registry.update_plot(
        plot.plot_id, {"geometry": back, "name": "Ny"}, expected_version=plot.version, actor="t", crs=25832
    )
    assert renamed.version == plot.version + 1 and renamed.name == "Ny"
    assert shapely.equals_exact(renamed.geometry, plot.geometry, tolerance=0) and renamed.area_m2 == plot.area_m2


def test_a_moved_vertex_is_a_change(loaded):
    registry, ids = loaded
    plot = registry.get_plot(ids[0])
    moved = shapely.affinity.translate(plot.geometry, xoff=0.05)
    new = registry.update_plot(plot.plot_id, {"geometry": moved}, expected_version=plot.version, actor="t", crs=25832)
    assert new.version == plot.version + 1

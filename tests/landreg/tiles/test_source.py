"""Tiles are rendered through the registry's public interface alone (no private connection)."""

from __future__ import annotations

import morecantile
from pyproj import Transformer

from landreg.registry import EntityTables, PlotStore, SqlReader
from landreg.testing import make_plot_frame
from landreg.tiles import TileCache, render_tile

TMS = morecantile.tms.get("WebMercatorQuad")
TO_LONLAT = Transformer.from_crs(25832, 4326, always_xy=True)


def _public_only(registry):
    """An object holding only the members of the protocols a tile source is made of."""
    names: set[str] = set()
    for protocol in (PlotStore, EntityTables, SqlReader):
        names |= {n for n in vars(protocol) if not n.startswith("_")} | set(protocol.__annotations__)
    return type("PublicOnly", (), {n: getattr(registry, n) for n in names})()


def test_tiles_render_from_the_public_interface_and_see_edits(registry):
    registry.add_plots(make_plot_frame(36, seed=7), actor="fixture")
    source = _public_only(registry)
    lon0, lat0, lon1, lat1 = TO_LONLAT.transform_bounds(*registry.plots_extent())
    tile = next(iter(TMS.tiles(lon0, lat0, lon1, lat1, [14])))
    cache = TileCache()
    before = render_tile(source, "plots", z=14, x=tile.x, y=tile.y, cache=cache)
    assert before and before == render_tile(registry, "plots", z=14, x=tile.x, y=tile.y)
    assert render_tile(source, "plots", z=14, x=tile.x, y=tile.y, cache=cache) == before
    assert cache.hits == 1
    plot = registry.query_plots().iloc[0]
    registry.update_plot(plot.plot_id, {"status": "sold"}, expected_version=int(plot.version), actor="test")
    after = render_tile(source, "plots", z=14, x=tile.x, y=tile.y, cache=cache)
    assert after == render_tile(registry, "plots", z=14, x=tile.x, y=tile.y)
    assert after != before and cache.hits == 1  # the edit emptied the cache

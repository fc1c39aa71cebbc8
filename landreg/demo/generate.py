"""Generate the bundled regional dataset in ``layers/`` — deterministically.

Run ``python -m landreg.demo.generate`` to rewrite ``layers/demo_plots.gpkg``
(plots, price history, decisions, road projects) from the business areas and
destinations already in ``layers/``.  ``--stage all`` rebuilds everything:
the real layers from the source files (``--source-dir``, default
``/work/shared/data``), destinations, business areas, demo plots, hazards and
the DEM.  Every random value comes from :data:`landreg.demo.common.SEED`, the
iteration order is fixed and nothing depends on the clock, so re-running gives
the same values.

Synthetic prices are calibrated to cited in-region figures (Sveberg 2018, Vegsletta 2019)
and scaled to the other areas by assumed factors: see :mod:`landreg.demo.prices`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd

from landreg.demo.areas import write_business_areas
from landreg.demo.common import DEFAULT_SOURCE_DIR
from landreg.demo.destinations import write_destinations
from landreg.demo.hazards import write_hazards
from landreg.demo.plots import DEMO_FILE, write_demo
from landreg.demo.sources import KARTVERKET_FILE, write_sources
from landreg.demo.terrain import write_dem

STAGES = ("sources", "destinations", "areas", "demo", "hazards", "terrain")


def generate(
    stages: Sequence[str] = ("demo",),
    *,
    layers_dir: str | Path = "layers",
    out_dir: str | Path | None = None,
    source_dir: str | Path = DEFAULT_SOURCE_DIR,
    log: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """Run generator stages in their fixed order.

    Parameters
    ----------
    stages : sequence of str
        Any of :data:`STAGES`, or ``"all"``.
    layers_dir : str or Path
        Where inputs of later stages are read (the existing ``layers/``).
    out_dir : str or Path, optional
        Where files are written; defaults to ``layers_dir``.  When earlier stages
        run in the same call, later stages read their output from here.
    source_dir : str or Path
        The real source files (only for the ``sources`` stage).
    log : callable, optional
        Receives one line per stage.

    Returns
    -------
    dict
        Counts per stage.
    """
    wanted = set(STAGES) if "all" in stages else set(stages)
    unknown = wanted - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; expected some of {STAGES} or 'all'")
    layers_dir = Path(layers_dir)
    out = Path(out_dir) if out_dir is not None else layers_dir
    out.mkdir(parents=True, exist_ok=True)
    say = log or (lambda _line: None)
    results: dict[str, object] = {}

    def source_of(stage: str) -> Path:
        """Read from ``out`` when the stage that makes the input ran in this call."""
        return out if stage in wanted else layers_dir

    if "sources" in wanted:
        results["sources"] = write_sources(Path(source_dir), out)
    if "destinations" in wanted:
        results["destinations"] = write_destinations(source_of("sources"), out)
    if "areas" in wanted:
        results["areas"] = write_business_areas(source_of("sources"), out)
    if "demo" in wanted:
        inputs = source_of("areas")
        if inputs != source_of("destinations"):
            raise ValueError(
                "stage 'demo' needs business areas and destinations from the same folder; "
                "run 'areas' and 'destinations' together or neither"
            )
        results["demo"] = write_demo(inputs, out)
    munis = None
    if "hazards" in wanted or "terrain" in wanted:
        munis = gpd.read_file(source_of("sources") / KARTVERKET_FILE, layer="municipalities", engine="pyogrio")
    if "hazards" in wanted:
        plots = gpd.read_file(source_of("demo") / DEMO_FILE, layer="plots", engine="pyogrio")
        results["hazards"] = write_hazards(munis, plots, out)
    if "terrain" in wanted:
        results["terrain"] = str(write_dem(munis, out))
    for stage, result in results.items():
        say(f"{stage}: {result}")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (``python -m landreg.demo.generate``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--stage", action="append", choices=[*STAGES, "all"], help="stage to run (repeatable; default: demo)"
    )
    parser.add_argument("--layers-dir", default="layers", help="folder with the existing layers (default: layers)")
    parser.add_argument("--out-dir", default=None, help="where to write (default: the layers folder)")
    parser.add_argument("--source-dir", default=str(DEFAULT_SOURCE_DIR), help="real source data (sources stage)")
    args = parser.parse_args(argv)
    generate(
        args.stage or ["demo"], layers_dir=args.layers_dir, out_dir=args.out_dir, source_dir=args.source_dir, log=print
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

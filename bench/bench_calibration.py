"""Speed-model calibration: model drive times on the bundled road network against published ones.

References: ``bench/reference_drive_times.toml`` (each figure quoted from a cited page).
Baseline: the same network with the plain class speeds (no built-up slow-down, no
junction delay), i.e. the speed model before calibration.  Calibrated: the
``speed_kmh`` stored in the road layer (:func:`landreg.layers.speeds.calibrated_speeds_kmh`).
The error of a reference is 0 inside its published range, else the relative
distance to the nearest end; the target is ±15 % for every car reference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import machine, timed, write_section
from landreg.enrich import build_road_network
from landreg.enrich.calibration import ReferenceDriveTime, compare_drive_times, load_reference_drive_times
from landreg.layers import load_layer, road_speed_kmh
from landreg.layers.speeds import URBAN_JUNCTION_DELAY_S, URBAN_SPEED_FACTOR

ROOT = Path(__file__).resolve().parents[1]
LAYERS_DIR = ROOT / "layers"
REFERENCES = Path(__file__).with_name("reference_drive_times.toml")
TARGET = 0.15
#: Trips of interest without a published figure: model times only, before and after.
TRIPS = (
    ("Torgård terminal → Værnes", "destination:freight_torgard", "destination:airport_vaernes"),
    ("Nyhavna port → Værnes", "destination:port_nyhavna", "destination:airport_vaernes"),
    ("Rissa → Trondheim sentrum (Flakk–Rørvik ferry)", "placename:Rissa", "destination:city_centre"),
)


def run(*, write: bool = True) -> dict:
    """Compare both speed models with every reference; returns the figures (and writes the section)."""
    references = load_reference_drive_times(REFERENCES)
    roads = load_layer("roads", layers_dir=LAYERS_DIR)
    plain = roads.copy()
    plain["speed_kmh"] = [
        road_speed_kmh(t, c, m)
        for t, c, m in zip(roads["typeVeg"], roads["vegkategori"], roads["motorvegtype"], strict=True)
    ]
    seconds, calibrated = timed(
        lambda: compare_drive_times(references, build_road_network(roads), layers_dir=LAYERS_DIR)
    )
    baseline = compare_drive_times(references, build_road_network(plain), layers_dir=LAYERS_DIR)
    table = calibrated.rename(columns={"model_min": "calibrated_min", "error": "calibrated_error"})
    table["baseline_min"] = baseline["model_min"].to_numpy()
    table["baseline_error"] = baseline["error"].to_numpy()
    by_id = {r.id: r for r in references}
    table["route"] = [f"{by_id[i].origin} → {by_id[i].target or '(ferry link)'}" for i in table["id"]]
    table["url"] = [by_id[i].url for i in table["id"]]
    trips = [ReferenceDriveTime(label, a, b, 1, 1, "", "") for label, a, b in TRIPS]
    before = compare_drive_times(trips, build_road_network(plain, ferry_connect_tolerance_m=0), layers_dir=LAYERS_DIR)
    after = compare_drive_times(trips, build_road_network(roads), layers_dir=LAYERS_DIR)
    figures = {"table": table, "trips": (before, after), "seconds": seconds, "machine": machine()}
    if write:
        write_section("25_calibration", _report(figures))
    return figures


def _summary(errors: pd.Series) -> tuple[float, float, int]:
    a = errors.abs()
    return float(a.median()), float(errors.iloc[int(np.argmax(a.to_numpy()))]), int((a <= TARGET + 1e-9).sum())


def _minutes(low: float, high: float) -> str:
    return f"{low:.0f}" if low == high else f"{low:.0f}–{high:.0f}"


def _report(f: dict) -> str:
    t: pd.DataFrame = f["table"]
    cars = t[t["mode"] == "car"]
    b_med, b_worst, b_ok = _summary(cars["baseline_error"])
    c_med, c_worst, c_ok = _summary(cars["calibrated_error"])
    rows = "\n".join(
        f"| {r.id} | {r.route} | {_minutes(r.minutes_low, r.minutes_high)} | {r.baseline_min:.1f} ({r.baseline_error:+.0%}) "
        f"| **{r.calibrated_min:.1f} ({r.calibrated_error:+.0%})** | {'yes' if abs(r.calibrated_error) <= TARGET else 'NO'} "
        f"| [source]({r.url}) |"
        for r in t.itertuples()
    )
    before, after = f["trips"]
    trips = "\n".join(
        f"| {b.id} | {b.model_min:.1f} min, {b.model_km:.0f} km | {a.model_min:.1f} min, {a.model_km:.0f} km |"
        for b, a in zip(before.itertuples(), after.itertuples(), strict=True)
    )
    misses = ", ".join(cars.loc[cars["calibrated_error"].abs() > TARGET, "id"]) or "none"
    factor = URBAN_SPEED_FACTOR
    return f"""## Road speed calibration against published drive times ({len(cars)} car references + 1 ferry crossing)

Machine: {f["machine"]}. Network: bundled N1000 roads (`layers/kartverket.gpkg`). References:
`bench/reference_drive_times.toml` (place, published minutes or range, URL and the sentence's gist);
places resolve to N1000 stations, place names, the airport and the city-centre destination.
Baseline: plain class speeds (E/R 80, F 70, K 50, motorway 100, limited-access 90 km/h).
Calibrated: inside N1000 built-up areas motorways at ×{factor["motorway"]}, other roads at ×{factor["other"]}
of the class speed, {URBAN_JUNCTION_DELAY_S:.0f} s per junction there (`landreg/layers/speeds.py`).
Error: 0 inside the published range, else relative distance to it. Target ±{TARGET:.0%} per reference.

| reference | from → to | published (min) | baseline min (error) | calibrated min (error) | within ±15 % | source |
|---|---|---|---|---|---|---|
{rows}

| car references | median abs. error | worst error | within ±15 % |
|---|---|---|---|
| baseline (class speeds) | {b_med:.1%} | {b_worst:+.0%} | {b_ok} of {len(cars)} |
| **calibrated** | **{c_med:.1%}** | **{c_worst:+.0%}** | **{c_ok} of {len(cars)}** |

Target not met for: {misses}. These references pull against the others: in a grid over urban
factors 0.45–0.55 (other roads) / 0.55–0.8 (motorways), junction delays 15–45 s and rural E/R 75–80,
F 65–70 km/h, *malvik-vaernes* and *trondheim-oppdal* never came inside ±15 %, and the best setting
left two more exactly on the ±15 % edge; the chosen one keeps the rest clear of the edge.
*malvik-vaernes* (20 min) and
*trondheim-malvik* (25 min) come from one sentence about "Malvik" without saying which part, and
together give 45 min Trondheim–Værnes where *trondheim-hell* says 30 min to Hell beside the airport;
*trondheim-oppdal* (about 2 h) is 15 min more than *trondheim-storen* (45 min) plus *oppdal-storen*
(1 h) along the same E6; *melhus-trondheim* (20 min) is short next to 45 min for Støren, 30 km further
south. The ferry row compares the sailing time of the Flakk–Rørvik link (7.2 km at 20 km/h) with the
published 25-minute crossing; the routing adds 15 min of waiting on top. Comparing took {f["seconds"]:.2f} s.

Trips without a published figure (model only). "Before": class speeds and ferry ends joined only
when they touch a road (1 m), as the road graph was built before; "after": calibrated speeds and
ferry ends joined within 500 m.

| trip | before | after |
|---|---|---|
{trips}
"""


def main() -> None:
    print(_report(run()))


if __name__ == "__main__":
    main()

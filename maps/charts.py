"""Static price charts (matplotlib, Agg): box plots, index, benchmarks and the price-surface map.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot
(so no GUI backend is ever touched); :func:`save_chart` writes it as PNG and
SVG.  Every real figure drawn carries its source: benchmark bars and cited
in-region prices are numbered, and the numbers are listed (publisher, title,
URL) under the chart.  Charts say what of their data is synthetic: the caller passes
``synthetic=``, the :class:`~landreg.provenance.SyntheticSummary` of the data drawn
(:func:`landreg.provenance.summarize_synthetic`, e.g. ``price_observations=obs``), whose
notice labels the chart ("Synthetic data — price observations: 388 of 612 …"); there is
no default, and data with nothing synthetic gets no label.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landreg.prices import PriceSurface, ensure_like_for_like, in_region_references, select_prices
from landreg.provenance import SyntheticSummary

CHART_FORMATS = ("png", "svg")


def _figure(width_in: float = 9.0, height_in: float = 5.5) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), layout="constrained")


def _label(fig: Any, *, synthetic: SyntheticSummary, source: str | None = None) -> None:
    parts = [textwrap.fill(synthetic.text(), 140)] if synthetic.any_synthetic else []
    if source:
        parts.append(source)
    if parts:  # supxlabel takes part in the constrained layout, so it never overlaps the axes
        fig.supxlabel(" · ".join(parts), x=0.995, ha="right", fontsize=8, color="#a00000")


def save_chart(fig: Any, path: str | Path, *, formats: Sequence[str] = CHART_FORMATS, dpi: int = 150) -> list[Path]:
    """Write ``fig`` once per format next to ``path`` (its suffix is replaced); return the files."""
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        target = base.with_suffix(f".{fmt}")
        fig.savefig(target, format=fmt, dpi=dpi)
        out.append(target)
    return out


def chart_price_by_municipality(
    observations: pd.DataFrame,
    *,
    kind: str = "asking",
    basis: str | None = None,
    connection_fees_included: bool | None = None,
    synthetic: SyntheticSummary,
) -> Any:
    """Box plots of NOK/m² per municipality for one kind and price class.

    Raises
    ------
    MixedPriceBasisError
        When the selection holds several price classes.
    """
    obs = select_prices(observations, kind=kind, basis=basis, connection_fees_included=connection_fees_included)
    classes = ensure_like_for_like(obs, what="price chart")
    order = obs.groupby("municipality_name")["price_nok_m2"].median().sort_values(ascending=False).index
    fig = _figure()
    ax = fig.add_subplot()
    data = [obs.loc[obs["municipality_name"] == m, "price_nok_m2"].to_numpy() for m in order]
    ax.boxplot(data, tick_labels=list(order), orientation="horizontal", showfliers=True)
    ax.invert_yaxis()
    ax.set_xlabel("NOK per m²")
    ax.set_title(f"{kind.capitalize()} prices by municipality ({', '.join(classes)})")
    for i, values in enumerate(data, start=1):
        ax.text(ax.get_xlim()[1], i, f" n={len(values)}", va="center", fontsize=7)
    _label(fig, synthetic=synthetic)
    return fig


def chart_price_index(index_table: pd.DataFrame, *, synthetic: SyntheticSummary, title: str | None = None) -> Any:
    """Line chart of a price index (from :func:`landreg.prices.price_index`) with its 95 % band."""
    fig = _figure(8.0, 4.5)
    ax = fig.add_subplot()
    years = index_table["year"].to_numpy()
    ax.plot(years, index_table["index"], marker="o", color="#1f5f8b", label="index")
    if index_table["ci_low"].notna().any():
        ax.fill_between(
            years, index_table["ci_low"], index_table["ci_high"], color="#1f5f8b", alpha=0.2, label="95 % interval"
        )
    base = int(index_table["base_year"].iloc[0])
    ax.axhline(100, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("year")
    ax.set_ylabel(f"index ({base} = 100)")
    method = str(index_table["method"].iloc[0]).replace("_", "-")
    ax.set_title(title or f"Land-price index, {method} method")
    ax.legend(loc="upper left")
    _label(fig, synthetic=synthetic)
    return fig


def _source_text(row: pd.Series) -> str:
    source, url = str(row["source"]), row.get("url")
    return f"{source} — {url}" if isinstance(url, str) and url and url not in source else source


def _numbered_sources(rows: pd.DataFrame) -> tuple[list[int], list[str]]:
    """A number per row referring to its source, and the notes ``[n] source — url`` (one per distinct source)."""
    texts = [_source_text(row) for _, row in rows.iterrows()]
    numbers = {text: n for n, text in enumerate(dict.fromkeys(texts), start=1)}
    return [numbers[t] for t in texts], [f"[{n}] {text}" for text, n in numbers.items()]


def _notes(lines: list[str]) -> str:
    """Source notes, wrapped (never cut, so every URL stays whole)."""
    return "\n".join(
        textwrap.fill(line, 150, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)
        for line in lines
    )


def chart_benchmarks(comparison: pd.DataFrame, *, synthetic: SyntheticSummary) -> Any:
    """Bars of NOK/m²: the region and each benchmark (from :func:`landreg.prices.compare_with_benchmarks`).

    Each bar carries a number ``[n]`` that refers to its source (publisher, title,
    URL) listed under the chart.  Rows without a NOK price (missing, or in another
    currency without a cited rate) are drawn as empty hatched bars with their
    figure as cited; an upper bound is drawn as an outlined bar labelled ``< x``;
    a claimed price is drawn hatched and labelled "claim"; ratio claims are listed
    under the chart, not drawn as prices.
    """
    rows = comparison[comparison["figure"].astype(str) != ""].reset_index(drop=True)
    claims = comparison[comparison["figure"].astype(str) == ""]
    fig = _figure(9.0, 5.6 + 0.16 * len(comparison))
    ax = fig.add_subplot()
    prices = rows["price_nok_m2"].to_numpy(dtype=float)
    known = np.isfinite(prices)
    height_missing = np.nanmax(prices) if known.any() else 1.0
    numbers, notes = _numbered_sources(rows)
    for i, row in rows.iterrows():
        tag = f"[{numbers[i]}]"
        if not known[i]:
            ax.bar(i, height_missing, fill=False, hatch="//", edgecolor="#999999", ls="--")
            cited = textwrap.fill(str(row["figure"]), 11)
            what = "missing\n(no citable\nfigure)" if row["status"] == "missing" else f"{cited}\nnot in NOK"
            ax.text(i, height_missing / 2, f"{what}\n{tag}", ha="center", va="center", fontsize=7)
            continue
        bound = str(row["figure"]).startswith(("<", ">"))
        if row["status"] == "claim" or bound:
            ax.bar(i, prices[i], fill=False, hatch="xx" if row["status"] == "claim" else "", edgecolor="#c06000")
        else:
            ax.bar(i, prices[i], color="#1f5f8b" if row["id"] == "region" else "#7a9e3b")
        kind = "claim" if row["status"] == "claim" else row["like_for_like"]
        text = f"{'< ' if bound else ''}{prices[i]:,.0f}\n{kind} {tag}"
        ax.text(i, prices[i], text, ha="center", va="bottom", fontsize=7)
    names = [str(r).split(",")[0].split(" (")[0].split(":")[0] for r in rows["region"]]
    ax.set_xticks(range(len(rows)), names, fontsize=7, rotation=25, ha="right")
    ax.set_ylabel("NOK per m²")
    ax.set_title("Region vs external benchmarks (cited figures; bars numbered by source)")
    for _, c in claims.iterrows():
        notes.append(f"Claim, not a measurement: region {c['claimed_ratio']} ({str(c['source']).split(' (')[0]})")
    ax.set_xlabel(_notes(notes), fontsize=6, loc="left")
    _label(fig, synthetic=synthetic)
    return fig


def chart_cited_prices(
    observations: pd.DataFrame,
    *,
    references: pd.DataFrame | None = None,
    kind: str = "asking",
    basis: str = "serviced",
    synthetic: SyntheticSummary,
) -> Any:
    """Yearly median price of each municipality with cited figures, and the cited figures as points.

    The registry's prices (one line per municipality, called synthetic when ``synthetic`` says so)
    are drawn as lines; each cited figure of :func:`landreg.prices.in_region_references`
    as a black marker (a hollow one when derived) labelled with its figure and
    publisher, numbered to its source (publisher, title, URL) under the chart.

    Parameters
    ----------
    observations : DataFrame
        Price observations with ``municipality_no`` and ``year``.
    references : DataFrame, optional
        From :func:`landreg.prices.load_price_references` (default: the bundled table).
    kind, basis : str
        The registry prices drawn (the cited figures are drawn whatever their basis).
    synthetic : SyntheticSummary
        What of the registry prices is synthetic (labels the chart).
    """
    cited = in_region_references(references).reset_index(drop=True)
    numbers, notes = _numbered_sources(cited)
    obs = select_prices(observations, kind=kind, basis=basis)
    fig = _figure(9.0, 5.8)
    ax = fig.add_subplot()
    colours = ["#1f5f8b", "#7a9e3b", "#c06000", "#6a3d9a"]
    for n, muni in enumerate(sorted(set(cited["municipality_no"]))):
        colour = colours[n % len(colours)]
        yearly = obs[obs["municipality_no"].astype(str) == muni].groupby("year")["price_nok_m2"].median()
        name = str(obs.loc[obs["municipality_no"].astype(str) == muni, "municipality_name"].head(1).squeeze() or muni)
        if len(yearly):
            what = "synthetic" if synthetic.any_synthetic else "registry"
            label = f"{name}: median {kind} price, {basis} ({what})"
            ax.plot(yearly.index, yearly.to_numpy(), color=colour, ls="--", marker=".", label=label)
        points = cited[cited["municipality_no"] == muni]
        for j, (i, ref) in enumerate(points.iterrows()):
            face = "none" if ref["derived"] else "black"
            ax.scatter(int(ref["year"]), ref["price_nok_m2"], s=60, marker="D", facecolors=face, edgecolors="black")
            ax.annotate(
                f"{ref['label']} [{numbers[i]}]",
                (int(ref["year"]), ref["price_nok_m2"]),
                fontsize=7,
                xytext=(6, 4 if j % 2 == 0 else -10),
                textcoords="offset points",
            )
    ax.scatter([], [], marker="D", color="black", label="cited figure (real; hollow = derived)")
    ax.set_ylabel("NOK per m² of plot")
    ax.set_title("Registry prices and cited in-region figures")
    ax.legend(loc="upper left", fontsize=7)
    ax.set_xlabel("year\n" + _notes(notes), fontsize=6)
    _label(fig, synthetic=synthetic)
    return fig


def chart_price_surface(
    surface: PriceSurface,
    *,
    boundaries: Any = None,
    points: pd.DataFrame | None = None,
    title: str = "Interpolated land price (NOK per m²)",
    synthetic: SyntheticSummary,
) -> Any:
    """Map of a price surface (EPSG:25832), with municipality outlines and data points when given."""
    fig = _figure(7.5, 7.5)
    ax = fig.add_subplot()
    minx, miny, maxx, maxy = surface.bounds
    image = ax.imshow(
        np.ma.masked_invalid(surface.values_nok_m2), extent=(minx, maxx, miny, maxy), origin="upper", cmap="viridis"
    )
    fig.colorbar(image, ax=ax, label="NOK per m²", shrink=0.8)
    if boundaries is not None:
        boundaries.boundary.plot(ax=ax, color="white", linewidth=0.6)
    if points is not None:
        ax.scatter(points["x"], points["y"], s=4, c="black", label="plots")
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_xlabel("E (m, EPSG:25832)")
    ax.set_ylabel("N (m, EPSG:25832)")
    ax.set_title(f"{title}\n{surface.method.upper()}, {surface.pixel_size_m:g} m pixels")
    _label(fig, synthetic=synthetic)
    return fig

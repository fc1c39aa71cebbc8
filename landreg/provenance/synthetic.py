"""What is synthetic in the data an output used, counted exactly, and the notice that says so.

Every output (maps, API responses, CLI summaries, exports, charts) takes its synthetic notice
from :func:`summarize_synthetic` over the data it actually used: the plots (per field group,
from each plot's provenance), the price observations (their ``source``), the business areas
(their provenance) and the layers (their manifest ``synthetic`` flag).  A registry of real plots
with real layers gets an empty summary and no notice; a mixed one says exactly what is invented,
e.g. ``"prices: 388 of 612 plots synthetic"`` (``"priser: 388 av 612 tomter syntetiske"``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from landreg.provenance.entries import (
    ALWAYS_VALUED,
    FIELD_GROUPS,
    entry_is_synthetic,
    entry_of,
    entry_source,
    has_value,
    parse_provenance,
)

#: Languages of the notice text.
LANGUAGES = ("en", "nb")
_WHAT = {
    "plots": ("plots", "tomter"),
    "prices": ("prices", "priser"),
    "status": ("status", "status"),
    "zoning": ("zoning", "regulering"),
    "readiness": ("readiness", "byggeklarhet"),
    "owners": ("owners", "eiere"),
    "firms": ("firms", "bedrifter"),
    "price observations": ("price observations", "prisobservasjoner"),
    "business areas": ("business areas", "næringsområder"),
    "layers": ("layers", "kartlag"),
}
_UNIT = {
    "plots": (("plot", "plots"), ("tomt", "tomter")),
    "observations": (("observation", "observations"), ("observasjon", "observasjoner")),
    "areas": (("area", "areas"), ("område", "områder")),
    "layers": (("layer", "layers"), ("kartlag", "kartlag")),
}


@dataclass(frozen=True)
class SyntheticCount:
    """How many values of one group are synthetic.

    Attributes
    ----------
    what : str
        The group: a plot field group of :data:`~landreg.provenance.entries.FIELD_GROUPS`,
        ``"price observations"``, ``"business areas"`` or ``"layers"``.
    n_synthetic, n_total : int
        Synthetic values, and all values of the group in the data used.
    unit : str
        What is counted: ``"plots"``, ``"observations"``, ``"areas"`` or ``"layers"``.
    sources : dict
        Source -> number of values of the group from it (real and synthetic).
    synthetic_items : tuple of str
        For layers: the ids of the synthetic layers used.
    """

    what: str
    n_synthetic: int
    n_total: int
    unit: str
    sources: dict[str, int] = field(default_factory=dict)
    synthetic_items: tuple[str, ...] = ()

    def text(self, lang: str = "en") -> str:
        """``"prices: 388 of 612 plots synthetic"`` / ``"priser: 388 av 612 tomter syntetiske"``."""
        i = _lang_index(lang)
        what = _WHAT.get(self.what, (self.what, self.what))[i]
        unit = _UNIT[self.unit][i][0 if self.n_total == 1 else 1]
        if i == 0:
            text = f"{what}: {self.n_synthetic} of {self.n_total} {unit} synthetic"
        else:
            adj = "syntetisk" if self.n_synthetic == 1 else "syntetiske"
            text = f"{what}: {self.n_synthetic} av {self.n_total} {unit} {adj}"
        return text + (f" ({', '.join(self.synthetic_items)})" if self.synthetic_items else "")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values."""
        return {
            "what": self.what,
            "n_synthetic": self.n_synthetic,
            "n_total": self.n_total,
            "unit": self.unit,
            "sources": dict(self.sources),
            "synthetic_items": list(self.synthetic_items),
        }


@dataclass(frozen=True)
class SyntheticSummary:
    """What is synthetic in the data an output used (see :func:`summarize_synthetic`).

    Attributes
    ----------
    counts : tuple of SyntheticCount
        One per group present in the data (also those with nothing synthetic).
    """

    counts: tuple[SyntheticCount, ...] = ()

    @property
    def any_synthetic(self) -> bool:
        """True when any value used is synthetic."""
        return any(c.n_synthetic for c in self.counts)

    def synthetic_counts(self) -> list[SyntheticCount]:
        """The groups with at least one synthetic value."""
        return [c for c in self.counts if c.n_synthetic]

    def get(self, what: str) -> SyntheticCount | None:
        """The count of one group, or None when the data had none of it."""
        return next((c for c in self.counts if c.what == what), None)

    def lines(self, lang: str = "en") -> list[str]:
        """One line per group with synthetic values (empty when nothing is synthetic)."""
        return [c.text(lang) for c in self.synthetic_counts()]

    def text(self, lang: str = "en") -> str:
        """The notice: ``"Synthetic data — prices: 388 of 612 plots synthetic; …"``; ``""`` when none."""
        lines = self.lines(lang)
        if not lines:
            return ""
        head = "Synthetic data" if _lang_index(lang) == 0 else "Syntetiske data"
        return f"{head} — " + "; ".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: ``synthetic`` (bool), ``counts`` and the notice in English and bokmål."""
        return {
            "synthetic": self.any_synthetic,
            "counts": [c.to_dict() for c in self.counts],
            "notice": {lang: self.text(lang) for lang in LANGUAGES},
        }

    def merged(self, other: SyntheticSummary) -> SyntheticSummary:
        """This summary with the groups of ``other`` added (``other`` wins for a group in both)."""
        names = {c.what for c in other.counts}
        return SyntheticSummary(tuple(c for c in self.counts if c.what not in names) + other.counts)


def _lang_index(lang: str) -> int:
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return LANGUAGES.index(lang)


def _plot_counts(
    plots: pd.DataFrame | Sequence[Mapping[str, Any]], groups: Sequence[str], *, weights: Sequence[int] | None = None
) -> list[SyntheticCount]:
    """Per group: plots with a value in it, those with a synthetic one, sources (``weights``: plots per record)."""
    if isinstance(plots, pd.DataFrame):
        if "provenance" not in plots.columns:
            raise ValueError(
                "the plots carry no 'provenance' column, so what is synthetic cannot be told; "
                "pass the plots as read from the registry"
            )
        provs = [parse_provenance(v) for v in plots["provenance"]]
        columns = [c for c in plots.columns if c != "provenance"]
        records: Sequence[Mapping[str, Any]] = plots[columns].to_dict(orient="records") if len(plots) else []
    else:  # plot records (e.g. the properties of a page of features): no frame built and taken apart again
        if any("provenance" not in r for r in plots):
            raise ValueError(
                "a plot record carries no 'provenance', so what is synthetic cannot be told; "
                "pass the plots as read from the registry"
            )
        records = plots
        provs = [parse_provenance(r["provenance"]) for r in plots]
    # One pass over the plots; each distinct entry of a plot (most fields share the "*" default)
    # is judged once. Per group: plots with a value in it, those with a synthetic value, sources.
    # Fields that always hold a value are not asked; most missing values are None (answered without a call).
    fields_of = [(group, [(f, f in ALWAYS_VALUED) for f in FIELD_GROUPS[group]]) for group in groups]
    tallies: dict[str, tuple[list[int], Counter[str]]] = {group: ([0, 0], Counter()) for group in groups}
    for k, (record, prov) in enumerate(zip(records, provs, strict=True)):
        weight = 1 if weights is None else weights[k]
        judged: dict[int, tuple[bool, str]] = {}
        default = prov.get("*")
        for group, fields in fields_of:
            first = chosen = None
            for f, always in fields:
                if not always and (record.get(f) is None or not has_value(record, f)):
                    continue
                entry = prov.get(f) or default  # entry_of(prov, f)
                verdict = judged.get(id(entry))
                if verdict is None:
                    verdict = judged[id(entry)] = (entry_is_synthetic(entry), entry_source(entry))
                first = first or verdict
                if verdict[0]:  # the group's first synthetic value names the plot synthetic, and its source
                    chosen = verdict
                    break
            if first is None:
                continue
            counts, sources = tallies[group]
            counts[0] += weight
            counts[1] += weight if chosen is not None else 0
            sources[(chosen or first)[1]] += weight
    out = []
    for group, _ in fields_of:
        (n_total, n_syn), sources = tallies[group]
        if n_total:
            out.append(SyntheticCount(group, n_syn, n_total, "plots", dict(sorted(sources.items()))))
    return out


def count_grouped_plots(
    groups_of_plots: Iterable[tuple[Any, Mapping[str, Any], int]], *, groups: Iterable[str] | None = None
) -> list[SyntheticCount]:
    """The plot counts of :func:`summarize_synthetic` from plots counted in groups instead of one by one.

    Parameters
    ----------
    groups_of_plots : iterable of (provenance, record, n_plots)
        Plots that share a provenance (JSON text or dict) and the fields holding a value
        (``record``: field -> a value or None), with how many plots there are
        (:func:`landreg.registry.provenance_groups.provenance_groups`).
    groups : iterable of str, optional
        The plot field groups counted (default all).

    Returns
    -------
    list of SyntheticCount
        Equal to the plot counts of :func:`summarize_synthetic` over the plots themselves.
    """
    records: list[dict[str, Any]] = []
    weights: list[int] = []
    for provenance, record, n_plots in groups_of_plots:
        records.append({**record, "provenance": provenance})
        weights.append(n_plots)
    return _plot_counts(records, list(groups) if groups is not None else list(FIELD_GROUPS), weights=weights)


def _observation_count(observations: pd.DataFrame) -> SyntheticCount | None:
    if not len(observations):
        return None
    if "source" in observations.columns:
        src = observations["source"].fillna("unknown").astype(str)
    else:
        src = pd.Series("unknown", index=observations.index)
    synthetic = src == "synthetic"
    if "method" in observations.columns:
        method = observations["method"].astype(object)
        synthetic = method.map(lambda m: m == "synthetic") | (method.isna() & synthetic)
    sources = dict(sorted(Counter(src).items()))
    return SyntheticCount("price observations", int(synthetic.sum()), len(observations), "observations", sources)


def _area_count(areas: pd.DataFrame) -> SyntheticCount | None:
    if not len(areas):
        return None
    provs = [parse_provenance(v) for v in areas["provenance"]] if "provenance" in areas else [{}] * len(areas)
    flags = [entry_is_synthetic(entry_of(p, "geometry")) for p in provs]
    sources = Counter(entry_source(entry_of(p, "geometry")) for p in provs)
    return SyntheticCount("business areas", sum(flags), len(areas), "areas", dict(sorted(sources.items())))


def _layer_count(layers: Mapping[str, bool]) -> SyntheticCount | None:
    if not layers:
        return None
    fake = tuple(sorted(k for k, v in layers.items() if v))
    sources = {"synthetic": len(fake), "real": len(layers) - len(fake)}
    return SyntheticCount("layers", len(fake), len(layers), "layers", {k: v for k, v in sources.items() if v}, fake)


def summarize_synthetic(
    plots: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
    *,
    groups: Iterable[str] | None = None,
    price_observations: pd.DataFrame | None = None,
    business_areas: pd.DataFrame | None = None,
    layers: Mapping[str, bool] | Iterable[Any] | None = None,
) -> SyntheticSummary:
    """Count exactly what is synthetic in the data an output used.

    Parameters
    ----------
    plots : DataFrame or sequence of mappings, optional
        The plots used, with their ``provenance`` (JSON text or dicts) and field columns, as a
        frame or as records (one mapping per plot, e.g. the properties of features).
    groups : iterable of str, optional
        The plot field groups used (:data:`~landreg.provenance.entries.FIELD_GROUPS`; default all).
    price_observations : DataFrame, optional
        Price observations used (a ``source`` column; ``"synthetic"`` marks invented ones).
    business_areas : DataFrame, optional
        Business areas used, with their ``provenance``.
    layers : mapping or iterable, optional
        Layers used: id -> synthetic flag, or :class:`~landreg.layers.manifest.LayerSpec` objects.

    Returns
    -------
    SyntheticSummary

    Raises
    ------
    ValueError
        When ``plots`` has no ``provenance`` column or ``groups`` names an unknown group.
    """
    chosen = list(groups) if groups is not None else list(FIELD_GROUPS)
    unknown = [g for g in chosen if g not in FIELD_GROUPS]
    if unknown:
        raise ValueError(f"unknown field group(s) {unknown}; expected some of {', '.join(FIELD_GROUPS)}")
    counts: list[SyntheticCount] = []
    if plots is not None:
        counts += _plot_counts(plots, chosen)
    if price_observations is not None and (c := _observation_count(price_observations)) is not None:
        counts.append(c)
    if business_areas is not None and (c := _area_count(business_areas)) is not None:
        counts.append(c)
    if layers is not None:
        if isinstance(layers, Mapping):
            flags = {str(k): bool(v) for k, v in layers.items()}
        else:
            specs: list[Any] = list(layers)
            flags = {str(s.id): bool(s.synthetic) for s in specs}
        if (c := _layer_count(flags)) is not None:
            counts.append(c)
    return SyntheticSummary(tuple(counts))


def layers_used_by(plots: pd.DataFrame, *, manifest: Any) -> dict[str, bool]:
    """The layers the enrichment of these plots used (``layer_versions``), id -> synthetic flag of the manifest.

    Parameters
    ----------
    plots : DataFrame
        Enriched plots with ``layer_versions`` (JSON text or dict; layer id -> version,
        ``"absent"`` for a layer that was not there).
    manifest : Manifest or mapping
        :func:`landreg.layers.manifest.load_manifest` of the layers folder, or layer id -> synthetic flag.

    Returns
    -------
    dict
        Only ids the manifest names (enrichment parameters and decided outcomes are no layers).
    """
    flags: Mapping[str, bool] = (
        manifest if isinstance(manifest, Mapping) else {s.id: bool(s.synthetic) for s in manifest.layers}
    )
    used: dict[str, bool] = {}
    if "layer_versions" not in plots.columns:
        return used
    for value in plots["layer_versions"].dropna().unique():
        versions = json.loads(value) if isinstance(value, str) else dict(value)
        for lid, version in versions.items():
            if lid in flags and version != "absent":
                used[lid] = bool(flags[lid])
    return dict(sorted(used.items()))

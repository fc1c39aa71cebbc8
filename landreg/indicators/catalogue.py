"""A DCAT-AP-NO catalogue of the open-data files, as JSON-LD.

One ``dcat:Catalog`` holds a ``dcat:Dataset`` per table (and one for the plots on offer), each
with its ``dcat:Distribution`` per file (``dcat:downloadURL`` relative to the catalogue,
``dcat:mediaType``, ``dct:format``, ``dct:license``, ``dcat:byteSize``), its licence, its
sources (``dct:source``: each layer it rests on, with licence and attribution), its dates
(``dct:issued``: when written; ``dct:modified``: the registry time it shows) and what of it is
synthetic (a ``dqv:QualityMeasurement`` of the share and a note in bokmål and English).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Licences by key: URI and name.
LICENCES: dict[str, tuple[str, str]] = {
    "ODbL": ("https://opendatacommons.org/licenses/odbl/1-0/", "Open Database License (ODbL) 1.0"),
    "CC BY 4.0": ("https://creativecommons.org/licenses/by/4.0/", "Creative Commons Attribution 4.0 (CC BY 4.0)"),
    "NLOD": ("https://data.norge.no/nlod/no/2.0", "Norsk lisens for offentlige data (NLOD) 2.0"),
    "CC0": ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
}
#: Media types (IANA) and EU file types of the files written.
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    ".csv": ("text/csv", "CSV"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    ".gpkg": ("application/geopackage+sqlite3", "GPKG"),
    ".geojson": ("application/geo+json", "GEOJSON"),
}
CONTEXT: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dqv": "http://www.w3.org/ns/dqv#",
    "oa": "http://www.w3.org/ns/oa#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
_EU = "http://publications.europa.eu/resource/authority"
#: The quality dimension measured by the synthetic share (a term of this catalogue).
SYNTHETIC_METRIC = "#synthetic-share"


@dataclass(frozen=True)
class Source:
    """A source a dataset rests on (a layer of ``layers.toml``, or the registry itself)."""

    title: str
    licence: str
    attribution: str = ""
    synthetic: bool = False


@dataclass(frozen=True)
class OpenDataset:
    """One dataset of the catalogue: its files, licence, sources, synthetic share and texts.

    Attributes
    ----------
    id : str
    title, description : dict
        Per language (``nb``, ``en``).
    files : tuple of Path
        Its files (inside the catalogue's folder).
    licence : str
        A key of :data:`LICENCES`.
    sources : tuple of Source
    synthetic_share : float
        0–1: how much of it rests on synthetic data.
    synthetic_note : dict
        Per language: what is synthetic.
    keywords : dict
        Per language.
    """

    id: str
    title: dict[str, str]
    description: dict[str, str]
    files: tuple[Path, ...]
    licence: str
    sources: tuple[Source, ...]
    synthetic_share: float
    synthetic_note: dict[str, str]
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)


def licence_of(texts: Sequence[str], *, database: bool) -> str:
    """The licence (key of :data:`LICENCES`) of data derived from sources with these licence texts.

    A database holding features of an ODbL source is ODbL (share-alike); anything resting on a
    CC BY 4.0 source is CC BY 4.0 (attribution carried on); otherwise NLOD 2.0, the licence of
    Norwegian public open data.

    Parameters
    ----------
    texts : sequence of str
        The ``license`` texts of the sources (e.g. ``"ODbL 1.0 (OSM outlines); CC BY 4.0 (anchors)"``).
    database : bool
        Whether the data holds the sources' features (a derived database), not only figures from them.

    Returns
    -------
    str
    """
    joined = " ".join(texts)
    if database and "ODbL" in joined:
        return "ODbL"
    if "CC BY" in joined or "ODbL" in joined:  # figures from an ODbL source: a produced work, credited
        return "CC BY 4.0"
    return "NLOD"


def _text(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"@language": lang, "@value": text} for lang, text in values.items() if text]


def _date(day: dt.date) -> dict[str, str]:
    return {"@value": day.isoformat(), "@type": "xsd:date"}


def _distribution(path: Path, *, base: Path, dataset: OpenDataset) -> dict[str, Any]:
    media, fmt = MEDIA_TYPES[path.suffix.lower()]
    rel = path.relative_to(base).as_posix()
    dist: dict[str, Any] = {
        "@id": f"#{dataset.id}-{path.suffix.lstrip('.').lower()}",
        "@type": "dcat:Distribution",
        "dct:title": _text({lang: f"{t} ({fmt})" for lang, t in dataset.title.items()}),
        "dcat:downloadURL": {"@id": rel},
        "dcat:accessURL": {"@id": rel},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
        "dct:format": {"@id": f"{_EU}/file-type/{fmt}"},
        "dct:license": {"@id": LICENCES[dataset.licence][0]},
        "dcat:byteSize": {"@value": str(path.stat().st_size), "@type": "xsd:nonNegativeInteger"},
    }
    if fmt == "GEOJSON":
        dist["dct:conformsTo"] = {"@id": "https://www.rfc-editor.org/rfc/rfc7946"}
    elif fmt == "GPKG":
        dist["dct:conformsTo"] = {"@id": "http://www.opengis.net/def/crs/EPSG/0/25832"}
    return dist


def _dataset(dataset: OpenDataset, *, base: Path, issued: dt.date, modified: dt.date) -> dict[str, Any]:
    uri, name = LICENCES[dataset.licence]
    return {
        "@id": f"#{dataset.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": _text(dataset.title),
        "dct:description": _text(
            {
                lang: f"{dataset.description[lang]} {dataset.synthetic_note.get(lang, '')}".strip()
                for lang in ("nb", "en")
            }
        ),
        "dcat:keyword": [{"@language": lang, "@value": k} for lang, words in dataset.keywords.items() for k in words],
        "dcat:theme": [{"@id": f"{_EU}/data-theme/ECON"}, {"@id": f"{_EU}/data-theme/REGI"}],
        "dct:language": {"@id": f"{_EU}/language/NOB"},
        "dct:spatial": {"@type": "dct:Location", "skos:prefLabel": "Trondheimsregionen"},
        "dct:issued": _date(issued),
        "dct:modified": _date(modified),
        "dct:accessRights": {"@id": f"{_EU}/access-right/PUBLIC"},
        "dct:license": {"@id": uri, "rdfs:label": name},
        "dct:source": [
            {
                "@type": "rdfs:Resource",
                "rdfs:label": s.title,
                "dct:rights": s.licence,
                "dct:type": "synthetic" if s.synthetic else "real",
                **({"dct:rightsHolder": s.attribution} if s.attribution else {}),
            }
            for s in dataset.sources
        ],
        "dqv:hasQualityMeasurement": {
            "@type": "dqv:QualityMeasurement",
            "dqv:isMeasurementOf": {"@id": SYNTHETIC_METRIC},
            "dqv:value": {"@value": str(round(dataset.synthetic_share, 4)), "@type": "xsd:decimal"},
        },
        "dqv:hasQualityAnnotation": {
            "@type": "dqv:QualityAnnotation",
            "oa:motivatedBy": {"@id": "dqv:qualityAssessment"},
            "oa:hasBody": {"@type": "oa:TextualBody", "rdf:value": _text(dataset.synthetic_note)},
        },
        "dcat:distribution": [_distribution(p, base=base, dataset=dataset) for p in dataset.files],
    }


def catalogue_jsonld(
    datasets: Sequence[OpenDataset], *, base: Path, issued: dt.date, modified: dt.date, publisher: str
) -> dict[str, Any]:
    """The DCAT-AP-NO catalogue of ``datasets`` as a JSON-LD document.

    Parameters
    ----------
    datasets : sequence of OpenDataset
        What to list.
    base : Path
        The folder of the catalogue; download URLs are relative to it.
    issued : date
        When the files were written.
    modified : date
        The registry time they show.
    publisher : str
        Who publishes them (``foaf:name``).

    Returns
    -------
    dict
    """
    return {
        "@context": CONTEXT,
        "@id": "#catalogue",
        "@type": "dcat:Catalog",
        "dct:title": _text({"nb": "Status for næringsareal – åpne data", "en": "Business land status – open data"}),
        "dct:description": _text(
            {
                "nb": "Indikatorer for næringsareal i Trondheimsregionen og tomtene som tilbys, beregnet fra "
                "tomteregisteret. Hvert datasett sier hvor mye som bygger på syntetiske data.",
                "en": "Business land indicators of the Trondheim region and the plots on offer, computed from the "
                "plot registry. Each dataset says how much of it rests on synthetic data.",
            }
        ),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
        "dct:issued": _date(issued),
        "dct:modified": _date(modified),
        "dct:language": {"@id": f"{_EU}/language/NOB"},
        "dcat:themeTaxonomy": {"@id": f"{_EU}/data-theme"},
        "dcat:dataset": [_dataset(d, base=base, issued=issued, modified=modified) for d in datasets],
    }

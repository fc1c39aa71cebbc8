"""Open data of the indicators: each table as CSV and XLSX, the plots on offer as GeoPackage and GeoJSON,
and a DCAT-AP-NO catalogue (JSON-LD) naming licence, sources, dates and synthetic share.

:func:`write_open_data` is what ``landreg indicators export``, ``landreg publish`` and the service
call.  CSV files are UTF-8 (æøå as they are), comma-separated with a point as decimal mark;
headers are in bokmål (``lang="nb"``) or English, and each spreadsheet has a sheet naming every
column in both languages.  The GeoPackage is in EPSG:25832, the GeoJSON in CRS84 (RFC 7946).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from landreg.indicators.catalogue import OpenDataset, Source, catalogue_jsonld, licence_of
from landreg.indicators.model import IndicatorReport
from landreg.indicators.synthetic import SyntheticIndex
from landreg.indicators.tables import Column, IndicatorTable, indicator_tables

#: Statuses of the plots published as on offer (now, or later when planned).
OFFERED_STATUSES = ("available", "planned")
#: Columns of the plots on offer.
PLOT_COLUMNS: tuple[Column, ...] = (
    Column("code", "kode", "code"),
    Column("name", "navn", "name"),
    Column("municipality_no", "kommunenummer", "municipality_no"),
    Column("municipality_name", "kommune", "municipality"),
    Column("business_area_id", "næringsområde", "business_area"),
    Column("status", "status", "status"),
    Column("available_from", "tilgjengelig_fra", "available_from"),
    Column("zoning", "reguleringsformål", "zoning"),
    Column("plan_status", "planstatus", "plan_status"),
    Column("readiness", "byggeklarhet", "readiness"),
    Column("price_min_nok_m2", "pris_min_kr_m2", "price_min_nok_m2"),
    Column("price_max_nok_m2", "pris_maks_kr_m2", "price_max_nok_m2"),
    Column("price_basis", "prisgrunnlag", "price_basis"),
    Column("area_daa", "areal_daa", "area_daa"),
    Column("requires_new_road", "trenger_ny_vei", "requires_new_road"),
    Column("synthetic", "syntetisk", "synthetic"),
)
#: Roles of the layers the indicator tables rest on besides the plots: prices, decisions, boundaries and
#: what the enrichment reads (roads, destinations, hazards, terrain).
_TABLE_ROLES = (
    "prices",
    "decisions",
    "boundary",
    "network",
    "network_coverage",
    "destination",
    "hazard",
    "hazard_coverage",
    "terrain",
)
#: Publisher named in the catalogue.
PUBLISHER = "Trondheimsregionen (landreg)"
_CATALOGUE_NAME = {"nb": "katalog.jsonld", "en": "catalog.jsonld"}
_PLOTS_NAME = {"nb": "ledige_tomter", "en": "plots_on_offer"}


@dataclass(frozen=True)
class Catalogue:
    """What :func:`write_open_data` wrote.

    Attributes
    ----------
    path : Path
        The catalogue file (JSON-LD).
    files : tuple of Path
        Every data file (not the catalogue).
    datasets : tuple of OpenDataset
    as_of : datetime
        The registry time the files show.
    jsonld : dict
        The catalogue document.
    """

    path: Path
    files: tuple[Path, ...]
    datasets: tuple[OpenDataset, ...]
    as_of: dt.datetime
    jsonld: dict[str, Any]


def write_table_csv(table: IndicatorTable, path: Path, *, lang: str) -> Path:
    """One table as UTF-8 CSV with the headers of ``lang``."""
    table.labelled(lang).to_csv(path, index=False, encoding="utf-8")
    return path


def write_table_xlsx(table: IndicatorTable, path: Path, *, lang: str, about: dict[str, str]) -> Path:
    """One table as a spreadsheet: the rows, the columns in both languages, and what the table is."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = table.name[lang][:31]
    frame = table.labelled(lang)
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if _missing(v) else v for v in row])
    columns = book.create_sheet("kolonner" if lang == "nb" else "columns")
    columns.append(["nb", "en"])
    for col in table.columns:
        columns.append([col.nb, col.en])
    info = book.create_sheet("om" if lang == "nb" else "about")
    info.append([table.title[lang]])
    info.append([table.description[lang]])
    for key, text in about.items():
        info.append([key, text])
    book.save(path)
    return path


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def offered_plots(plots: pd.DataFrame) -> gpd.GeoDataFrame:
    """The plots on offer (:data:`OFFERED_STATUSES`) with the columns of :data:`PLOT_COLUMNS` (EPSG:25832)."""
    mask = plots["status"].astype(str).isin(OFFERED_STATUSES).to_numpy()
    chosen = plots[mask]
    rows = pd.DataFrame(chosen.drop(columns="geometry")).reset_index(drop=True)
    flags = SyntheticIndex(rows).synthetic_rows()
    rows["area_daa"] = (pd.to_numeric(rows["area_m2"], errors="coerce") / 1000.0).round(3)
    rows["synthetic"] = flags
    rows["requires_new_road"] = rows["requires_new_road"].fillna(False).astype(bool)
    out = rows[[c.key for c in PLOT_COLUMNS]]
    return gpd.GeoDataFrame(out, geometry=chosen.geometry.to_numpy(), crs=plots.crs or "EPSG:25832")


def _write_plots(plots: gpd.GeoDataFrame, out_dir: Path, *, lang: str) -> tuple[Path, Path]:
    import pyogrio

    labelled = plots.rename(columns={c.key: c.header(lang) for c in PLOT_COLUMNS})
    gpkg = out_dir / f"{_PLOTS_NAME[lang]}.gpkg"
    geojson = out_dir / f"{_PLOTS_NAME[lang]}.geojson"
    for p in (gpkg, geojson):
        p.unlink(missing_ok=True)
    pyogrio.write_dataframe(labelled.to_crs("EPSG:25832"), gpkg, layer=_PLOTS_NAME[lang], driver="GPKG")
    pyogrio.write_dataframe(labelled.to_crs("OGC:CRS84"), geojson, driver="GeoJSON", layer_options={"RFC7946": "YES"})
    return gpkg, geojson


def _sources(layers_dir: Path | None, report: IndicatorReport) -> dict[str, list[Source]]:
    """Sources of the indicator tables and of the plots: the manifest's layers, else the registry alone."""
    registry = Source("landreg plot registry (tomteregister)", "NLOD 2.0", synthetic=report.synthetic.any_synthetic)
    if layers_dir is None or not (Path(layers_dir) / "layers.toml").exists():
        return {"tables": [registry], "plots": [registry]}
    from landreg.layers.manifest import load_manifest

    manifest = load_manifest(layers_dir)
    plot_roles = ("plots", "business_area", "plot_changes")
    tables = [
        Source(s.source, s.license, s.attribution, s.synthetic)
        for s in manifest.layers
        if s.role in (*plot_roles, *_TABLE_ROLES)
    ]
    plots = [Source(s.source, s.license, s.attribution, s.synthetic) for s in manifest.layers if s.role in plot_roles]
    return {"tables": tables or [registry], "plots": plots or [registry]}


def _note(share: float, text: dict[str, str]) -> dict[str, str]:
    pct = round(100 * share)
    if not share:
        return {"nb": "Ingenting her bygger på syntetiske data.", "en": "Nothing here rests on synthetic data."}
    return {
        "nb": f"Syntetisk andel: {pct} % – oppdiktede demonstrasjonsdata, ikke virkelige tall. {text['nb']}".strip(),
        "en": f"Synthetic share: {pct} % – invented demonstration data, not real figures. {text['en']}".strip(),
    }


def write_open_data(
    registry: Any,
    out_dir: str | Path,
    *,
    as_of: dt.datetime | None = None,
    lang: str = "nb",
    layers_dir: str | Path | None = None,
    report: IndicatorReport | None = None,
) -> Catalogue:
    """Write every indicator table (CSV, XLSX), the plots on offer (GeoPackage, GeoJSON) and the catalogue.

    Parameters
    ----------
    registry : PlotRegistry
        An open, enriched registry (only read).
    out_dir : str or Path
        Folder for the files (made when missing; files of the same names are replaced).
    as_of : datetime, optional
        The registry as recorded then (UTC when naive); default now.
    lang : str
        ``"nb"`` (bokmål file names and headers, default) or ``"en"``.
    layers_dir : str or Path, optional
        Folder with ``layers.toml``, for licences, sources and synthetic layers (default: the
        settings' ``layers_dir``).
    report : IndicatorReport, optional
        The figures, when already computed for the same registry and time.

    Returns
    -------
    Catalogue

    Raises
    ------
    ValueError
        For a language other than ``"nb"`` or ``"en"``.
    NotEnrichedError
        When the registry was never enriched.
    """
    from landreg.indicators.compute import compute_registry_indicators, plots_as_of

    if lang not in ("nb", "en"):
        raise ValueError(f"language {lang!r}: expected 'nb' (bokmål) or 'en' (English)")
    if layers_dir is None:
        from landreg.settings import LandregSettings

        layers_dir = LandregSettings().layers_dir
    layers = Path(layers_dir)
    if report is None:
        report = compute_registry_indicators(registry, as_of=as_of, layers_dir=layers)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sources = _sources(layers, report)
    today = dt.datetime.now(dt.UTC).date()
    about = {
        ("dato" if lang == "nb" else "as_of"): report.as_of.date().isoformat(),
        ("syntetiske data" if lang == "nb" else "synthetic data"): report.synthetic.text(lang),
    }
    datasets, files = [], []
    table_licence = licence_of([s.licence for s in sources["tables"]], database=False)
    for table in indicator_tables(report):
        csv = write_table_csv(table, out / f"{table.name[lang]}.csv", lang=lang)
        xlsx = write_table_xlsx(table, out / f"{table.name[lang]}.xlsx", lang=lang, about=about)
        files += [csv, xlsx]
        datasets.append(
            OpenDataset(
                table.id,
                table.title,
                table.description,
                (csv, xlsx),
                table_licence,
                tuple(sources["tables"]),
                table.synthetic_share,
                _note(table.synthetic_share, {"nb": report.synthetic.text("nb"), "en": report.synthetic.text("en")}),
                {"nb": ("næringsareal", "tomter", "indikatorer"), "en": ("business land", "plots", "indicators")},
            )
        )
    when = None if as_of is None else report.as_of
    offered = offered_plots(plots_as_of(registry, as_of=when))
    gpkg, geojson = _write_plots(offered, out, lang=lang)
    files += [gpkg, geojson]
    share = float(offered["synthetic"].mean()) if len(offered) else 0.0
    datasets.append(
        OpenDataset(
            "plots_on_offer",
            {"nb": "Ledige næringstomter", "en": "Business plots on offer"},
            {
                "nb": "Tomtene som er ledige nå eller senere (status ledig eller planlagt), med areal, regulering, "
                "byggeklarhet og pris; GeoPackage i EPSG:25832, GeoJSON i CRS84.",
                "en": "The plots on offer now or later (status available or planned), with area, zoning, readiness "
                "and price; GeoPackage in EPSG:25832, GeoJSON in CRS84.",
            },
            (gpkg, geojson),
            licence_of([s.licence for s in sources["plots"]], database=True),
            tuple(sources["plots"]),
            share,
            _note(
                share,
                {
                    "nb": "Kolonnen «syntetisk» merker hver oppdiktet tomt.",
                    "en": "Column «synthetic» marks each invented plot.",
                },
            ),
            {"nb": ("næringsareal", "tomter", "kart"), "en": ("business land", "plots", "map")},
        )
    )
    doc = catalogue_jsonld(datasets, base=out, issued=today, modified=report.as_of.date(), publisher=PUBLISHER)
    path = out / _CATALOGUE_NAME[lang]
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return Catalogue(path, tuple(files), tuple(datasets), report.as_of, doc)

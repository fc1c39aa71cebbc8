"""The business pages as HTML: find a site (form, ranked list, map) and a plot's dossier (HTML and PDF).

The views take what the core returns (:class:`~landreg.search.SearchResult`,
:class:`~landreg.dossier.PlotDossier`) and render the templates of ``maps/business/templates``;
the texts come from the ``business`` gettext catalog and every number from :mod:`landreg.i18n`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from landreg.i18n import format_number, translator
from maps.business.env import render_template
from maps.business.extract import STATUS_FILL, isochrone_svg, neighbourhood_svg
from maps.business.form import FORM_TARGETS, HAZARDS_TO_AVOID, PROFILES, SiteForm, saved_search_criteria

_HELPED = re.compile(r"^(?P<label>.+) \(\+(?P<points>[0-9.]+) pts, (?P<value>[0-9.]+)\)$")
_HELD = re.compile(r"^(?P<label>.+) \((?P<value>[0-9.]+) of 1\)$")


def find_site_path(lang: str) -> str:
    """``/finn-tomt`` (bokmål) or ``/en/find-site``."""
    return "/finn-tomt" if lang == "nb" else "/en/find-site"


def dossier_path(code: str, *, lang: str, profile: str | None = None, pdf: bool = False) -> str:
    """The stable address of a plot's dossier (``/plots/TOR-012/dossier``; ``/en/…`` in English; ``.pdf``)."""
    path = f"{'' if lang == 'nb' else '/en'}/plots/{quote(code, safe='')}/dossier{'.pdf' if pdf else ''}"
    return path + (f"?{urlencode({'profile': profile})}" if profile and profile != "general" else "")


def reason_text(text: str, *, lang: str, helped: bool) -> str:
    """A site's reason (``"time to port (+6.4 pts, 0.70)"``) in ``lang``: the criterion in words and its points.

    Parameters
    ----------
    text : str
        One entry of the search result's ``helped`` or ``held_back``.
    lang : str
        ``nb`` or ``en``.
    helped : bool
        True for ``helped`` (points and value), False for ``held_back`` (value of 1).

    Returns
    -------
    str
        E.g. ``"tid til havn: +6,4 poeng (0,70 av 1)"``; the text as given when it has another form.
    """
    _ = translator(lang, "business").gettext
    match = (_HELPED if helped else _HELD).match(text)
    if match is None:
        return text
    label = _(match["label"])
    value = format_number(float(match["value"]), lang, decimals=2)
    if helped:
        points = format_number(float(match["points"]), lang, decimals=1)
        return _("{criterion}: +{points} points ({value} of 1)").format(criterion=label, points=points, value=value)
    return _("{criterion}: {value} of 1").format(criterion=label, value=value)


def _areas_geojson(areas: Any) -> str:
    """Business areas (outline simplified to 10 m, name) as GeoJSON in CRS84, the map's context."""
    if areas is None or not len(areas):
        return '{"type": "FeatureCollection", "features": []}'
    simple = areas[["area_id", "name", "geometry"]].copy()
    simple["geometry"] = simple.geometry.simplify(10.0)
    return str(simple.to_crs(4326).to_json(drop_id=True))


def _sites(result: Any, *, lang: str, limit: int, profile: str | None) -> tuple[list[dict[str, Any]], str]:
    """The best ``limit`` sites as template rows, and their outlines as GeoJSON (CRS84) for the map."""
    sites = result.sites.head(limit)
    rows: list[dict[str, Any]] = []
    features = []
    wgs = sites.to_crs(4326) if len(sites) else sites
    for k, (_, s) in enumerate(sites.iterrows()):
        codes = [str(c) for c in s["codes"]]
        row = {
            "rank": int(s["rank"]),
            "site_id": str(s["site_id"]),
            "kind": str(s["kind"]),
            "codes": [{"code": c, "href": dossier_path(c, lang=lang, profile=profile)} for c in codes],
            "business_area_id": s.get("business_area_id"),
            "zoning": [z for z in str(s.get("zoning") or "").split(",") if z],
            "area_daa": float(s["area_daa"]),
            "score": float(s["score"]),
            "times": {t: float(s[f"{t}_min"]) for t in (*FORM_TARGETS, "city_centre") if f"{t}_min" in s.index},
            "price_nok_m2": s.get("price_nok_m2"),
            "helped": [reason_text(t, lang=lang, helped=True) for t in (s["helped"] or [])],
            "held_back": [reason_text(t, lang=lang, helped=False) for t in (s["held_back"] or [])],
        }
        rows.append(row)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(json.dumps(wgs.geometry.iloc[k].__geo_interface__)),
                "properties": {"rank": row["rank"], "site_id": row["site_id"], "href": row["codes"][0]["href"]},
            }
        )
    return rows, json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def render_find_site(
    form: SiteForm,
    *,
    lang: str,
    result: Any = None,
    municipalities: Sequence[tuple[str, str]] = (),
    areas: Any = None,
    notice: str = "",
) -> str:
    """The find-a-site page: the form (with its messages), and the ranked sites in a list and on a map.

    Parameters
    ----------
    form : SiteForm
        From :func:`~maps.business.form.parse_site_form`.
    lang : str
        ``nb`` or ``en``.
    result : SearchResult, optional
        The search's result (None: no search was run).
    municipalities : sequence of (str, str)
        Kommunenummer and name of the municipalities to choose among.
    areas : GeoDataFrame, optional
        Business areas (``area_id``, ``name``; any CRS declared): named on the list and outlined on the map.
    notice : str
        What of the data is synthetic (empty: nothing).

    Returns
    -------
    str
        The HTML page.
    """
    from landreg.model.enums import Zoning

    profile = form.values.get("profile") or None
    criteria = saved_search_criteria(form) if result is not None else None
    rows, geojson = _sites(result, lang=lang, limit=form.limit, profile=profile) if result is not None else ([], "")
    return render_template(
        "find_site.html",
        lang=lang,
        form=form,
        result=result,
        sites=rows,
        sites_geojson=Markup(geojson.replace("</", "<\\/")),
        areas_geojson=Markup(_areas_geojson(areas).replace("</", "<\\/")) if rows else "",
        area_names={} if areas is None else dict(zip(areas["area_id"], areas["name"], strict=True)),
        zonings=[z.value for z in Zoning],
        targets=FORM_TARGETS,
        hazards=HAZARDS_TO_AVOID,
        profiles=PROFILES,
        municipalities=list(municipalities),
        notice=notice,
        alert_criteria=None if criteria is None else json.dumps(criteria, ensure_ascii=False, sort_keys=True),
        own_weights=bool(form.profiles),
        self_path=find_site_path(lang),
        other_path=find_site_path("en" if lang == "nb" else "nb"),
        query=urlencode([(k, v) for k, vs in form.values.items() for v in (vs if isinstance(vs, list) else [vs]) if v]),
    )


def render_dossier(dossier: Any, *, lang: str, base_url: str = "", for_pdf: bool = False) -> str:
    """A plot's dossier as an HTML page (``for_pdf``: the print version, with its address written out).

    Parameters
    ----------
    dossier : PlotDossier
        From :func:`landreg.dossier.build_plot_dossier`.
    lang : str
        ``nb`` or ``en``.
    base_url : str
        The service's address, for the shareable link printed in the PDF.
    for_pdf : bool
        Render for WeasyPrint (no links to other formats, the address written out).

    Returns
    -------
    str
        The HTML page.
    """
    _ = translator(lang, "business").gettext
    profile = dossier.profile if dossier.profile != "general" else None
    neighbourhood = neighbourhood_svg(dossier, title=_("Map extract of {code}").format(code=dossier.code), km="km")
    iso = isochrone_svg(dossier, title=_("Drive-time areas around {code}").format(code=dossier.code), km="km")
    return render_template(
        "dossier.html",
        lang=lang,
        d=dossier,
        f=dossier.facts,
        extract=Markup(neighbourhood),
        isochrone_map=Markup(iso),
        status_fill=STATUS_FILL,
        for_pdf=for_pdf,
        self_path=dossier_path(dossier.code, lang=lang, profile=profile),
        pdf_path=dossier_path(dossier.code, lang=lang, profile=profile, pdf=True),
        other_path=dossier_path(dossier.code, lang="en" if lang == "nb" else "nb", profile=profile),
        share_url=base_url.rstrip("/") + dossier_path(dossier.code, lang=lang, profile=profile),
        find_path=find_site_path(lang),
        dossier_href=lambda code: dossier_path(code, lang=lang, profile=profile),
        profiles=PROFILES,
        notice=dossier.synthetic.text(lang),
    )


def render_not_found(code: str, *, lang: str, message: str) -> str:
    """The page for a plot code that names no live plot (says which code, links to the search)."""
    return render_template(
        "not_found.html",
        lang=lang,
        code=code,
        message=message,
        find_path=find_site_path(lang),
        other_path=dossier_path(code, lang="en" if lang == "nb" else "nb"),
        notice="",
    )


def dossier_pdf(page_html: str, *, base_url: str | None = None) -> bytes:
    """The dossier page as a PDF (WeasyPrint).

    Parameters
    ----------
    page_html : str
        From :func:`render_dossier` with ``for_pdf=True``.
    base_url : str, optional
        Base of relative links.

    Returns
    -------
    bytes
        The PDF document.

    Raises
    ------
    ImportError
        When WeasyPrint is not installed (``pip install weasyprint``; it needs Debian's pango).
    """
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - a dependency of landreg
        raise ImportError(
            "dossier PDFs need WeasyPrint: pip install weasyprint (and apt-get install libpango-1.0-0)"
        ) from exc
    return bytes(weasyprint.HTML(string=page_html, base_url=base_url).write_pdf())

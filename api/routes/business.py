"""Pages for businesses: find a site (``/finn-tomt``, ``/en/find-site``) and plot dossiers (HTML and PDF).

Human pages, not API operations (left out of the OpenAPI document like the API's own docs page):
the form works without JavaScript, bad input shows the form again with a message (400), an
unknown plot code is a 404 that names the code (HTML for a browser, the JSON error body otherwise).
Each route resolves its inputs, calls one core function and renders the result with :mod:`maps.business`.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import get_registry, settings_dep
from api.errors import InvalidParameterError, status_for
from api.limits import analysis_request
from api.settings import ApiSettings
from landreg import analysis
from landreg.errors import LandregError, PlotNotFoundError
from landreg.i18n import LANGS
from landreg.registry.base import AnalysisSource, PlotStore
from maps.business import (
    dossier_pdf,
    parse_site_form,
    render_dossier,
    render_find_site,
    render_not_found,
)

#: Finding a site and a dossier score the registry: each is one of a client's few concurrent expensive
#: requests (429 beyond) on a registry within the analysis size limit (413), like the analyses.
router = APIRouter(tags=["Business pages"], include_in_schema=False, dependencies=[Depends(analysis_request)])
_NO_CACHE = {"Cache-Control": "no-cache"}


def _lang(path_lang: str, asked: str | None) -> str:
    if asked is None:
        return path_lang
    if asked not in LANGS:
        raise InvalidParameterError(
            f"lang={asked!r} is not a language of these pages; expected one of {', '.join(LANGS)}"
        )
    return asked


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/xhtml" in accept


def _municipalities(registry: PlotStore) -> list[tuple[str, str]]:
    plots = registry.query_plots()
    pairs = plots[["municipality_no", "municipality_name"]].dropna().drop_duplicates()
    return sorted(((str(n), str(m)) for n, m in pairs.itertuples(index=False)), key=lambda p: p[1])


def _find_site(request: Request, *, lang: str, registry: AnalysisSource, settings: ApiSettings) -> HTMLResponse:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    form = parse_site_form(params, lang=lang)
    result = None
    if form.submitted and not form.errors and form.requirements is not None:
        try:
            result = analysis.search_registry(registry, requirements=form.requirements, profiles=form.profiles)
        except LandregError as exc:  # what only the data can tell (e.g. an unknown business area): say so
            if status_for(exc) >= 500:
                raise
            form.errors["search"] = str(exc)
    from landreg.provenance import registry_synthetic_summary

    notice = registry_synthetic_summary(registry, layers_dir=settings.layers_dir).text(lang)
    page = render_find_site(
        form,
        lang=lang,
        result=result,
        municipalities=_municipalities(registry),
        areas=registry.load_business_areas() if result is not None else None,
        notice=notice,
    )
    return HTMLResponse(page, status_code=400 if form.errors else 200, headers=_NO_CACHE)


@router.get("/finn-tomt", response_class=HTMLResponse, summary="Finn tomt: søk etter næringstomt")
def find_site_nb(
    request: Request,
    lang: str | None = Query(None, description="nb (default) or en"),
    registry: AnalysisSource = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> HTMLResponse:
    """The find-a-site form and its ranked sites, in bokmål (``?lang=en``: English)."""
    return _find_site(request, lang=_lang("nb", lang), registry=registry, settings=settings)


@router.get("/en/find-site", response_class=HTMLResponse, summary="Find a site for a business")
def find_site_en(
    request: Request,
    lang: str | None = Query(None, description="en (default) or nb"),
    registry: AnalysisSource = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> HTMLResponse:
    """The find-a-site form and its ranked sites, in English."""
    return _find_site(request, lang=_lang("en", lang), registry=registry, settings=settings)


def _dossier(
    request: Request, code: str, *, lang: str, pdf: bool, profile: str, registry: AnalysisSource, settings: ApiSettings
) -> Response:
    from landreg.dossier import build_plot_dossier

    if len(code) > 100:
        raise InvalidParameterError("the plot code is too long (at most 100 characters)")
    try:
        dossier = build_plot_dossier(registry, code, profile=profile, layers_dir=settings.layers_dir)
    except PlotNotFoundError as exc:
        if _wants_html(request):
            return HTMLResponse(render_not_found(code, lang=lang, message=str(exc)), status_code=404)
        raise
    base = str(request.base_url)
    if pdf:
        document = dossier_pdf(render_dossier(dossier, lang=lang, base_url=base, for_pdf=True), base_url=base)
        filename = f"dossier-{dossier.code}.pdf"
        return Response(
            document,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{filename}"', **_NO_CACHE},
        )
    return HTMLResponse(render_dossier(dossier, lang=lang, base_url=base), headers=_NO_CACHE)


def _format(value: str | None, *, pdf_path: bool) -> bool:
    if value not in (None, "html", "pdf"):
        raise InvalidParameterError(f"format={value!r} is not supported; expected html or pdf")
    return pdf_path or value == "pdf"


_PROFILE = Query("general", description="Scoring profile of the score, breakdown and rank")
_FORMAT = Query(None, description="html (default) or pdf")
_LANG = Query(None, description="nb or en")


@router.get("/plots/{code}/dossier", summary="Plot dossier (bokmål)")
@router.get("/plots/{code}/dossier.pdf", summary="Plot dossier as PDF (bokmål)")
@router.get("/en/plots/{code}/dossier", summary="Plot dossier (English)")
@router.get("/en/plots/{code}/dossier.pdf", summary="Plot dossier as PDF (English)")
def dossier(
    request: Request,
    code: str,
    profile: str = _PROFILE,
    format: str | None = _FORMAT,
    lang: str | None = _LANG,
    registry: AnalysisSource = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """A plot's dossier (HTML, or PDF at ``.pdf`` / ``?format=pdf``): bokmål, English under ``/en/`` or ``?lang=en``."""
    path = request.url.path
    pdf = _format(format, pdf_path=path.endswith(".pdf"))
    page_lang = _lang("en" if path.startswith("/en/") else "nb", lang)
    return _dossier(request, code, lang=page_lang, pdf=pdf, profile=profile, registry=registry, settings=settings)

"""Pages for businesses looking for land: find a site, and a dossier per plot (HTML and PDF).

Rendered with Jinja2 templates (``maps/business/templates``) in bokmål or English (gettext
domain ``business``), from what :mod:`landreg.search` and :mod:`landreg.dossier` return.
"""

from __future__ import annotations

from maps.business.form import SiteForm, parse_site_form
from maps.business.pages import (
    dossier_path,
    dossier_pdf,
    find_site_path,
    render_dossier,
    render_find_site,
    render_not_found,
)

__all__ = [
    "SiteForm",
    "dossier_path",
    "dossier_pdf",
    "find_site_path",
    "parse_site_form",
    "render_dossier",
    "render_find_site",
    "render_not_found",
]

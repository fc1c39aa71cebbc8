"""The public indicator site «Status for næringsareal»: pages in bokmål and English from the registry's indicators.

:func:`load_site_data` gathers the figures (:func:`landreg.indicators.compute_indicators`),
places, sources and map; :func:`render_site` renders every page in both languages;
:func:`publish_site` writes them as a static site (``landreg publish``); the service serves the
same pages under ``/status/`` (``api/routes/status.py``).
"""

from __future__ import annotations

from maps.site.data import Place, SiteData, load_site_data
from maps.site.publish import publish_site
from maps.site.render import SITE_ASSETS, render_site

__all__ = ["SITE_ASSETS", "Place", "SiteData", "load_site_data", "publish_site", "render_site"]

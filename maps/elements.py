"""folium elements backed by ``landreg-map.js``: the compact plot layer, search, legend, title and attribution."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from folium.elements import MacroElement
from folium.map import Layer
from folium.template import Template

from maps.encode import dumps_script_json
from maps.style import Legend

#: CSS class of every plot shape (browser tests count them).
PLOT_CLASS = "landreg-plot"


class PlotLayer(Layer):
    """Plots as one Leaflet feature group built in the browser from a compact payload.

    Parameters
    ----------
    data : dict
        The payload of :func:`maps.plots.plot_payload` (columns, geometries, criteria, colours).
    name : str
        Name in the layer control.
    show : bool
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = landreg.plotLayer({{ this.payload }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], *, name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PlotLayer"
        self.n_plots = len(data["geoms"])
        self.payload = dumps_script_json(data)
        self.options_json = dumps_script_json({})


class SearchControl(MacroElement):
    """Search by plot code or name (plot layers) and by name (GeoJson layers with ``name_field``).

    Parameters
    ----------
    plot_layers : sequence of PlotLayer
    named_layers : sequence of (folium.GeoJson, str)
        Layers and the property holding their features' names.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new landreg.SearchControl([
            {%- for layer in this.plot_layers %}{{ layer.get_name() }},{% endfor %}
            {%- for layer, field in this.named_layers %}landreg.indexLayer({{ layer.get_name() }}, {{ field|tojson }}),
            {%- endfor %}
        ], {position: "topleft", placeholder: {{ this.placeholder|tojson }}, noMatch: {{ this.no_match|tojson }}})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        plot_layers: Sequence[PlotLayer] = (),
        named_layers: Sequence[tuple[Any, str]] = (),
        *,
        placeholder: str = "Search plot code or name",
        no_match: str = "no match",
    ) -> None:
        super().__init__()
        self._name = "SearchControl"
        self.placeholder = placeholder
        self.no_match = no_match
        self.plot_layers = list(plot_layers)
        self.named_layers = list(named_layers)


class LegendControl(MacroElement):
    """A legend box (bottom right); with ``layer``, shown only while that layer is on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new landreg.LegendControl({{ this.spec }}, {position: {{ this.position|tojson }}
            {%- if this.layer is not none %}, layer: {{ this.layer.get_name() }}{% endif %}})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, legend: Legend, *, position: str = "bottomright", layer: Any = None) -> None:
        super().__init__()
        self._name = "LegendControl"
        self.layer = layer
        self.spec = dumps_script_json(legend.to_dict())
        self.position = position


class MapDecorations(MacroElement):
    """Title box, attribution (no external links) and the map container's water background."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            map.attributionControl.setPrefix("Leaflet");
            {%- for text in this.attributions %}
            map.attributionControl.addAttribution({{ text }});
            {%- endfor %}
            {%- if this.title_html %}
            var title = L.control({position: "topright"});
            title.onAdd = function () {
                var div = L.DomUtil.create("div", "landreg-title leaflet-bar");
                div.innerHTML = {{ this.title_html }};
                return div;
            };
            title.addTo(map);
            {%- endif %}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, attributions: Sequence[str], title: str | None = None, subtitle: str | None = None) -> None:
        super().__init__()
        self._name = "MapDecorations"
        self.attributions = [dumps_script_json(html.escape(a, quote=False)) for a in attributions]
        self.title_html = ""
        if title:
            text = html.escape(title) + (f"<small>{html.escape(subtitle)}</small>" if subtitle else "")
            self.title_html = dumps_script_json(text)

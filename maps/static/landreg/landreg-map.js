/* landreg maps: compact plot layer, popups with the score breakdown, search, legend.
 * Needs only Leaflet (no jQuery, no CDN).  Licence: MIT (landreg). */
(function (root) {
  "use strict";
  var landreg = root.landreg = root.landreg || {};

  function esc(v) {
    return String(v).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  landreg.esc = esc;

  function column(data, name) {
    var c = data.columns[name];
    if (c === undefined) { return function () { return null; }; }
    if (c && c.levels) { return function (i) { var k = c.codes[i]; return k < 0 ? null : c.levels[k]; }; }
    return function (i) { return c[i]; };
  }

  /* A ring: [x0, y0, dx1, dy1, ...] in 1/scale degrees -> [[lat, lon], ...] */
  function decodeRing(a, scale) {
    var out = new Array(a.length / 2), x = 0, y = 0;
    for (var i = 0, j = 0; i < a.length; i += 2, j++) {
      x += a[i]; y += a[i + 1];
      out[j] = [y / scale, x / scale];
    }
    return out;
  }
  function decodeGeometry(polys, scale) {
    return polys.map(function (rings) {
      return rings.map(function (r) { return decodeRing(r, scale); });
    });
  }
  landreg.decodeGeometry = decodeGeometry;

  /* The page's language (``<html lang>``): numbers as 1 234,5 in bokmål, 1,234.5 in English. */
  function pageLang() {
    return (document.documentElement.getAttribute("lang") || "en").slice(0, 2) === "nb" ? "nb-NO" : "en-GB";
  }
  function fmt(v, digits) {
    if (v === null || v === undefined || v === "" || (typeof v === "number" && isNaN(v))) { return "–"; }
    if (typeof v === "number") {
      return v.toLocaleString(pageLang(), {maximumFractionDigits: digits === undefined ? 1 : digits});
    }
    if (typeof v === "boolean") { return v ? "✓" : "✗"; }
    return esc(v);
  }
  /* A text of the page's language from the payload's ``words`` (falls back to the English text). */
  function word(data, text) { return (data && data.words && data.words[text]) || text; }
  landreg.fmt = fmt;

  function breakdownHtml(data, i) {
    var contrib = data.columns.contrib;
    if (!contrib || !data.criteria || !contrib[i]) { return ""; }
    var parts = data.criteria.map(function (c, j) {
      return {label: c[1], max: c[2], points: contrib[i][j]};
    });
    parts.sort(function (a, b) { return (b.points || 0) - (a.points || 0); });
    var rows = parts.map(function (p) {
      var w = p.max > 0 ? Math.max(0, Math.min(100, 100 * (p.points || 0) / p.max)) : 0;
      return '<tr class="landreg-crit"><td>' + esc(p.label) + '</td><td class="landreg-num">' + fmt(p.points) +
        ' / ' + fmt(p.max, 0) + '</td><td class="landreg-barcell"><span class="landreg-bar" style="width:' +
        w.toFixed(0) + '%"></span></td></tr>';
    });
    return '<table class="landreg-breakdown"><caption>' + esc(word(data, "Score breakdown")) + " (" +
      esc(data.profile || "") + ')</caption><tr><th>' + esc(word(data, "criterion")) + "</th><th>" +
      esc(word(data, "points")) + "</th><th></th></tr>" + rows.join("") + "</table>";
  }

  function popupHtml(data, i) {
    var get = function (name) { return column(data, name)(i); };
    var html = '<div class="landreg-popup"><h4>' + fmt(get("code")) + " " + fmt(get("name")) + "</h4>";
    var facts = (data.facts || []).map(function (f) {
      var v = get(f[1]);
      var unit = f[2] ? " " + esc(f[2]) : "";
      var shown = (v === null || v === undefined || v === "") ? "–" : fmt(v, f[3]) + unit;
      return "<tr><th>" + esc(f[0]) + "</th><td>" + shown + "</td></tr>";
    });
    html += '<table class="landreg-facts">' + facts.join("") + "</table>";
    var reasons = get("reasons");
    if (reasons) { html += '<p class="landreg-excluded">' + esc(word(data, "Excluded")) + ": " + esc(reasons) + "</p>"; }
    html += breakdownHtml(data, i);
    var synthetic = get("synthetic");
    if (synthetic) {
      html += '<p class="landreg-note">' + esc(word(data, "Synthetic (demonstration data)")) + ": " + esc(synthetic) + "</p>";
    }
    if (data.note) { html += '<p class="landreg-note">' + esc(data.note) + "</p>"; }
    return html + "</div>";
  }
  landreg.popupHtml = popupHtml;

  /* The plot layer: one L.polygon per plot, styled by its class, popup built on demand.  A plot smaller
   * than ``minPixels`` on screen is drawn as a dot at its centre instead, so every plot stays visible and
   * clickable at every zoom (the same popup either way). */
  landreg.plotLayer = function (data, options) {
    options = L.extend({minPixels: 8}, options || {});
    var group = L.featureGroup();
    var cls = column(data, "cls"), code = column(data, "code"), name = column(data, "name");
    var base = L.extend({weight: 1, color: "#333333", opacity: 0.9, fillOpacity: 0.75}, options.style || {});
    var shapes = [];
    group.index = [];
    for (var i = 0; i < data.geoms.length; i++) {
      var k = cls(i);
      var fill = k === null || k < 0 ? data.missingColor : data.colors[k];
      var style = L.extend({}, base, {fillColor: fill, className: data.className});
      var poly = L.polygon(decodeGeometry(data.geoms[i], data.scale), style);
      var dot = L.circleMarker(poly.getBounds().getCenter(), {
        radius: 5, weight: 1, color: "#222222", fillColor: fill, fillOpacity: 0.95,
        className: data.className + " landreg-plot-dot"
      });
      var popup = popupHtml.bind(null, data, i);
      var tip = String(code(i)) + (data.tooltipField ? " · " + fmt(column(data, data.tooltipField)(i)) : "");
      [poly, dot].forEach(function (shape) {
        shape.plotIndex = i;
        shape.bindPopup(popup, {maxWidth: 360, minWidth: 240});
        shape.bindTooltip(tip, {sticky: true});
      });
      shapes.push({poly: poly, dot: dot, bounds: poly.getBounds()});
      group.addLayer(poly);
      group.index.push({code: String(code(i) || ""), name: String(name(i) || ""), layer: poly});
    }
    /* Polygon or dot per plot, by its size on screen at the current zoom. */
    function redraw() {
      var map = group._map;
      if (!map) { return; }
      shapes.forEach(function (s) {
        var a = map.latLngToLayerPoint(s.bounds.getSouthWest()), b = map.latLngToLayerPoint(s.bounds.getNorthEast());
        var small = Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y)) < options.minPixels;
        var shown = small ? s.dot : s.poly, hidden = small ? s.poly : s.dot;
        if (group.hasLayer(hidden)) { group.removeLayer(hidden); }
        if (!group.hasLayer(shown)) { group.addLayer(shown); }
      });
    }
    group.on("add", function () { redraw(); group._map.on("zoomend", redraw); });
    group.on("remove", function (e) { e.target._map && e.target._map.off("zoomend", redraw); });
    group.redraw = redraw;
    group.plotData = data;
    return group;
  };

  /* Labels (place names, business areas) as text on the map that never swallows a click; each label is shown
   * from its own zoom level on.  ``data``: {names: [...], lat: [...], lon: [...], minzoom: [...], kind: [...]}. */
  landreg.labelLayer = function (data, options) {
    options = options || {};
    var group = L.layerGroup();
    var labels = data.names.map(function (n, i) {
      return {
        minzoom: data.minzoom[i],
        marker: L.marker([data.lat[i], data.lon[i]], {
          interactive: false, keyboard: false,
          icon: L.divIcon({className: "landreg-label landreg-label-" + esc(data.kind[i] || "place"),
                           html: "<span>" + esc(n) + "</span>", iconSize: null})
        })
      };
    });
    function redraw() {
      var map = group._map;
      if (!map) { return; }
      var z = map.getZoom();
      labels.forEach(function (l) {
        var on = z >= l.minzoom;
        if (on && !group.hasLayer(l.marker)) { group.addLayer(l.marker); }
        if (!on && group.hasLayer(l.marker)) { group.removeLayer(l.marker); }
      });
    }
    group.on("add", function () { redraw(); group._map.on("zoomend", redraw); });
    group.on("remove", function (e) { e.target._map && e.target._map.off("zoomend", redraw); });
    group.redraw = redraw;
    return group;
  };

  /* A layer drawn only from ``minZoom`` on (e.g. the street network), still listed in the layer control. */
  landreg.fromZoom = function (map, layer, minZoom, wanted) {
    var on = wanted === undefined ? true : wanted;
    function redraw() {
      if (!on) { return; }
      var want = map.getZoom() >= minZoom;
      if (want && !map.hasLayer(layer)) { map.addLayer(layer); }
      if (!want && map.hasLayer(layer)) { map.removeLayer(layer); }
    }
    map.on("zoomend", redraw);
    map.on("overlayadd", function (e) { if (e.layer === layer) { on = true; } });
    map.on("overlayremove", function (e) { if (e.layer === layer && map.getZoom() >= minZoom) { on = false; } });
    redraw();
    return layer;
  };

  /* Search by plot code or name (and any other indexed layer); Enter or pick a suggestion. */
  landreg.SearchControl = L.Control.extend({
    options: {position: "topleft", placeholder: "Search plot code or name", noMatch: "no match"},
    initialize: function (indexes, options) { L.setOptions(this, options); this._indexes = indexes; },
    onAdd: function (map) {
      var div = L.DomUtil.create("div", "leaflet-bar landreg-search");
      var listId = "landreg-search-list-" + L.Util.stamp(this);
      var input = L.DomUtil.create("input", "landreg-search-input", div);
      input.type = "search";
      input.placeholder = this.options.placeholder;
      input.setAttribute("list", listId);
      input.setAttribute("aria-label", this.options.placeholder);
      var list = L.DomUtil.create("datalist", "", div);
      list.id = listId;
      var items = this._items();
      items.slice(0, 5000).forEach(function (it) {
        var o = document.createElement("option");
        o.value = it.code ? it.code + " — " + it.name : it.name;
        list.appendChild(o);
      });
      var msg = L.DomUtil.create("div", "landreg-search-msg", div);
      var self = this;
      var go = function () {
        var hit = self.find(input.value);
        msg.textContent = hit ? "" : (input.value ? self.options.noMatch : "");
        if (hit) { self.show(map, hit); }
      };
      L.DomEvent.on(input, "keydown", function (e) { if (e.key === "Enter") { go(); } });
      L.DomEvent.on(input, "change", go);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      this._input = input;
      return div;
    },
    _items: function () {
      var all = [];
      this._indexes.forEach(function (ix) { all = all.concat(ix.index || []); });
      return all;
    },
    find: function (text) {
      var q = String(text || "").trim().toLowerCase();
      if (!q) { return null; }
      var key = q.split(" — ")[0];
      var items = this._items(), i;
      for (i = 0; i < items.length; i++) { if (items[i].code && items[i].code.toLowerCase() === key) { return items[i]; } }
      for (i = 0; i < items.length; i++) { if (items[i].name.toLowerCase() === q) { return items[i]; } }
      for (i = 0; i < items.length; i++) {
        if ((items[i].code + " " + items[i].name).toLowerCase().indexOf(q) >= 0) { return items[i]; }
      }
      return null;
    },
    show: function (map, hit) {
      var layer = hit.layer;
      if (layer.getBounds) { map.fitBounds(layer.getBounds(), {maxZoom: 16}); } else { map.setView(layer.getLatLng(), 15); }
      if (layer.openPopup) { layer.openPopup(); }
    }
  });

  /* Legend: a title and coloured items (or a note).  With ``options.layer`` it is shown only while that layer is
   * on the map (one legend per visible layer). */
  landreg.LegendControl = L.Control.extend({
    options: {position: "bottomright", layer: null},
    initialize: function (spec, options) { L.setOptions(this, options); this._spec = spec; },
    onAdd: function (map) {
      var layer = this.options.layer, self = this;
      if (layer) {
        var sync = function () {
          if (self._container) { self._container.style.display = map.hasLayer(layer) ? "" : "none"; }
        };
        map.on("layeradd layerremove", sync);
        setTimeout(sync, 0);
      }
      var div = L.DomUtil.create("div", "landreg-legend leaflet-bar");
      var s = this._spec;
      var html = "<strong>" + esc(s.title) + "</strong>";
      (s.items || []).forEach(function (it) {
        var kind = it[2] || "box";
        html += '<div><i class="landreg-key-' + esc(kind) + '" style="background:' + esc(it[0]) + '"></i>' +
          esc(it[1]) + "</div>";
      });
      if (s.note) { html += '<div class="landreg-note">' + esc(s.note) + "</div>"; }
      div.innerHTML = html;
      L.DomEvent.disableScrollPropagation(div);
      return div;
    }
  });

  /* Index features of a GeoJSON layer for the search control. */
  landreg.indexLayer = function (layer, field) {
    var index = [];
    layer.eachLayer(function (l) {
      var p = (l.feature && l.feature.properties) || {};
      if (p[field]) { index.push({code: "", name: String(p[field]), layer: l}); }
    });
    return {index: index};
  };
})(window);

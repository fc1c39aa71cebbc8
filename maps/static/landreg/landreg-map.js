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

  function fmt(v, digits) {
    if (v === null || v === undefined || v === "" || (typeof v === "number" && isNaN(v))) { return "–"; }
    if (typeof v === "number") {
      return v.toLocaleString("en-GB", {maximumFractionDigits: digits === undefined ? 1 : digits});
    }
    if (typeof v === "boolean") { return v ? "yes" : "no"; }
    return esc(v);
  }
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
    return '<table class="landreg-breakdown"><caption>Score breakdown (' + esc(data.profile || "") +
      ')</caption><tr><th>criterion</th><th>points</th><th></th></tr>' + rows.join("") + "</table>";
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
    if (reasons) { html += '<p class="landreg-excluded">Excluded: ' + esc(reasons) + "</p>"; }
    html += breakdownHtml(data, i);
    var synthetic = get("synthetic");
    if (synthetic) { html += '<p class="landreg-note">Synthetic (demonstration data): ' + esc(synthetic) + "</p>"; }
    if (data.note) { html += '<p class="landreg-note">' + esc(data.note) + "</p>"; }
    return html + "</div>";
  }
  landreg.popupHtml = popupHtml;

  /* The plot layer: one L.polygon per plot, styled by its class, popup built on demand. */
  landreg.plotLayer = function (data, options) {
    options = options || {};
    var group = L.featureGroup();
    var cls = column(data, "cls"), code = column(data, "code"), name = column(data, "name");
    var base = L.extend({weight: 1, color: "#333333", opacity: 0.9, fillOpacity: 0.75}, options.style || {});
    group.index = [];
    for (var i = 0; i < data.geoms.length; i++) {
      var k = cls(i);
      var style = L.extend({}, base, {fillColor: k === null || k < 0 ? data.missingColor : data.colors[k],
                                      className: data.className});
      var poly = L.polygon(decodeGeometry(data.geoms[i], data.scale), style);
      poly.plotIndex = i;
      poly.bindPopup(popupHtml.bind(null, data, i), {maxWidth: 360, minWidth: 240});
      poly.bindTooltip(String(code(i)) + (data.tooltipField ? " · " + fmt(column(data, data.tooltipField)(i)) : ""),
                       {sticky: true});
      group.addLayer(poly);
      group.index.push({code: String(code(i) || ""), name: String(name(i) || ""), layer: poly});
    }
    group.plotData = data;
    return group;
  };

  /* Search by plot code or name (and any other indexed layer); Enter or pick a suggestion. */
  landreg.SearchControl = L.Control.extend({
    options: {position: "topleft", placeholder: "Search plot code or name"},
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
        msg.textContent = hit ? "" : (input.value ? "no match" : "");
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

  /* Legend: a title and coloured items (or a note). */
  landreg.LegendControl = L.Control.extend({
    options: {position: "bottomright"},
    initialize: function (spec, options) { L.setOptions(this, options); this._spec = spec; },
    onAdd: function () {
      var div = L.DomUtil.create("div", "landreg-legend leaflet-bar");
      var s = this._spec;
      var html = "<strong>" + esc(s.title) + "</strong>";
      (s.items || []).forEach(function (it) {
        html += '<div><i style="background:' + esc(it[0]) + '"></i>' + esc(it[1]) + "</div>";
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

/* The indicator site's map: plots by status, business areas and municipality outlines, drawn by Leaflet
   (vendored, no base tiles, nothing fetched). Reads window.landregSiteMap (data/map.js) and the
   #site-map element's data-scope ("region", "municipality:5001", "business_area:torgard"). */
(function () {
  "use strict";
  var el = document.getElementById("site-map");
  var data = window.landregSiteMap;
  if (!el || !data || !window.L) { return; }
  var scope = el.getAttribute("data-scope") || "region";
  var parts = scope.split(":");
  var map = L.map(el, { zoomSnap: 0.25, zoomControl: false, scrollWheelZoom: false });
  L.control.zoom({ zoomInTitle: el.getAttribute("data-zoom-in"), zoomOutTitle: el.getAttribute("data-zoom-out") }).addTo(map);
  map.attributionControl.setPrefix("Leaflet");
  (data.attribution || []).forEach(function (text) { map.attributionControl.addAttribution(text); });
  L.geoJSON(data.municipalities, {
    interactive: false,
    style: function () { return { color: "#5f5f5f", weight: 1, fillColor: "#f3efe6", fillOpacity: 1 }; }
  }).addTo(map);
  if (data.areas) {
    L.geoJSON(data.areas, {
      interactive: false,
      style: function (f) {
        var mine = parts[0] === "business_area" && f.properties.area_id === parts[1];
        return { color: "#0b3d66", weight: mine ? 3 : 1.5, dashArray: mine ? null : "4 3", fill: false };
      }
    }).addTo(map);
  }
  function inScope(p) {
    if (parts[0] === "municipality") { return String(p.municipality_no) === parts[1]; }
    if (parts[0] === "business_area") { return String(p.business_area_id) === parts[1]; }
    return true;
  }
  L.geoJSON(data.plots, {
    interactive: false,
    style: function (f) {
      var c = data.colors[f.properties.status] || "#777777";
      var mine = inScope(f.properties);
      return { color: c, weight: 1, fillColor: c, fillOpacity: mine ? 0.75 : 0.25, opacity: mine ? 1 : 0.4, className: "site-plot" };
    }
  }).addTo(map);
  var b = data.bounds[scope] || data.bounds.region;
  if (b) { map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [12, 12], maxZoom: 16 }); }
  L.control.scale({ imperial: false }).addTo(map);
})();

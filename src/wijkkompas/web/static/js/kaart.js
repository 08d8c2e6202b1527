/* wijkkompas: the national map with MapLibre GL JS (vendored CSP build, worker from this site).
   Shapes come from vector tiles (PostGIS) or GeoJSON; colours from the class lists of
   /api/v1/nederland/waarden. No base map unless the operator set one. */
(function () {
  "use strict";
  var el = document.getElementById("landkaart");
  if (!el || !window.maplibregl) { return; }
  var ml = window.maplibregl;
  if (ml.setWorkerUrl) { ml.setWorkerUrl("/static/vendor/maplibre-gl-csp-worker.js"); }
  function noMap() {
    el.textContent = el.getAttribute("data-no-webgl");
    el.classList.add("vector-map-off");
    el.setAttribute("data-ready", "0");
  }
  var probe = document.createElement("canvas");
  if (!(probe.getContext("webgl2") || probe.getContext("webgl"))) { noMap(); return; }
  var kind = el.getAttribute("data-kind");
  var url = window.location.origin + el.getAttribute("data-url");  // keeps {z}/{x}/{y} as they are
  var layer = el.getAttribute("data-layer");
  var sources = {};
  var layers = [{ id: "achtergrond", type: "background", paint: { "background-color": "#f6f6f4" } }];
  var background = el.getAttribute("data-background");
  if (background) {
    sources.bg = { type: "raster", tiles: [background], tileSize: 256 };
    layers.push({ id: "bg", type: "raster", source: "bg" });
  }
  sources.gebieden = kind === "tiles"
    ? { type: "vector", tiles: [url], minzoom: 0, maxzoom: 14 }
    : { type: "geojson", data: url };
  var common = { source: "gebieden" };
  if (kind === "tiles") { common["source-layer"] = layer; }
  var b = (el.getAttribute("data-bounds") || "").split(",").map(Number);

  // The colours first (the page preloads them), then the map with them in its style: every tile
  // is then laid out once, not once grey and once more in colour.
  function draw(fill) {
    layers.push(Object.assign({ id: "vlak", type: "fill",
      paint: { "fill-color": fill, "fill-opacity": background ? 0.75 : 1 } }, common));
    layers.push(Object.assign({ id: "rand", type: "line",
      paint: { "line-color": "#ffffff", "line-width": 0.4 } }, common));
    var map;
    try {
      map = new ml.Map({
        container: el, style: { version: 8, sources: sources, layers: layers },
        bounds: b.length === 4 && b.every(isFinite) ? [[b[0], b[1]], [b[2], b[3]]] : undefined,
        fitBoundsOptions: { padding: 10 }, attributionControl: false, dragRotate: false
      });
    } catch (err) { noMap(); return; }
    el.maplibre = map;  // for the browser tests
    el.setAttribute("data-ready", "1");
    map.addControl(new ml.NavigationControl({ showCompass: false }));
    map.touchZoomRotate.disableRotation();
    interact(map);
    map.once("idle", function () { el.setAttribute("data-painted", String(performance.now())); });
  }

  fetch(el.getAttribute("data-values"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (v) {
      var expr = ["match", ["get", "code"]];
      v.klassen.forEach(function (codes, i) {
        if (codes.length) { expr.push(codes, v.kleuren[i]); }
      });
      expr.push(v.geen_waarde);
      draw(expr.length > 3 ? expr : v.geen_waarde);
    }, function () { draw("#d9d9d9"); });

  function interact(map) {
    map.on("mousemove", "vlak", function () { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "vlak", function () { map.getCanvas().style.cursor = ""; });
    var popup = new ml.Popup({ closeButton: false, closeOnClick: false });
    map.on("mousemove", "vlak", function (e) {
      var f = e.features && e.features[0];
      if (!f) { return; }
      popup.setLngLat(e.lngLat).setText(f.properties.name + " (" + f.properties.code + ")").addTo(map);
    });
    map.on("mouseleave", "vlak", function () { popup.remove(); });
    map.on("click", "vlak", function (e) {
      var f = e.features && e.features[0];
      if (f) { window.location.href = "/gebied/" + encodeURIComponent(f.properties.code); }
    });
  }
})();

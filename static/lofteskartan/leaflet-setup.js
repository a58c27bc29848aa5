/* Löfteskartan's settings for Leaflet, loaded right after leaflet.js (ui/offline.py, MAP_JS)
 * and written into the exported HTML map (geo/exports/map_html.py). One file, not two:
 * streamlit-folium loads a map's scripts one after another, each a round trip before the map
 * draws.
 *
 * 1. Where Leaflet's default marker images are. streamlit-folium adds the stylesheets after
 *    the scripts and does not wait for them, so when the first folium.Marker is made
 *    leaflet.css has not applied yet and Leaflet falls back to a guess from the <link> that
 *    drops the folder: ".../static/leafletmarker-icon.png" (404, a broken marker). This file
 *    sits in static/lofteskartan/; the images in static/leaflet/images/. Written into a page
 *    (the exported map) this part does nothing: there the images are inline.
 *
 * 2. Leaflet's own controls in Swedish, and a metric-only scale. Leaflet writes English into
 *    its controls ("Zoom in", "Zoom out", "Layers", "Close popup", the attribution's "A
 *    JavaScript library for interactive maps") and its scale bar shows miles and feet unless
 *    told otherwise. Setting the classes' default options here changes every map the app
 *    draws and the exported HTML map, whatever code builds them. Where Leaflet has no option
 *    (the layer list's toggle, the popup's close button) the control's own layout function
 *    is wrapped and its text set after it has run.
 */
(function () {
  var me = document.currentScript;
  if (window.L && L.Icon && L.Icon.Default && me && me.src) {
    L.Icon.Default.imagePath = me.src.replace(/lofteskartan\/[^\/]*$/, "leaflet/images/");
  }
})();
(function () {
  if (!window.L || !L.Control) {
    return;
  }
  L.Control.Zoom.prototype.options.zoomInTitle = "Zooma in";
  L.Control.Zoom.prototype.options.zoomOutTitle = "Zooma ut";
  L.Control.Scale.prototype.options.imperial = false;
  L.Control.Scale.prototype.options.metric = true;
  L.Control.Attribution.prototype.options.prefix =
    '<a href="https://leafletjs.com" title="Ett JavaScript-bibliotek för interaktiva kartor">' +
    "Leaflet</a>";

  function after(cls, method, fix) {
    var original = cls.prototype[method];
    cls.prototype[method] = function () {
      var result = original.apply(this, arguments);
      fix.call(this);
      return result;
    };
  }
  after(L.Control.Layers, "_initLayout", function () {
    if (this._layersLink) {
      this._layersLink.title = "Lager";
    }
  });
  after(L.Popup, "_initLayout", function () {
    if (this._closeButton) {
      this._closeButton.setAttribute("aria-label", "Stäng");
    }
  });
})();

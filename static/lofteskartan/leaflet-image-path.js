/* Löfteskartan: tell Leaflet where its default marker images are.
 *
 * streamlit-folium adds the stylesheets after the scripts and does not wait for them, so when
 * the first folium.Marker is made leaflet.css has not applied yet and Leaflet falls back to a
 * guess from the <link> that drops the folder: ".../static/leafletmarker-icon.png" (404, a
 * broken marker). This file sits in static/lofteskartan/; the images in static/leaflet/images/.
 * Loaded right after leaflet.js (see ui/offline.py).
 */
(function () {
  var me = document.currentScript;
  if (window.L && L.Icon && L.Icon.Default && me && me.src) {
    L.Icon.Default.imagePath = me.src.replace(/lofteskartan\/[^\/]*$/, "leaflet/images/");
  }
})();

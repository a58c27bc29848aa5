"""WCAG 2.1 AA fixes to Streamlit's page shell and the component frames (issue 15).

Streamlit's `index.html` says `lang="en"`, and a map puts every shape in the Tab order
without a visible focus. The frames the app writes itself (`ui.map_render`, `ui.map_input`,
`ui.calendar`) are titled and in Swedish from the start, but their shapes and icons still
need fixing (st_folium's frames, gone from the app, were also in English and titled
"streamlit_folium.st_folium"). None of that is reachable
through Streamlit's API, but the frames are of the same origin, so one script in the page can
fix the page and every frame, and keeps fixing them as Streamlit and Leaflet redraw.
`accessible_page` is called once per run from app.py; the rules checked are in
tests/e2e/test_accessibility.py (axe-core).
"""

from __future__ import annotations

import streamlit as st

APP_NAME = "Löfteskartan"
# Streamlit draws captions in its text colour at 60 % opacity (#828180-ish on white, 3.88:1);
# WCAG asks 4.5:1 for text this size. #55565f, opaque, is 7.1:1 on white and 6.3:1 on the
# sidebar's #f0f2f6: still lighter than body text, so a caption still reads as a caption.
CAPTION_COLOUR = "#55565f"
_STYLE = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {{
  color: {CAPTION_COLOUR};
  opacity: 1;
}}
</style>"""

# Runs in Streamlit's own document (st.html with JavaScript is not framed). Installed once
# per browser tab; a MutationObserver on the page and on each frame's document repeats the
# fixes whenever something is drawn.
_SCRIPT = """<script>
(() => {
  if (window.__lofteskartanA11y) return;
  window.__lofteskartanA11y = true;

  const fixDocument = (doc) => {
    const root = doc.documentElement;
    if (root && root.lang !== 'sv') root.lang = 'sv';
    // Map shapes: their content is in the table beside each map, and a Tab stop per shape
    // (up to 179 before the page went on) with no visible focus helps nobody.
    // Chromium stops on an SVG path with a click handler even without a tabindex.
    doc.querySelectorAll('.leaflet-interactive:not([tabindex="-1"])')
      .forEach((e) => e.setAttribute('tabindex', '-1'));
    // Pinch-zoom must stay possible (WCAG 1.4.4).
    doc.querySelectorAll('meta[name="viewport"]').forEach((m) => {
      if (/user-scalable\\s*=\\s*no|maximum-scale/.test(m.content))
        m.content = 'width=device-width, initial-scale=1';
    });
    // FullCalendar's arrow icons are role="img" without a name; the button has the name.
    doc.querySelectorAll('.fc-icon[role="img"]').forEach((i) => {
      i.setAttribute('aria-hidden', 'true');
    });
  };

  const fixFrame = (frame) => {
    let doc = null;
    try { doc = frame.contentDocument; } catch (e) { return; }  // another origin: not ours
    if (!doc || !doc.documentElement) return;
    fixDocument(doc);
    if (doc.__lofteskartanObserved) return;
    doc.__lofteskartanObserved = true;
    new MutationObserver(() => fixDocument(doc)).observe(doc.documentElement,
      {subtree: true, childList: true, attributes: true, attributeFilter: ['tabindex', 'lang']});
  };

  let queued = false;
  const fixAll = () => {
    queued = false;
    fixDocument(document);
    document.querySelectorAll('iframe').forEach((frame) => {
      // A frame may be torn down while Streamlit reruns: never let that become a page error.
      try { fixFrame(frame); } catch (e) { console.debug('lofteskartan a11y', e); }
      if (!frame.__lofteskartanLoad) {
        frame.__lofteskartanLoad = true;
        frame.addEventListener('load', () => { try { fixFrame(frame); } catch (e) { /* gone */ } });
      }
    });
  };
  const later = () => { if (!queued) { queued = true; requestAnimationFrame(fixAll); } };
  new MutationObserver(later).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, attributeFilter: ['lang', 'title', 'src']});
  fixAll();
})();
</script>"""


def accessible_shell() -> None:
    """Swedish language and readable captions on every page, the sign-in page too.

    Also takes map shapes out of the Tab order and keeps pinch-zoom, in every frame a page
    draws (see the module docstring).
    """
    st.html(_STYLE + _SCRIPT, unsafe_allow_javascript=True)


def page_title(page: str) -> None:
    """The browser title "Karta – Löfteskartan": a screen reader's first word on a new page."""
    st.set_page_config(page_title=f"{page} – {APP_NAME}")

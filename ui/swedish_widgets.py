"""Streamlit's own widget texts in Swedish: the file uploader, "Press Enter", table toolbars.

Streamlit writes a few English words into the widgets it draws ("Upload", "50MB per file",
"Drag and drop files here", "Press Enter to apply", the data table's "Search" and "Download
as CSV", an empty date field's "yyyy-mm-dd", a help icon's name "Help for …") and has no
option or locale for them. A widget's label and help are ours; these are not. One script
in Streamlit's document (st.html with JavaScript is not framed) replaces exactly these texts
and attributes wherever they appear, and a MutationObserver repeats it when Streamlit draws
them again. A text Streamlit changes in a later release is simply left in English (the
browser test in tests/e2e/test_swedish_widgets.py then fails and names it). Called once per
run from app.py.
"""

from __future__ import annotations

import json

import streamlit as st

# Whole texts as Streamlit 1.67 writes them (text nodes, aria-label, title, placeholder).
TEXTS = {
    "Upload": "Ladda upp",
    "Upload directories": "Ladda upp mappar",
    "Add files": "Lägg till filer",
    "Drag and drop a file here": "Dra och släpp en fil här",
    "Drag and drop files here": "Dra och släpp filer här",
    "Drag and drop directories here": "Dra och släpp mappar här",
    "Press Enter to apply": "Tryck Enter för att använda",
    "Press Enter to submit form": "Tryck Enter för att skicka formuläret",
    "Press Ctrl+Enter to apply": "Tryck Ctrl+Enter för att använda",
    "Press Ctrl+Enter to submit form": "Tryck Ctrl+Enter för att skicka formuläret",
    "Choose an option": "Välj",
    "Choose options": "Välj",
    "No results": "Inga träffar",
    "Search": "Sök",
    "Download as CSV": "Ladda ned som CSV",
    "Fullscreen": "Helskärm",
    "Close fullscreen": "Stäng helskärm",
    "Toggle fullscreen": "Helskärm av/på",
    "Show/hide columns": "Visa/dölj kolumner",
    "Clear selection": "Rensa markeringen",
    "Copy column name": "Kopiera kolumnnamnet",
    # An empty date field's year segment (the month and day ones, "mm" and "dd", are Swedish).
    "yyyy": "åååå",
}

_SCRIPT = """<script>
(() => {
  if (window.__lofteskartanSv) return;
  window.__lofteskartanSv = true;
  const TEXTS = __TEXTS__;
  // "50MB per file": the uploader's size limit, whatever the configured size.
  const LIMIT = /^(\\d+(?:\\.\\d+)?)\\s?([KMG]?B) per file$/;
  // "Help for Frö": the name a screen reader reads for a field's help icon.
  const HELP = /^Help for (.+)$/s;
  const swedish = (text) => {
    const trimmed = text.trim();
    if (Object.prototype.hasOwnProperty.call(TEXTS, trimmed))
      return text.replace(trimmed, TEXTS[trimmed]);
    const help = trimmed.match(HELP);
    if (help) return text.replace(trimmed, `Hjälp om ${help[1]}`);
    const limit = trimmed.match(LIMIT);
    return limit ? text.replace(trimmed, `Högst ${limit[1]} ${limit[2]} per fil`) : null;
  };
  const ATTRIBUTES = ['aria-label', 'title', 'placeholder'];
  const fix = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = swedish(node.nodeValue);
      if (text !== null && text !== node.nodeValue) node.nodeValue = text;
    }
    const selector = ATTRIBUTES.map((a) => `[${a}]`).join(',');
    root.querySelectorAll(selector).forEach((el) => {
      for (const a of ATTRIBUTES) {
        const value = el.getAttribute(a);
        const text = value === null ? null : swedish(value);
        if (text !== null && text !== value) el.setAttribute(a, text);
      }
    });
  };
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fix(document.body); });
  };
  new MutationObserver(later).observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ATTRIBUTES,
  });
  fix(document.body);
})();
</script>""".replace("__TEXTS__", json.dumps(TEXTS, ensure_ascii=False))


def swedish_widgets() -> None:
    """Put Streamlit's own widget texts into Swedish on this page (see the module docstring)."""
    st.html(_SCRIPT, unsafe_allow_javascript=True)

"""User text on screen: the one place that decides how it is shown.

Streamlit renders Markdown, and a few Markdown directives of its own, in nearly every
element that shows a string: `st.markdown`, `st.write`, `st.caption`, `st.info/warning/
success/error`, `st.subheader`, expander and tab labels, every widget label and `help=`
tooltip, radio options, `st.metric`, `st.progress` text, `st.image` captions. A place or
team named `![x](http://host/beacon.png) [Logga in igen](http://host/phish)` would become a
remote image (fetched as soon as the page draws) and a link in our own UI. So every text a
user typed or a file brought in goes through `plain()` before it meets one of those (or,
as an input widget's label, through `plain_label()`, which keeps the label's accessible
name readable), and `tests/unit/test_user_text_sinks.py` fails when a call site
interpolates anything else. `tests/e2e/test_xss.py` checks both in Streamlit's renderer.

Tables are the other way out: `st.dataframe` shows cells as text, but its toolbar's
"Download as CSV" writes them raw, and Excel runs a cell that starts with `=`. `show_table`
neutralises such cells with the rule our own CSV exports use (`geo.files.tabular.neutralise`),
and is the only caller of `st.dataframe` in `pages/` and `ui/`.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import streamlit as st

from geo.files.tabular import neutralise

# pandas is imported by the table functions when they run: every page imports this module,
# and pandas took 0.25 s of the first page after a server start (Översikt, which shows no
# table; `python -X importtime`, issue 16).
if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

# Every ASCII punctuation character: CommonMark lets each be escaped with a backslash and
# then shows it literally, so escaping all of them needs no list of what Markdown, GFM or
# Streamlit's directives (`:red[...]`, `:material/...:`, `$math$`) treat as syntax today.
# `:` matters too: escaped, `http://host` is no longer an autolink (`www.` and `@`: below).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# A line break in user text would end a list item or start a block (`===` under a line
# makes it a heading); shown inline, the text is one line, as Markdown would show it anyway.
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
# GFM links bare `www.host.se` and `namn@host.se` after the escapes are resolved (it
# searches the text, not the source), so escaping cannot stop those two. An invisible word
# joiner after `www` and before `@` breaks its patterns and changes nothing on screen.
_BARE_LINK = re.compile(r"(?i)(www)(?=\\\.)|(?=\\@)")
_WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """`text` escaped so that any Streamlit element showing Markdown shows it literally.

    Parameters
    ----------
    text
        User text (a name, a note, a file name, an error message that quotes one). Not a
        string: its `str()`.

    Returns
    -------
    str
        The same characters on screen, with no link, image, emphasis, heading, colour,
        icon or HTML made from them. Line breaks become spaces.

    >>> plain("[Logga in](http://host/phish)")
    '\\\\[Logga in\\\\]\\\\(http\\\\:\\\\/\\\\/host\\\\/phish\\\\)'
    """
    escaped = _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
    return _BARE_LINK.sub(lambda m: (m.group(1) or "") + _WORD_JOINER, escaped)


# In a widget label Streamlit renders only inline Markdown (emphasis, code, links, images,
# its `:directives:`) and escapes block syntax itself, but it also puts the label's source
# into the input's `aria-label`: every backslash there is read out by a screen reader. So
# a label escapes only what can start inline syntax, and breaks `:` (shortcodes, icons,
# `http://` autolinks) and `&` (entities) with the invisible word joiner instead.
_LABEL_SYNTAX = re.compile(r"([\\`*_~\[\]<>$])")
_JOIN_AFTER = re.compile(r"([:&])")
_BARE_LINK_IN_LABEL = re.compile(r"(?i)(www)(?=\.)|(?=@)")


def map_html(text: str) -> str:
    """User text for a folium map's HTML (names, tooltips, popups, layer names, sources).

    HTML-escaped, because folium inserts these strings as HTML, and with its braces as
    character references: branca renders each layer's finished script once more as a Jinja
    template, so a place named "{{ … }}" would otherwise be run as Jinja on the server.
    """
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def plain_label(text: object) -> str:
    """`text` escaped for a widget's label (`st.text_input`, `st.number_input`, ...).

    Shows literally like `plain()`, with fewer backslashes in the accessible name: use it
    only where Streamlit takes a label (it does not stop headings or lists in a body).

    >>> plain_label("Värde (%)")
    'Värde (%)'
    >>> plain_label("[x](http://host)")
    '\\\\[x\\\\](http:\u2060//host)'
    """
    escaped = _LABEL_SYNTAX.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
    escaped = _JOIN_AFTER.sub(r"\1" + _WORD_JOINER, escaped)
    return _BARE_LINK_IN_LABEL.sub(lambda m: (m.group(1) or "") + _WORD_JOINER, escaped)


def _neutral(value: Any) -> Any:
    """A text value made inert for a spreadsheet; anything else (numbers, dates) as it is."""
    return neutralise(value) if isinstance(value, str) else value


def neutralised(data: Any, labels: bool = True) -> pd.DataFrame:
    """A copy of table data with every text cell (and index label and column name) neutralised.

    Text that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`,
    exactly as in our CSV exports, so Streamlit's own CSV download of the table cannot
    carry a formula into Excel. Numbers stay numbers (a negative count is not a formula).
    """
    import pandas as pd

    frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(_neutral)
    if labels:
        frame.index = frame.index.map(_neutral)
        frame.columns = frame.columns.map(_neutral)
    return frame


def as_stored(edited: pd.DataFrame, shown: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """An edited copy of a neutralised table with each untouched cell as it was stored.

    `st.data_editor` shows `shown = neutralised(stored, labels=False)` and returns `edited`
    (rows keep their index; added rows get new ones). A cell the user did not change reads
    as in `stored` again (no `'` added by the neutralising); a changed or new cell is as typed.
    """
    out = edited.copy()
    for index in out.index.intersection(stored.index):
        for column in out.columns.intersection(stored.columns):
            before = shown.at[index, column]
            # Only text is neutralised; numbers and dates are shown as stored.
            if isinstance(before, str) and out.at[index, column] == before:
                out.at[index, column] = stored.at[index, column]
    return out


def show_table(data: Any, **kwargs: Any) -> Any:
    """`st.dataframe` on `neutralised(data)`; the keyword arguments are passed on.

    A `Styler` is accepted: its cells are neutralised and its styles kept (they are
    computed when the table is drawn); its index and column labels must stay as they are,
    since the Styler holds them too, so a Styler's labels must be our own words. Returns
    what `st.dataframe` returns (the selection state when `on_select` is given).
    """
    from pandas.io.formats.style import Styler

    if isinstance(data, Styler):
        data.data = neutralised(data.data, labels=False)
        return st.dataframe(data, **kwargs)
    return st.dataframe(neutralised(data), **kwargs)


# Streamlit's own table look for `show_wrapped_table`, on the app's fonts: rows ruled, the
# head in bold, numbers to the right (set per column).
_TABLE_CLASS = "lofteskartan-tabell"
_TABLE_STYLE = f"""<style>
.{_TABLE_CLASS} {{ border-collapse: collapse; width: 100%; font-size: 0.875rem;
  margin-bottom: 1rem; }}
.{_TABLE_CLASS} th, .{_TABLE_CLASS} td {{ border-bottom: 1px solid rgba(49, 51, 63, 0.2);
  padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }}
.{_TABLE_CLASS} thead th {{ font-weight: 600; }}
</style>"""


def html_table(data: pd.DataFrame | Styler) -> str:
    """`data` as an HTML table (`<thead>` with the column labels, no index), every text cell
    HTML-escaped and numbers set to the right; a Styler's colours and formats are kept.

    The column labels must be our own words.
    """
    from pandas.io.formats.style import Styler

    styler = data if isinstance(data, Styler) else data.style.format(decimal=",", precision=2)
    styler.data = styler.data.map(lambda v: html.escape(v) if isinstance(v, str) else v)
    numbers = list(styler.data.select_dtypes("number").columns)
    page = (
        styler.hide(axis="index")
        .set_properties(subset=numbers, **{"text-align": "right"})
        .set_table_attributes(f'class="{_TABLE_CLASS}"')
        .to_html()
    )
    # Without the index every head cell is a column's, marked so as in the meeting pack's
    # web page (`geo.exports.meeting_html`).
    return page.replace("<th ", '<th scope="col" ')


def show_wrapped_table(data: pd.DataFrame | Styler) -> None:
    """A small table whose long texts wrap and whose columns all show (`html_table`).

    `st.dataframe` cuts a cell at its column's width (a commitment's text after about 25
    characters) and scrolls wide tables sideways. `st.table` wraps, but its code needs
    Arrow's (740 kB of JavaScript) on a page that otherwise has no table: written as HTML
    (`st.html`, in the page itself, read by screen readers as a table with column heads),
    the page does not fetch it.
    """
    st.html(_TABLE_STYLE + html_table(data))

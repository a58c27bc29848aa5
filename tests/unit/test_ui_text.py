"""ui.text: user text shows literally in Markdown, and tables carry no spreadsheet formula.

How Streamlit really draws `plain()`'s output is tested in the browser
(tests/e2e/test_xss.py); here the rules themselves, exactly.
"""

from __future__ import annotations

import re
import string

import pandas as pd
import pytest

from tests.markdown import shown
from ui.text import as_stored, html_table, neutralised, plain, plain_label

HOSTILE_TEAM = "![x](http://host/beacon.png) [Logga in igen](http://host/phish)"
PUNCTUATION = set(string.punctuation)


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE_TEAM,
        "<img src=x onerror=alert(1)> <b>fet</b>",
        "**fet** _kursiv_ ~~struken~~ `kod` $x^2$",
        ":red[röd] :material/home: :smile:",
        "# Rubrik",
        "1. lista",
        "> citat | tabell |",
        "[ref]: http://host/phish",
        "&amp; &#60; \\[redan\\]",
        "Torget (norra delen) – 2024-06-06",
    ],
)
def test_plain_escapes_every_punctuation_character_and_shows_the_text_as_typed(
    text: str,
) -> None:
    escaped = plain(text)
    assert shown(escaped) == text
    # No punctuation character is left without its backslash, so none can start syntax.
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not PUNCTUATION & set(unescaped)


def test_the_hostile_team_name_becomes_escaped_link_and_image_syntax() -> None:
    assert plain(HOSTILE_TEAM) == (
        r"\!\[x\]\(http\:\/\/host\/beacon\.png\) \[Logga in igen\]\(http\:\/\/host\/phish\)"
    )


@pytest.mark.parametrize(
    "text,expected",
    [
        ("www.host.se", "www\u2060\\.host\\.se"),
        ("WWW.HOST.SE", "WWW\u2060\\.HOST\\.SE"),
        ("namn@host.se", "namn\u2060\\@host\\.se"),
        ("Gatan 3", "Gatan 3"),
    ],
)
def test_bare_web_and_mail_addresses_are_broken_with_an_invisible_word_joiner(
    text: str, expected: str
) -> None:
    # GFM links these two after resolving escapes, so escaping alone does not stop them.
    assert plain(text) == expected


def test_line_breaks_become_spaces_so_text_cannot_start_a_block() -> None:
    assert plain("Torget\n===\r\n\n    kod") == "Torget \\=\\=\\=     kod"


def test_plain_takes_any_value_through_str() -> None:
    assert plain(12) == "12"
    assert plain(ValueError("Fel i rad 3.")) == r"Fel i rad 3\."


def test_neutralised_marks_formula_cells_labels_and_headers_but_not_numbers() -> None:
    frame = pd.DataFrame(
        {
            "Plats": ['=HYPERLINK("http://host/phish")', "Torget", "+46", "@SUM(A1)", "-1"],
            "Antal": [1, -2, 3, 4, 5],
        },
        index=["\tflik", "a", "b", "c", "\rcr"],
    )
    out = neutralised(frame)
    assert list(out["Plats"]) == [
        '\'=HYPERLINK("http://host/phish")',
        "Torget",
        "'+46",
        "'@SUM(A1)",
        "'-1",
    ]
    assert list(out["Antal"]) == [1, -2, 3, 4, 5]
    assert list(out.index) == ["'\tflik", "a", "b", "c", "'\rcr"]
    assert list(frame["Plats"])[0].startswith("=")  # the caller's data is not changed


def test_neutralised_reads_lists_of_rows_and_can_leave_labels_alone() -> None:
    rows = [{"=Namn": "=1+1", "Värde": None}]
    assert neutralised(rows).to_dict("records") == [{"'=Namn": "'=1+1", "Värde": None}]
    assert list(neutralised(rows, labels=False).columns) == ["=Namn", "Värde"]


def test_as_stored_gives_back_untouched_cells_and_keeps_what_was_typed() -> None:
    stored = pd.DataFrame({"Indikator": ["=A1", "Skolnärvaro"], "Värde": [1.0, 2.0]})
    shown_table = neutralised(stored, labels=False)
    edited = shown_table.copy()
    edited.loc[1, "Indikator"] = "-Ny"
    edited.loc[2] = ["'=B2", 3.0]  # a row added in the editor
    out = as_stored(edited, shown_table, stored)
    assert list(out["Indikator"]) == ["=A1", "-Ny", "'=B2"]
    assert list(out["Värde"]) == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    "text,expected",
    [
        # What labels hold most: no backslash for the screen reader to read out.
        ("Värde (%)", "Värde (%)"),
        ("Foto (valfritt)", "Foto (valfritt)"),
        ("vagar.gpkg (12 punkter)", "vagar.gpkg (12 punkter)"),
        # Inline syntax is escaped; `:` and `&` get a word joiner after them.
        ("[x](http://host)", "\\[x\\](http:\u2060//host)"),
        ("**fet** _k_ ~~s~~", r"\*\*fet\*\* \_k\_ \~\~s\~\~"),
        ("`kod` $x$ <b>", r"\`kod\` \$x\$ \<b\>"),
        (":smile: :red[röd]", ":\u2060smile:\u2060 :\u2060red\\[röd\\]"),
        ("Väg &amp; gata", "Väg &\u2060amp; gata"),
        ("www.host.se namn@host.se", "www\u2060.host.se namn\u2060@host.se"),
    ],
)
def test_plain_label_escapes_inline_syntax_and_leaves_the_rest_readable(
    text: str, expected: str
) -> None:
    assert plain_label(text) == expected
    assert shown(plain_label(text)) == text


def test_a_wrapped_table_is_html_with_every_text_cell_escaped_and_numbers_to_the_right() -> None:
    hostile = "<img src=x onerror=alert(1)> & [länk](http://e)"
    page = html_table(pd.DataFrame({"Aktivitet": [hostile], "Gjort": [9], "Timmar": [1.5]}))
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt; &amp; [länk]" in page
    assert page.index("<thead>") < page.index(">Aktivitet</th>") < page.index("<tbody>")
    assert page.count('<th scope="col" ') == page.count("<th ") == 3  # heads a reader can walk
    assert ">1,50</td>" in page  # a Swedish decimal comma
    (selectors,) = re.findall(r"([^}]*)\{\s*text-align: right;", page)
    assert set(re.findall(r"_(col\d)", selectors)) == {"col1", "col2"}

"""Mötesunderlaget som webbsida: the meeting pack as one accessible HTML page.

fpdf2 writes no tagged PDF (PDF/UA), so a screen reader gets the PDF's text without its
headings and tables. This page is the pack's accessible twin: the same sections, written by
the same code (`geo.exports.meeting_pack.write_sections`) through an HTML writer, with
`lang="sv"`, headings, column headers and a text alternative for every picture.
"""

from __future__ import annotations

import base64
from html import escape

from geo.disclosure.rows import ExportData
from geo.exports.meeting_pack import write_sections
from geo.exports.meeting_writer import BADGE_RGB, Table, printable
from geo.swedish import stamp


class _Html:
    """The pack as one accessible web page: the same sections as the PDF, written as
    headings, paragraphs and tables a screen reader can walk (`Writer`)."""

    def __init__(self, data: ExportData) -> None:
        self.data = data
        self.parts: list[str] = []
        self.open = False

    def add_page(self, orientation: str = "") -> None:
        self._close()
        self.parts.append("<section>")
        self.open = True

    def _close(self) -> None:
        if self.open:
            self.parts.append("</section>")
            self.open = False

    def title_block(self, title: str, subtitle: str) -> None:
        self.parts.append(f"<h1>{escape(title)}</h1><p class='subtitle'>{escape(subtitle)}</p>")

    def heading(self, text: str, size: int = 15) -> None:
        level = 2 if size >= 13 else 3
        self.parts.append(f"<h{level}>{escape(text)}</h{level}>")

    def paragraph(self, text: str, size: float = 10, style: str = "") -> None:
        body = "<br>".join(escape(line) for line in printable(text).split("\n"))
        if "B" in style:
            body = f"<strong>{body}</strong>"
        if "I" in style:
            body = f"<em>{body}</em>"
        self.parts.append(f"<p>{body}</p>")

    def rows(self, table: Table) -> None:
        # "Tim-\nmar": the PDF's narrow columns break words by hand; a web page wraps itself.
        words = [h.replace("-\n", "") for h in table.headings]
        head = "".join(f'<th scope="col">{escape(w)}</th>' for w in words)
        lines = []
        for values in table.body:
            cells = "".join(
                f'<td><img src="data:image/jpeg;base64,{_base64(v)}" alt="Foto" width="90"></td>'
                if isinstance(v, bytes)
                else f"<td>{escape(printable(v))}</td>"
                for v in values
            )
            lines.append(f"<tr>{cells}</tr>")
        self.parts.append(
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
        )

    def figure(self, png: bytes, alt: str, *, whole_page: bool = False) -> None:
        self.parts.append(
            f'<figure><img src="data:image/png;base64,{_base64(png)}" alt="{escape(alt)}"></figure>'
        )

    def badge(self) -> None:
        self.parts.append(f"<p class='badge'>{escape(self.data.audience.notice)}</p>")

    def writing_lines(self, n: int) -> None:
        self.parts.append("<div class='lines'></div>" * n)

    def will_page_break(self, height: float) -> bool:
        return False

    def ln(self, h: float | None = None) -> None:
        pass

    def page(self, title: str) -> str:
        """The whole document."""
        self._close()
        rgb = BADGE_RGB[self.data.audience]
        footer = f"Skapad {stamp(self.data.made_at)} i Löfteskartan · {self.data.audience.notice}"
        return (
            '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{_HTML_STYLE}"
            f".badge {{ background: rgb{rgb}; }}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(self.parts)
            + f"\n</main>\n<footer><p>{escape(footer)}</p></footer>\n</body>\n</html>\n"
        )


_HTML_STYLE = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #1a1a1a; background: #fff;
  max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.45; }
section { border-top: 1px solid #595959; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #595959; padding: 0.25rem 0.4rem; text-align: left;
  vertical-align: top; }
th { background: #e6eaee; }
figure { margin: 0.5rem 0; }
figure img { max-width: 100%; height: auto; }
.badge { display: inline-block; color: #fff; font-weight: bold; padding: 0.3rem 0.6rem; }
.lines { border-bottom: 1px solid #1a1a1a; height: 2rem; }
footer { color: #4d4d4d; margin-top: 2rem; }
"""


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def render_meeting_html(data: ExportData) -> bytes:
    """The meeting pack as an accessible web page (UTF-8 HTML): the PDF's content, in Swedish
    (`lang="sv"`), with headings, table headers and text alternatives for its pictures.

    fpdf2 writes no tagged PDF (PDF/UA), so this is the version for a screen reader; the
    sections are the PDF's own (one writer interface, `Writer`), so the two say the same.
    """
    html = _Html(data)
    write_sections(html, data)
    meeting = data.request.meeting_day
    return html.page(f"Samverkansmöte {meeting:%Y-%m-%d} – {data.document.title}").encode()

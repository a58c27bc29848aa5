"""The meeting pack as a Swedish PDF: fpdf2 writing the sections of `geo.exports.meeting_pack`.

Built with fpdf2 and the DejaVu Sans TrueType font that ships inside matplotlib (so å, ä
and ö render on any machine, with no system fonts). fpdf2 cannot write a tagged PDF
(PDF/UA), so the same sections also come out as an accessible web page
(`geo/exports/meeting_html.py`).
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from geo.disclosure.rows import ExportData
from geo.exports.map_image import A4_LANDSCAPE_IN
from geo.exports.meeting_pack import write_sections
from geo.exports.meeting_writer import BADGE_RGB, Table, printable
from geo.swedish import stamp

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 234, 238))


def render_meeting_pdf(data: ExportData) -> bytes:
    """The meeting pack for `data.request.meeting_day`, as PDF bytes.

    Parameters
    ----------
    data : the audience's data set (its request gives the meeting date and "since").

    Returns
    -------
    A4 PDF; the audience and export time are on the title page and in every footer.
    """
    pdf = _Pack(data)
    doc = data.document
    meeting = data.request.meeting_day
    pdf.set_title(f"Samverkansmöte {meeting:%Y-%m-%d} – {doc.title}")
    pdf.set_author("Löfteskartan")
    pdf.set_subject(data.audience.notice)
    pdf.set_creator("Löfteskartan")
    pdf.set_lang("sv")
    pdf.set_creation_date(data.made_at)
    write_sections(pdf, data)
    return bytes(pdf.output())


class _Pack(FPDF):
    """A4 portrait with the audience and time in every page's footer."""

    def __init__(self, data: ExportData) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_font(FONT, size=10)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self.alias_nb_pages()

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.data.document.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=8)
        self.set_text_color(*BADGE_RGB[self.data.audience])
        self.cell(0, 5, self.data.audience.notice, align="L")
        self.set_text_color(90, 90, 90)
        self.set_x(self.l_margin)
        self.cell(
            0,
            5,
            f"Skapad {stamp(self.data.made_at)} · sida {self.page_no()} av {{nb}}",
            align="R",
        )
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 15) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(FONT, size=10)

    def paragraph(self, text: str, size: float = 10, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(FONT, size=10)

    def badge(self) -> None:
        self.set_font(FONT, "B", 11)
        self.set_fill_color(*BADGE_RGB[self.data.audience])
        self.set_text_color(255, 255, 255)
        self.cell(
            self.get_string_width(self.data.audience.notice) + 8,
            9,
            self.data.audience.notice,
            fill=True,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_text_color(0, 0, 0)
        self.set_fill_color(255, 255, 255)  # tables fill with the current colour
        self.set_font(FONT, size=10)
        self.ln(3)

    def title_block(self, title: str, subtitle: str) -> None:
        self.ln(25)
        self.set_font(FONT, "B", 26)
        self.cell(0, 14, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 16)
        self.cell(0, 10, subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(8)

    def figure(self, png: bytes, alt: str, *, whole_page: bool = False) -> None:
        """A picture with its text alternative (fpdf2 tags a figure's alt text)."""
        if whole_page:  # a map drawn A4 landscape: as large as the page lets it be
            height = self.h - self.b_margin - self.get_y() - 2
            width = min(self.epw, height * A4_LANDSCAPE_IN[0] / A4_LANDSCAPE_IN[1])
            x = self.l_margin + (self.epw - width) / 2
            self.image(io.BytesIO(png), w=width, x=x, alt_text=alt)
        else:
            self.image(io.BytesIO(png), w=180, alt_text=alt)
            self.ln(2)

    def writing_lines(self, n: int) -> None:
        """Empty ruled lines to write on at the meeting."""
        for _ in range(n):
            self.cell(0, 8, "", border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(6)

    def rows(self, table: Table) -> None:
        """A table; a cell given as bytes is a picture (JPEG) filling the column's width."""
        size = table.size
        self.set_font(FONT, size=size)
        with self.table(
            col_widths=tuple(table.widths),
            headings_style=HEADINGS,
            line_height=size * 0.5,
            text_align="LEFT",
            padding=1.2,
            v_align="TOP",
        ) as drawn:
            header = drawn.row()
            for text in table.headings:
                header.cell(text)
            for values in table.body:
                row = drawn.row()
                for value in values:
                    if isinstance(value, bytes):
                        row.cell(img=io.BytesIO(value), img_fill_width=True)
                    else:
                        row.cell(printable(value))
        self.ln(3)
        self.set_font(FONT, size=10)

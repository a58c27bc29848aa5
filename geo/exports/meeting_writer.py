"""What the meeting pack's sections write with (`Writer`): the PDF (`meeting_pdf.py`) or its
accessible HTML twin (`meeting_html.py`), and the table and badge colours both lay out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from geo.disclosure.audience import Audience

# White text on these is 6.4:1 and 5.5:1 (WCAG 1.4.3 asks 4.5:1), as on the exported map.
BADGE_RGB = {Audience.INTERNAL: (178, 24, 43), Audience.PUBLIC: (27, 120, 55)}


@dataclass(frozen=True)
class Table:
    """A table of the pack as both writers take it; a cell given as bytes is a photo (JPEG).

    `widths` (mm) and `size` (pt) lay it out in the PDF; a web page sizes its columns itself.
    """

    headings: Sequence[str]
    body: Sequence[Sequence[str | bytes]]
    widths: Sequence[float]
    size: float = 8.5


class Writer(Protocol):
    """What the pack's sections write with: the PDF (`meeting_pdf`) or its HTML twin (`_Html`).

    fpdf2 cannot write a tagged PDF (PDF/UA): a screen reader gets the PDF's text without its
    headings and tables. So every section is written once, through this, and the same
    content comes out as an accessible HTML page too (geo/exports/meeting_html.py).
    """

    def add_page(self, orientation: str = "") -> None: ...

    def heading(self, text: str, size: int = 15) -> None: ...

    def paragraph(self, text: str, size: float = 10, style: str = "") -> None: ...

    def rows(self, table: Table) -> None: ...

    def figure(self, png: bytes, alt: str, *, whole_page: bool = False) -> None: ...

    def badge(self) -> None: ...

    def title_block(self, title: str, subtitle: str) -> None: ...

    def writing_lines(self, n: int) -> None: ...

    def will_page_break(self, height: float) -> bool: ...

    def ln(self, h: float | None = None) -> None: ...


def printable(text: str) -> str:
    """Tabs and other control characters (user text may hold them) as plain spaces."""
    return "".join(c if c == "\n" or c.isprintable() else " " for c in text).strip()

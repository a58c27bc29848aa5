"""Mötesunderlag: the meeting pack for a samverkansmöte, its sections written once.

Pages: a title page (kommun, period, meeting date, audience), progress per promise and
commitment (table and a small chart per promise), what was done since the last meeting,
the map, the density map, upcoming planned activities that may be shared, open findings
from safety walks with owner and status (internal pack: with a thumbnail of the finding's
photo, if it has one), and a page for the meeting's decisions.

Each section is written once, through a writer (`Writer`): the PDF
(`geo/exports/meeting_pdf.py`) and its accessible HTML twin (`geo/exports/meeting_html.py`)
say the same. Everything printed comes from one `ExportData` (geo.disclosure.audience): a
public pack is made from the public data set only.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TypeVar

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo.disclosure.audience import Audience
from geo.disclosure.rows import ActivityRow, ExportData, SummaryRow, counted_text
from geo.errors import ValidationError
from geo.exports.csv_zip import table_csv
from geo.exports.figure_texts import count_text, outcome_text, progress_text
from geo.exports.map_frame import MapView
from geo.exports.map_image import literal_text, render_map_png
from geo.exports.meeting_writer import Table, Writer
from geo.exports.tables import activities_table
from geo.records.models import PlanStatus
from geo.records.promise import TargetPer
from geo.swedish import count, date_range, long_date, number, stamp, week_text

STATUS = {"planerad": "Planerad", "genomförd": "Genomförd", "inställd": "Inställd"}
_Row = TypeVar("_Row")


TERTIALS_PER_TABLE = 6
# A meeting pack is read at a meeting: at most this many activities one by one (about two
# pages). With more, the pack lists those that matter and the whole list is a CSV beside it
# (`meeting_activities_csv`); 100,000 activities once made a 111-page pack.
MAX_LISTED_ACTIVITIES = 40
# Upcoming plans and open findings are cut at this many rows for the same reason; the data
# export (CSV, GeoPackage) holds them all.
MAX_LISTED_ROWS = 60


def write_sections(pdf: Writer, data: ExportData) -> None:
    """Every section of the pack, in order, through one writer."""
    meeting = data.request.meeting_day
    _title_page(pdf, data, meeting)
    _progress_pages(pdf, data)
    _recent_page(pdf, data, meeting)
    _map_page(pdf, data, MapView.OVERVIEW)
    _map_page(pdf, data, MapView.DENSITY)
    _upcoming_page(pdf, data, meeting)
    _findings_page(pdf, data)
    _decisions_page(pdf, data, meeting)


def _title_page(pdf: Writer, data: ExportData, meeting: date) -> None:
    doc = data.document
    pdf.add_page()
    pdf.title_block("Samverkansmöte", f"Underlag till mötet {long_date(meeting)}")
    pdf.paragraph(doc.title, 14, "B")
    pdf.paragraph(f"{doc.kommun_name} och {doc.police_area}", 12)
    pdf.paragraph(
        f"Period: {date_range(data.period.start, data.period.end)} ({data.period.label})", 12
    )
    pdf.paragraph(f"Undertecknat {long_date(doc.signed_on)}", 11)
    pdf.ln(6)
    pdf.badge()
    pdf.paragraph(f"Skapad {stamp(data.made_at)} i Löfteskartan.", 10)
    if data.audience is Audience.PUBLIC:
        pdf.paragraph(
            "Den här versionen får publiceras. Den innehåller bara öppna uppgifter: inga "
            "anteckningar, inga enskilda aktiviteter, platser för aktiviteter bara som rutor "
            f"om {data.rules.cell_size_m:g} m, och {data.rules.suppressed_meaning}. "
            f"{counted_text(data).capitalize()}.",
            9,
        )
    else:
        pdf.paragraph(
            "Den här versionen är intern: den innehåller exakta platser, tider och anteckningar "
            "och får inte publiceras. Ta fram en offentlig version för polisen.se.",
            9,
        )
    if data.has_example_data:
        pdf.paragraph(
            "Databasen innehåller exempeldata: platser och aktiviteter vars namn börjar med "
            '"Exempel" är påhittade.',
            9,
            "I",
        )
    pdf.ln(6)
    pdf.paragraph("Innehåll", 12, "B")
    contents = [
        "1. Läget per löfte och aktivitet",
        "2. Genomfört sedan förra mötet",
        "3. Karta",
        "4. Täthetskarta",
        "5. Planerade aktiviteter framåt",
        "6. Öppna iakttagelser från trygghetsvandringar",
        "7. Beslut",
    ]
    pdf.paragraph("\n".join(contents), 10)


def _progress_pages(pdf: Writer, data: ExportData) -> None:
    doc = data.document
    pdf.add_page()
    pdf.heading(f"1. Läget per löfte och aktivitet – {data.period.label}")
    pdf.paragraph(
        f"Genomförda aktiviteter {date_range(data.period.start, data.period.end)}, räknade mot "
        "det som lovats för löftesåret."
        + (
            " Planerat = planerade men ännu inte genomförda."
            if data.audience is Audience.INTERNAL
            else ""
        ),
        9,
    )
    groups: list[tuple[str, str | None]] = [(p.title, p.id) for p in doc.promises]
    groups.append(("Gäller hela löftet", None))
    for title, promise_id in groups:
        rows = [r for r in data.summary.rows if r.commitment.promise_id == promise_id]
        if not rows:
            continue
        if pdf.will_page_break(70):
            pdf.add_page()
        pdf.heading(title, 11)
        pdf.figure(
            _chart(rows, data),
            f"Diagram: genomförda aktiviteter under {title} mot målet för löftesåret. "
            "Siffrorna står i tabellen under diagrammet.",
        )
        internal = data.audience is Audience.INTERNAL
        headings = ["Aktivitet", "Ansvarig", "Läge", "Kvar", "Tim-\nmar", "Utfall"]
        widths = [62, 22, 26, 12, 14, 44]
        if internal:
            headings.insert(4, "Plane-\nrat")
            widths = [54, 20, 24, 11, 14, 14, 43]
        body = []
        for r in rows:
            values = [
                r.commitment.text,
                data.document.responsible_text(r.commitment),
                progress_text(r, data),
                "–" if r.remaining is None else str(r.remaining),
                "–" if r.hours is None else number(r.hours, 1 if r.hours % 1 else 0),
                outcome_text(r, data),
            ]
            if internal:
                values.insert(4, str(r.planned))
            body.append(values)
        pdf.rows(Table(headings, body, widths))
    # A long internal period has many tertials: a table of at most six each, so the columns
    # stay readable (and fit the page) however long the period is.
    for first in range(0, len(data.tertials), TERTIALS_PER_TABLE):
        tertials = data.tertials[first : first + TERTIALS_PER_TABLE]
        if pdf.will_page_break(60):
            pdf.add_page()
        pdf.heading("Per tertial", 11)
        headings = ["Aktivitet", *[t.period.label for t in tertials]]
        share = 110 / len(tertials)
        body = [
            [r.commitment.text if len(r.commitment.text) < 90 else r.commitment.text[:88] + "…"]
            + [count_text(t.row(r.commitment.id).done, data) for t in tertials]
            for r in data.summary.rows
        ]
        pdf.rows(Table(headings, body, [70, *[share] * len(tertials)]))


def _yearly_number(row: SummaryRow) -> int | None:
    """The number the year's bar is measured against: only "minst N"/"exakt N" per year (a
    line at 1 for "1 per halvår" or a milestone would read as a yearly target)."""
    target = row.commitment.target
    if target is None or not target.is_counted or target.per not in (None, TargetPer.YEAR):
        return None
    return target.count


def _chart(rows: Sequence[SummaryRow], data: ExportData) -> bytes:
    """Horizontal bars: done per commitment, with the target as a line where there is one."""
    with literal_text():
        return _draw_chart(rows, data)


def _draw_chart(rows: Sequence[SummaryRow], data: ExportData) -> bytes:
    """`_chart` inside `literal_text`."""
    labels = [textwrap.shorten(r.commitment.kind.label, 34, placeholder="…") for r in rows]
    height = 0.42 * len(rows) + 0.5
    fig = Figure(figsize=(7.2, height), dpi=200)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.34, 0.9 / (height + 0.9) + 0.04, 0.62, 1 - 1.2 / (height + 0.9)))
    top = max([r.target or 0 for r in rows] + [r.done or 0 for r in rows] + [1])
    for y, r in enumerate(rows):
        if r.done is None:
            ax.barh(y, data.rules.min_count - 1, color="#dddddd", hatch="///", edgecolor="#999999")
            ax.text(0.2, y, data.rules.suppressed_text, va="center", fontsize=7)
        else:
            yearly = _yearly_number(r)
            met = yearly is None or r.done >= yearly
            ax.barh(y, r.done, color="#1a9641" if met else "#2166ac")
            ax.text(r.done + top * 0.01, y, str(r.done), va="center", fontsize=7)
        line = _yearly_number(r)
        if line is not None:
            ax.plot([line, line], [y - 0.4, y + 0.4], color="#b2182b", lw=2)
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.12)
    ax.tick_params(axis="x", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel("Genomförda (röd linje = målet för löftesåret)", fontsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _recent_page(pdf: Writer, data: ExportData, meeting: date) -> None:
    pdf.add_page()
    if data.audience is Audience.PUBLIC:
        _last_tertial_section(pdf, data)
        return
    pdf.heading("2. Genomfört sedan förra mötet")
    since = data.recent.period.start
    if data.last_meeting is not None and data.request.since is None:
        intro = f"Förra samverkansmötet hölls {long_date(data.last_meeting)}. "
    else:
        intro = ""
    if meeting <= since:
        pdf.paragraph(intro + "Ingen tid har gått sedan dess.", 10)
        return
    window = date_range(since, data.recent.period.end)
    pdf.paragraph(intro + f"Här räknas det som gjorts {window}.", 10)
    _recent_rows(pdf, data)
    listed = activities_to_list(data.recent_activities)
    if not listed:
        return
    if len(listed) == len(data.recent_activities):
        pdf.heading("Aktiviteterna en och en", 11)
    else:
        pdf.heading("Aktiviteter att ta upp", 11)
        pdf.paragraph(
            f"{count(len(data.recent_activities), 'aktivitet', 'aktiviteter')} är loggade "
            "under tiden. Här "
            "visas den senaste och den största (flest timmar) för varje aktivitet i löftet. "
            "Hela listan finns i mötesunderlagets aktivitetslista (CSV).",
            9,
        )
    pdf.rows(
        Table(
            ["Datum", "Tid", "Typ", "Plats", "Klassning", "Anteckning"],
            [_activity_line(a) for a in listed],
            [20, 22, 32, 44, 20, 42],
            size=7.5,
        )
    )


def activities_to_list(activities: Sequence[ActivityRow]) -> list[ActivityRow]:
    """The activities the pack lists one by one: every one when they are few, otherwise
    the latest and the largest (most hours, the later on a tie) per commitment, by date.

    Parameters
    ----------
    activities : the activities since the last meeting.

    Returns
    -------
    At most `MAX_LISTED_ACTIVITIES` rows, or two per commitment (activities naming none
    count per kind).
    """
    if len(activities) <= MAX_LISTED_ACTIVITIES:
        return list(activities)
    # One pass keeping two rows per commitment: a list per commitment held every row (a
    # million of them at a police region's volume). Ties keep the first, as `max` does.
    latest: dict[tuple[str, str], ActivityRow] = {}
    largest: dict[tuple[str, str], ActivityRow] = {}
    for a in activities:
        key = (a.commitment_id or "", a.kind.value)
        if key not in latest or a.start > latest[key].start:
            latest[key] = a
        if key not in largest or (a.hours, a.start) > (largest[key].hours, largest[key].start):
            largest[key] = a
    chosen = {id(row): row for rows in (latest, largest) for row in rows.values()}
    return sorted(chosen.values(), key=lambda a: a.start)


def meeting_activities_csv(data: ExportData) -> bytes:
    """Every activity since the last meeting, as Swedish-Excel CSV: the list beside the pack.

    Raises
    ------
    ValidationError : for a public export, which holds no single activities.
    """
    if data.audience is Audience.PUBLIC:
        raise ValidationError(
            "Aktivitetslistan finns bara i den interna versionen: den offentliga visar inga "
            "enskilda aktiviteter."
        )
    return table_csv(
        activities_table(replace(data, activities=data.recent_activities)),
        data.rules.suppressed_text,
    )


def _last_tertial_section(pdf: Writer, data: ExportData) -> None:
    """The public pack's second section: the last tertial that has ended, not a range the
    person exporting chose (two such ranges a day apart would give a single day away)."""
    pdf.heading("2. Senast avslutade tertialen")
    if not data.tertials:
        pdf.paragraph("Inget tertial av löftesåret har avslutats ännu.", 10)
        return
    period = data.recent.period
    pdf.paragraph(f"Här räknas det som gjorts {date_range(period.start, period.end)}.", 10)
    _recent_rows(pdf, data)
    pdf.paragraph(
        "Enskilda aktiviteter, tider och platser redovisas inte i den offentliga versionen.",
        9,
        "I",
    )


def _recent_rows(pdf: Writer, data: ExportData) -> None:
    """Done, hours and outcomes per kind in `data.recent` (rows with nothing left out)."""
    rows = [r for r in data.recent.rows if r.done != 0]
    if not rows:
        pdf.paragraph("Inga aktiviteter är loggade under tiden.", 10)
        return
    pdf.rows(
        Table(
            ["Aktivitet", "Genomförda", "Timmar", "Utfall"],
            [
                [
                    r.commitment.kind.label,
                    count_text(r.done, data),
                    "–" if r.hours is None else number(r.hours, 1 if r.hours % 1 else 0),
                    outcome_text(r, data),
                ]
                for r in rows
            ],
            [55, 25, 20, 80],
        )
    )


def _activity_line(a: ActivityRow) -> list[str]:
    return [
        f"{a.start:%Y-%m-%d}",
        f"{a.start:%H.%M}–{a.end:%H.%M}",
        a.kind.label,
        a.place_name or "–",
        a.classification.value,
        a.note,
    ]


def _map_page(pdf: Writer, data: ExportData, view: MapView) -> None:
    pdf.add_page(orientation="L")  # the map is drawn A4 landscape: give it the whole page
    if view is MapView.OVERVIEW:
        pdf.heading("3. Karta")
        text = "Platser och genomförda aktiviteter under perioden."
        if data.audience is Audience.PUBLIC:
            text = "Öppna platser och antal genomförda aktiviteter per ruta under perioden."
    else:
        pdf.heading("4. Täthetskarta")
        text = (
            f"Genomförda aktiviteter räknade per {data.rules.grid.value} om "
            f"{data.rules.cell_size_m:g} m."
        )
        if data.audience is Audience.PUBLIC:
            text += (
                " Rutor med färre än "
                f"{count(data.rules.min_count, 'aktivitet', 'aktiviteter')} visas inte."
            )
    pdf.paragraph(text, 9)
    pdf.figure(
        render_map_png(data, view, dpi=170),
        f"Karta: {text} Antalen står i tabellerna i avsnitt 1 och 2.",
        whole_page=True,
    )


def _upcoming_page(pdf: Writer, data: ExportData, meeting: date) -> None:
    pdf.add_page()
    pdf.heading("5. Planerade aktiviteter framåt")
    until = date.fromordinal(meeting.toordinal() + data.request.upcoming_days - 1)
    if data.audience is Audience.PUBLIC:
        pdf.paragraph(
            f"Poliskontorets planerade öppettider {date_range(meeting, until)}. Andra planerade "
            "aktiviteter redovisas inte i förväg.",
            10,
        )
        rows = [
            [week_text_from_iso(p.week), p.place_name, p.opening_hours or "–"]
            for p in data.upcoming
        ]
        if rows:
            pdf.rows(Table(["Vecka", "Plats", "Öppettider"], rows, [40, 70, 70]))
        else:
            pdf.paragraph("Inga planerade öppettider under perioden.", 10)
        return
    pdf.paragraph(
        f"Planerade aktiviteter {date_range(meeting, until)} som kan delas på mötet. "
        "Planerade aktiviteter med klassningen sekretess finns inte med.",
        10,
    )
    rows = [
        [
            f"{p.start:%Y-%m-%d}" if p.start else p.week,
            f"{p.start:%H.%M}–{p.end:%H.%M}" if p.start and p.end else "",
            p.kind.label,
            p.place_name or "–",
            p.team or "–",
            p.classification.value,
        ]
        for p in data.upcoming
        if p.status is PlanStatus.PLANNED
    ]
    shown = _capped(pdf, rows, "planerade aktiviteterna")
    if shown:
        pdf.rows(
            Table(
                ["Datum", "Tid", "Typ", "Plats", "Ansvarig", "Klassning"],
                shown,
                [22, 22, 36, 50, 30, 20],
            )
        )
    else:
        pdf.paragraph("Inga planerade aktiviteter under perioden.", 10)


def _capped(pdf: Writer, rows: Sequence[_Row], what: str) -> Sequence[_Row]:
    """The first `MAX_LISTED_ROWS` rows, saying so in the pack when some are left out."""
    if len(rows) <= MAX_LISTED_ROWS:
        return rows
    pdf.paragraph(
        f"Här visas de första {MAX_LISTED_ROWS} av de {number(len(rows))} {what}; alla finns "
        "i dataexporten (CSV eller GeoPackage).",
        9,
        "I",
    )
    return rows[:MAX_LISTED_ROWS]


def week_text_from_iso(week: str) -> str:
    """ "2024-W23" -> "vecka 23, 2024"."""
    year, number_ = week.split("-W")
    return week_text(date.fromisocalendar(int(year), int(number_), 1))


def _findings_page(pdf: Writer, data: ExportData) -> None:
    pdf.add_page()
    pdf.heading("6. Öppna iakttagelser från trygghetsvandringar")
    if not data.open_findings:
        pdf.paragraph("Inga öppna iakttagelser.", 10)
        return
    findings = _capped(pdf, data.open_findings, "öppna iakttagelserna")
    if data.audience is Audience.PUBLIC:
        pdf.paragraph("Iakttagelser som inte är åtgärdade än, med ansvarig och status.", 10)
        pdf.rows(
            Table(
                ["Kategori", "Ansvarig", "Status", "Klart senast", "Vandring"],
                [
                    [
                        f.category,
                        f.owner or "–",
                        f.status.value,
                        week_text_from_iso(f.due_week) if f.due_week else "–",
                        week_text_from_iso(f.walk_week) if f.walk_week else "–",
                    ]
                    for f in findings
                ],
                [40, 40, 25, 40, 35],
            )
        )
        return
    pdf.paragraph("Iakttagelser som inte är åtgärdade än, med åtgärd, ansvarig och status.", 10)
    headings = ["Kategori", "Åtgärd", "Ansvarig", "Status", "Klart senast", "Vandring"]
    body: list[list[str | bytes]] = [
        [
            f.category,
            f.action or f.description or "–",
            f.owner or "–",
            f.status.value,
            f"{f.due:%Y-%m-%d}" if f.due else "–",
            f"{f.walk_date:%Y-%m-%d}" if f.walk_date else "–",
        ]
        for f in findings
    ]
    widths = [26, 56, 30, 18, 25, 25]
    if any(f.thumbnail for f in findings):
        # Internal only (a public row never carries a photo): a small picture helps the
        # meeting recognise the place. A 24 mm wide thumbnail keeps the row short.
        headings.append("Foto")
        for row, f in zip(body, findings, strict=True):
            row.append(f.thumbnail or "–")
        widths = [24, 46, 26, 16, 22, 22, 24]
    pdf.rows(Table(headings, body, widths))


def _decisions_page(pdf: Writer, data: ExportData, meeting: date) -> None:
    pdf.add_page()
    pdf.heading(f"7. Beslut vid samverkansmötet {long_date(meeting)}")
    pdf.paragraph("Närvarande (organisation och funktion):", 10)
    pdf.writing_lines(3)
    pdf.rows(
        Table(
            ["Nr", "Beslut", "Ansvarig", "Klart senast"],
            [[str(n), "", "", ""] for n in range(1, 11)],
            [10, 110, 35, 25],
            size=14,
        )
    )
    pdf.paragraph("Nästa samverkansmöte: ______________________", 10)

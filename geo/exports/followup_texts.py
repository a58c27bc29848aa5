"""Uppföljning för polisen.se: a Swedish text per tertial, and a public map.

Generated from the log: for each tertial, what was promised and what was done, in numbers.
Built from an `ExportData`, so a public follow-up only has what the public data set has:
one text per tertial that has ended, counts per commitment with 1 to k-1 (and any count
withheld to protect one) written as "visas inte", outcome sums likewise, no single
activities, places or times.

Each text gives the tertial's own numbers and the year's target, but no running total for
the year: a total next to a suppressed tertial would give the hidden number away.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from geo.disclosure.audience import Audience
from geo.disclosure.rows import ExportData, PeriodSummary, SummaryRow
from geo.exports.figure_texts import outcome_text
from geo.exports.map_html import render_map_html
from geo.records.models import STOCKHOLM
from geo.records.promise_summary import target_in_words
from geo.records.targets import slices_per
from geo.swedish import MONTHS, count, date_range, number, stamp

TERTIAL_MONTHS = {1: "januari–april", 2: "maj–augusti", 3: "september–december"}


@dataclass(frozen=True)
class FollowupText:
    """One tertial's follow-up: a file name, a title and the text."""

    file_name: str
    title: str
    text: str


def _tertial_name(summary: PeriodSummary) -> tuple[str, str]:
    """("T3 2023", "september–december 2023") from the period's first day."""
    start = summary.period.start
    number_ = (start.month - 1) // 4 + 1
    return f"T{number_} {start.year}", f"{TERTIAL_MONTHS[number_]} {start.year}"


def _done_sentence(row: SummaryRow, data: ExportData) -> str:
    """ "Genomfört under tertialen: 20 gånger (40 timmar)." and the like."""
    if row.done is None:
        return f"Genomfört under tertialen: antalet {data.rules.suppressed_text}."
    if row.done == 0:
        return "Inget genomfört under tertialen."
    times = count(row.done, "gång", "gånger")
    hours = ""
    if row.hours:
        hours = f" ({number(row.hours, 1 if row.hours % 1 else 0)} timmar)"
    return f"Genomfört under tertialen: {times}{hours}."


def _milestone_sentence(row: SummaryRow, summary: PeriodSummary, data: ExportData) -> str:
    """ " Klart 2023-08-14." for a milestone done by the tertial's end, else (internal only)
    whether it is still to do or late then; "" for other targets."""
    target = row.commitment.target
    if target is None or target.due is None:
        return ""
    done_on = dict(data.milestones_done).get(row.commitment.id)
    end = summary.period.end
    if done_on is not None and done_on <= end:
        return f" Klart {done_on.isoformat()}."
    if data.audience is Audience.PUBLIC:
        # Only öppen activities reach a public file: one done as intern must not read as
        # "inte klart" there.
        return ""
    return " Försenat: inte klart." if end > target.due else " Inte klart än."


def _stretch_sentence(row: SummaryRow, summary: PeriodSummary, data: ExportData) -> str:
    """ " 1 av 1 under hösten 2023." for each stretch of a `per` target (halvår, tertial) that
    ended in this tertial; withheld counts as the public's "visas inte"."""
    target = row.commitment.target
    if target is None or not slices_per(target):
        return ""
    said: list[str] = []
    for s in data.stretches:
        if s.commitment_id != row.commitment.id or not summary.period.contains(s.period.end):
            continue
        label = s.period.label
        if s.done is None:
            said.append(f"antalet under {label} {data.rules.suppressed_text}")
        else:
            said.append(f"{number(s.done)} av {number(target.count)} under {label}")
    if not said:
        return ""
    text = "; ".join(said)
    return f" {text[0].upper()}{text[1:]}."


def tertial_text(summary: PeriodSummary, data: ExportData) -> FollowupText:
    """The follow-up text for one tertial (see the module docstring)."""
    doc = data.document
    short, months = _tertial_name(summary)
    title = f"{doc.title} – uppföljning {short} ({months})"
    lines = [title, "=" * len(title), ""]
    if data.audience is Audience.INTERNAL:
        lines.append("INTERNT UTKAST – innehåller exakta siffror och får inte publiceras.")
    else:
        lines.append("Offentlig version: får publiceras.")
    lines.append(
        f"Uppföljningen gäller {date_range(summary.period.start, summary.period.end)}. "
        f"Sammanställd {stamp(data.made_at)} ur Löfteskartans logg över genomförda aktiviteter."
    )
    lines.append("")
    promises = "\n".join(f"{n}. {p.title}" for n, p in enumerate(doc.promises, start=1))
    lines += [
        f"{doc.kommun_name} och {doc.police_area} har lovat invånarna att:",
        promises,
        "",
        "Det här har gjorts:",
        "",
    ]
    groups: list[tuple[str, str | None]] = [(p.title, p.id) for p in doc.promises]
    groups.append(("Gäller hela medborgarlöftet", None))
    for heading, promise_id in groups:
        rows = [r for r in summary.rows if r.commitment.promise_id == promise_id]
        if not rows:
            continue
        lines.append(heading)
        for r in rows:
            sentence = f"- {r.commitment.text} {_done_sentence(r, data)}"
            results = outcome_text(r, data)
            if results:
                sentence += f" Resultat: {results}."
            if r.commitment.target is not None:
                sentence += f" Målet: {target_in_words(r.commitment.target)}."
                sentence += _milestone_sentence(r, summary, data)
                sentence += _stretch_sentence(r, summary, data)
            lines.append(sentence)
        lines.append("")
    if data.audience is Audience.PUBLIC:
        lines.append(
            f"{data.rules.suppressed_meaning}, så att ingen enskild händelse eller person "
            "kan pekas ut. Var polisen gör riktade insatser redovisas inte. Uppföljningen "
            "görs när ett tertial har avslutats."
        )
    if data.has_example_data:
        lines.append("OBS: underlaget innehåller påhittade exempeldata.")
    made = data.made_at.astimezone(STOCKHOLM)
    if summary.period.start <= made.date() <= summary.period.end:
        lines.append(
            f"Tertialen pågår: siffrorna gäller till och med {made.day} "
            f"{MONTHS[made.month - 1]} {made.year}."
        )
    file_name = f"uppfoljning_{short.replace(' ', '_')}.txt"
    return FollowupText(file_name, title, "\n".join(lines).rstrip() + "\n")


def followup_texts(data: ExportData) -> list[FollowupText]:
    """One text per tertial of the export's period that has begun (public: has ended)."""
    return [tertial_text(t, data) for t in data.tertials]


def followup_zip_bytes(data: ExportData, tiles: bool = True) -> bytes:
    """A zip with one text per tertial and `karta.html` (the map of the same data set)."""
    buffer = io.BytesIO()
    made = data.made_at.astimezone(STOCKHOLM)
    when = (made.year, made.month, made.day, made.hour, made.minute, made.second)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.comment = f"{data.audience.notice}. Skapad {stamp(data.made_at)}.".encode()
        for text in followup_texts(data):
            info = zipfile.ZipInfo(text.file_name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.text.encode("utf-8"))
        info = zipfile.ZipInfo("karta.html", date_time=when)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, render_map_html(data, tiles=tiles).encode("utf-8"))
    return buffer.getvalue()

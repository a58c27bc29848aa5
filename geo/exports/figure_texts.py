"""A summary row's figures in words, as the meeting pack and the public follow-up print them:
a count or "visas inte", "9 av minst 10", "1 142 kontrollerade fordon, 95 hastighetsöverträdelser".
"""

from __future__ import annotations

from geo.disclosure.rows import ExportData, SummaryRow
from geo.records.models import Outcome
from geo.swedish import number

OUTCOME_LABELS = {
    Outcome.CONTACTS.value: "kontakter",
    Outcome.VISITORS.value: "besökare",
    Outcome.VEHICLES_CHECKED.value: "kontrollerade fordon",
    Outcome.VIOLATIONS.value: "överträdelser",
    Outcome.SPEED_VIOLATIONS.value: "hastighetsöverträdelser",
    Outcome.DUI_SUSPECTED.value: "rattfylleri/drograttfylleri",
    Outcome.OTHER_VIOLATIONS.value: "övriga överträdelser",
    Outcome.PERSONS_CHECKED.value: "kontrollerade personer",
    Outcome.SUSPECTED_DRUG_OFFENCES.value: "misstänkta narkotikabrott",
    Outcome.OF_WHICH_YOUNG.value: "varav unga",
    Outcome.PARTICIPANTS.value: "deltagare",
    Outcome.ORGANISATIONS.value: "organisationer",
    Outcome.DECISIONS.value: "beslut",
    Outcome.FINDINGS.value: "iakttagelser",
}


def count_text(value: int | None, data: ExportData) -> str:
    """A count as printed: the number, or "visas inte" when suppressed."""
    return data.rules.suppressed_text if value is None else number(value)


def progress_text(row: SummaryRow, data: ExportData) -> str:
    """ "9 av minst 10", "60 genomförda" (no number promised) or "visas inte (mål: två)"."""
    done = count_text(row.done, data)
    target = row.commitment.target
    if row.done is None:
        return done if target is None else f"{done} (mål: {target.describe()})"
    if target is None:
        return f"{done} genomförda"
    if not target.is_counted:
        # "2 genomförda (klart senast 2023-09-01)": a milestone or on request has no "av".
        return f"{done} genomförda ({target.describe()})"
    return f"{done} av {target.describe()}"


def outcome_text(row: SummaryRow, data: ExportData) -> str:
    """Outcome sums in words: "1 142 kontrollerade fordon, 95 hastighetsöverträdelser"."""
    parts = []
    for name, value in row.outcomes.items():
        if value == 0:
            continue
        label = "unga" if name == Outcome.OF_WHICH_YOUNG.value else OUTCOME_LABELS.get(name, name)
        if value is None:
            # "antalet misstänkta narkotikabrott visas inte", not "visas inte misstänkta …"
            parts.append(f"antalet {label} {count_text(value, data)}")
        elif name == Outcome.OF_WHICH_YOUNG.value:
            parts.append(f"varav {count_text(value, data)} unga")
        else:
            parts.append(f"{count_text(value, data)} {label}")
    return ", ".join(parts)

"""What a promise file says, in words: the output of `lofteskartan check FIL`.

A coordinator who wrote the file reads back what the program understood (promises, kinds,
targets in words, follow-up years with dates) before the file is loaded with `init`.
"""

from __future__ import annotations

from geo.records.kinds import CommitmentKind, FileKind
from geo.records.periods import promise_years
from geo.records.promise import Commitment, PromiseDocument, Target, TargetPer, TargetRule


def target_in_words(target: Target | None) -> str:
    """E.g. "minst 10 per uppföljningsår", "klart senast 2023-09-01", "inget antal"."""
    if target is None:
        return "inget antal i löftet"
    if target.rule is TargetRule.ON_REQUEST:
        return "vid behov (räknas, inget antal att nå)"
    if target.rule is TargetRule.BY_DATE:
        return target.describe()
    number = (
        f"minst {target.count}" if target.rule is TargetRule.AT_LEAST else f"exakt {target.count}"
    )
    per = target.per or TargetPer.YEAR
    if per is TargetPer.PERIOD:
        return f"{number} under hela perioden"
    if per is TargetPer.YEAR:
        return f"{number} per uppföljningsår"
    return f"{number} per {per.label} (varje {per.label} för sig)"


def _kind_text(kind: FileKind) -> str:
    counts = ", ".join(kind.outcomes) or "inga utöver timmar"
    return (
        f"  {kind.value}: {kind.label} (plats {kind.place_need.value}, utfall {counts}, "
        f"klassning {kind.default_classification.value})"
    )


def _commitment_text(doc: PromiseDocument, c: Commitment) -> str:
    who = ", ".join(doc.party_name(p) for p in c.parties) or c.responsible.value
    own = "" if isinstance(c.kind, CommitmentKind) else ", egen typ"
    return f"    - {c.id} ({c.kind.label}{own}; ansvarig {who}): {target_in_words(c.target)}"


def summary_lines(doc: PromiseDocument) -> list[str]:
    """The document as `check` prints it, one line each, in Swedish."""
    lines = [
        f"{doc.title} (id {doc.id}, format {doc.format})",
        f"Kommun: {doc.kommun_name} ({doc.kommunkod}). Polis: {doc.police_area}.",
        f"Undertecknat {doc.signed_on}. Period: {doc.period_start} – {doc.period_end}.",
        "Uppföljningsår:",
        *(f"  {y.label}: {y.start} – {y.end}" for y in promise_years(doc)),
    ]
    if doc.area is not None:
        km2 = f"{doc.area.geometry.area / 1e6:.2f}".replace(".", ",")
        lines.append(f"Område: {doc.area.name} ({km2} km², SWEREF 99 TM)")
    if doc.parties:
        lines.append("Parter: " + ", ".join(f"{p.name} ({p.id})" for p in doc.parties))
    if doc.kinds:
        lines += ["Egna aktivitetstyper:", *(_kind_text(k) for k in doc.kinds)]
    groups = [(f"Löfte {p.id}: {p.title}", doc.commitments_for(p.id)) for p in doc.promises]
    groups.append(("Hela löftet:", doc.commitments_for(None)))
    for heading, commitments in groups:
        if commitments:
            lines += [heading, *(_commitment_text(doc, c) for c in commitments)]
    return lines

"""Utfall: which counts each kind of activity records, and the rules they must follow.

The same rules serve the quick-log form, the import and the API of the store's callers:
counts are whole numbers from zero up (hours may have decimals), a kind records only its
own fields, and the "varav" figures cannot exceed their totals. Counts only: how many,
never who. Totals left out are filled in from their parts (overträdelser from the kinds of
violation, deltagare from the participants per organisation, organisationer from the
organisation types present).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from geo.errors import ValidationError
from geo.records.kinds import CommitmentKind, FileKind, Kind
from geo.records.models import Finding, FindingStatus, Indicator, Outcome

K = CommitmentKind


@dataclass(frozen=True)
class OutcomeField:
    """Utfallsfält: one count an activity of some kind records."""

    name: str
    label: str
    integer: bool = True
    maximum: float | None = None
    help: str = ""


HOURS = OutcomeField(
    Outcome.HOURS, "Timmar", integer=False, maximum=24, help="Timmar på plats (högst 24)."
)
CONTACTS = OutcomeField(Outcome.CONTACTS, "Kontakter", help="Samtal med allmänheten.")
VISITORS = OutcomeField(Outcome.VISITORS, "Besökare", help="Besök på poliskontoret.")
VEHICLES = OutcomeField(Outcome.VEHICLES_CHECKED, "Kontrollerade fordon")
SPEED = OutcomeField(Outcome.SPEED_VIOLATIONS, "varav hastighetsöverträdelser")
DUI = OutcomeField(Outcome.DUI_SUSPECTED, "varav rattfylleri/drograttfylleri")
OTHER = OutcomeField(Outcome.OTHER_VIOLATIONS, "varav övriga överträdelser")
VIOLATIONS = OutcomeField(
    Outcome.VIOLATIONS, "Överträdelser totalt", help="Lämnas tom: summan av slagen ovan."
)
PERSONS = OutcomeField(Outcome.PERSONS_CHECKED, "Kontrollerade personer")
DRUG_OFFENCES = OutcomeField(Outcome.SUSPECTED_DRUG_OFFENCES, "Misstänkta narkotikabrott")
YOUNG = OutcomeField(
    Outcome.OF_WHICH_YOUNG,
    "varav unga (21 år och yngre)",
    help="Antal, aldrig vilka. Högst lika många som misstänkta narkotikabrott.",
)
PARTICIPANTS = OutcomeField(Outcome.PARTICIPANTS, "Deltagare totalt")
FINDINGS_COUNT = OutcomeField(Outcome.FINDINGS, "Iakttagelser")
ORGANISATIONS = OutcomeField(Outcome.ORGANISATIONS, "Organisationer närvarande")
DECISIONS = OutcomeField(Outcome.DECISIONS, "Beslut (antal)")

# Participants of a safety walk per organisation, and organisation types at a meeting.
ORGANISATION_TYPES = {
    "kommun": "Kommunen",
    "polis": "Polisen",
    "fastighetsagare": "Fastighetsägare",
    "skola": "Skola",
    "raddningstjanst": "Räddningstjänsten",
    "foreningar": "Föreningar",
    "naringsliv": "Näringsliv",
    "invanare": "Invånare",
    "ovriga": "Övriga",
}
PARTICIPANTS_BY_ORG = tuple(
    OutcomeField(f"deltagare_{code}", f"Deltagare: {label}")
    for code, label in ORGANISATION_TYPES.items()
)
ORG_PRESENT = tuple(
    OutcomeField(f"org_{code}", f"Närvarande: {label}", maximum=1, help="1 om närvarande.")
    for code, label in ORGANISATION_TYPES.items()
)

OUTCOME_FIELDS: dict[CommitmentKind, tuple[OutcomeField, ...]] = {
    K.PRESENCE: (HOURS, CONTACTS, VISITORS),
    K.TRAFFIC_CONTROL: (HOURS, VEHICLES, SPEED, DUI, OTHER, VIOLATIONS),
    K.NARCOTICS_INTERVENTION: (HOURS, PERSONS, DRUG_OFFENCES, YOUNG),
    K.IDENTIFY_YOUNG_USERS: (PERSONS, DRUG_OFFENCES, YOUNG),
    K.SAFETY_WALK: (HOURS, *PARTICIPANTS_BY_ORG, PARTICIPANTS, FINDINGS_COUNT),
    K.COORDINATION_MEETING: (HOURS, *ORG_PRESENT, ORGANISATIONS, DECISIONS, PARTICIPANTS),
    K.EST: (HOURS, *ORG_PRESENT, ORGANISATIONS, DECISIONS, PARTICIPANTS),
    K.ANDT: (HOURS, PARTICIPANTS),
    K.SCHOOL_ATTENDANCE: (HOURS, PARTICIPANTS),
    K.LOCAL_INFORMATION: (HOURS,),
}
# The few fields the phone form shows first; the rest sit behind "fler fält".
QUICK_FIELDS: dict[CommitmentKind, tuple[str, ...]] = {
    K.PRESENCE: (Outcome.HOURS, Outcome.CONTACTS, Outcome.VISITORS),
    K.TRAFFIC_CONTROL: (
        Outcome.VEHICLES_CHECKED,
        Outcome.SPEED_VIOLATIONS,
        Outcome.DUI_SUSPECTED,
        Outcome.OTHER_VIOLATIONS,
    ),
    K.NARCOTICS_INTERVENTION: (
        Outcome.PERSONS_CHECKED,
        Outcome.SUSPECTED_DRUG_OFFENCES,
        Outcome.OF_WHICH_YOUNG,
    ),
    K.IDENTIFY_YOUNG_USERS: (Outcome.PERSONS_CHECKED, Outcome.OF_WHICH_YOUNG),
    K.SAFETY_WALK: ("deltagare_kommun", "deltagare_polis", "deltagare_invanare"),
    K.COORDINATION_MEETING: (Outcome.ORGANISATIONS, Outcome.DECISIONS),
    K.EST: (Outcome.ORGANISATIONS, Outcome.DECISIONS),
    K.ANDT: (Outcome.PARTICIPANTS,),
    K.SCHOOL_ATTENDANCE: (Outcome.PARTICIPANTS,),
    K.LOCAL_INFORMATION: (Outcome.HOURS,),
}
ALL_OUTCOME_NAMES = frozenset(f.name for fields in OUTCOME_FIELDS.values() for f in fields)
_BUILT_IN_FIELDS = {f.name: f for fields in OUTCOME_FIELDS.values() for f in fields}
_OWN_COUNT = re.compile(r"^[a-zåäö][a-zåäö0-9_]*$")


def own_count_problem(name: str) -> str | None:
    """Why `name` cannot be a count a promise file's own kind records (`utfall`), or None."""
    if not isinstance(name, str) or not _OWN_COUNT.match(name):
        return f'"{name}" är inget giltigt namn på ett utfall: små bokstäver, siffror och _'
    return None


def fields_for(kind: Kind) -> tuple[OutcomeField, ...]:
    """The outcome fields an activity of `kind` records, in form order.

    A promise file's own kind records hours and the counts it lists under `utfall`: a
    built-in count (`deltagare`) keeps its label and checks, a new one (`hushåll`) is a
    whole number from zero up.
    """
    if isinstance(kind, CommitmentKind):
        return OUTCOME_FIELDS[kind]
    own = (
        _BUILT_IN_FIELDS.get(name) or OutcomeField(name, name.replace("_", " ").capitalize())
        for name in kind.outcomes
        if name != Outcome.HOURS
    )
    return (HOURS, *own)


def quick_fields(kind: Kind) -> tuple[str, ...]:
    """The fields the phone form shows first (an own kind: all of its counts)."""
    if isinstance(kind, FileKind):
        return tuple(f.name for f in fields_for(kind))
    return QUICK_FIELDS[kind]


def outcome_names(kinds: Iterable[Kind]) -> frozenset[str]:
    """Every outcome column these kinds record, with the built-in ones (the import's columns)."""
    return ALL_OUTCOME_NAMES | {f.name for k in kinds for f in fields_for(k)}


@dataclass(frozen=True)
class OutcomeProblem:
    """One broken rule: the field (column) it concerns and a Swedish message."""

    field: str
    message: str


def _number(value: object) -> float | None:
    """A float from an int/float, or None for anything else (text, bool, NaN, inf)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def outcome_problems(kind: Kind, values: Mapping[str, object]) -> list[OutcomeProblem]:
    """Every rule `values` breaks for an activity of `kind` (empty when it is valid)."""
    fields = {f.name: f for f in fields_for(kind)}
    problems: list[OutcomeProblem] = []
    numbers: dict[str, float] = {}
    for name, raw in values.items():
        if name not in fields:
            allowed = ", ".join(fields) or "inga"
            problems.append(
                OutcomeProblem(
                    name, f"hör inte till {kind.label.lower()} (tillåtna fält: {allowed})"
                )
            )
            continue
        spec = fields[name]
        number = _number(raw)
        if number is None:
            problems.append(OutcomeProblem(name, f'"{raw}" är inget tal'))
            continue
        if number < 0:
            problems.append(OutcomeProblem(name, "får inte vara negativt"))
        elif spec.integer and number != int(number):
            problems.append(OutcomeProblem(name, f"ska vara ett heltal, inte {raw}"))
        elif spec.maximum is not None and number > spec.maximum:
            problems.append(OutcomeProblem(name, f"får vara högst {spec.maximum:g}"))
        else:
            numbers[name] = number
    problems.extend(_consistency(numbers))
    return problems


def _part_sum(numbers: Mapping[str, float], names: Sequence[str]) -> float:
    return sum(numbers.get(n, 0.0) for n in names)


def _total_below_parts(
    n: Mapping[str, float], total: str, parts: Sequence[str], total_text: str, parts_text: str
) -> list[OutcomeProblem]:
    """A problem when a given total is smaller than the sum of its given parts."""
    if total not in n or n[total] >= _part_sum(n, parts):
        return []
    message = f"{total_text} ({n[total]:g}) är färre än {parts_text} ({_part_sum(n, parts):g})"
    return [OutcomeProblem(total, message)]


def _consistency(n: Mapping[str, float]) -> list[OutcomeProblem]:
    """ "Varav" figures never exceed their totals."""
    out = []
    if Outcome.OF_WHICH_YOUNG in n:
        total = n.get(Outcome.SUSPECTED_DRUG_OFFENCES, 0.0)
        if n[Outcome.OF_WHICH_YOUNG] > total:
            out.append(
                OutcomeProblem(
                    Outcome.OF_WHICH_YOUNG,
                    f"varav unga ({n[Outcome.OF_WHICH_YOUNG]:g}) kan inte vara fler än "
                    f"misstänkta narkotikabrott ({total:g})",
                )
            )
    violation_parts = [Outcome.SPEED_VIOLATIONS, Outcome.DUI_SUSPECTED, Outcome.OTHER_VIOLATIONS]
    out += _total_below_parts(
        n, Outcome.VIOLATIONS, violation_parts, "överträdelser totalt", "summan av slagen"
    )
    if Outcome.DUI_SUSPECTED in n and Outcome.VEHICLES_CHECKED in n:
        if n[Outcome.DUI_SUSPECTED] > n[Outcome.VEHICLES_CHECKED]:
            out.append(
                OutcomeProblem(
                    Outcome.DUI_SUSPECTED,
                    "fler misstänkta rattfylleri än kontrollerade fordon",
                )
            )
    by_org = [f"deltagare_{c}" for c in ORGANISATION_TYPES]
    out += _total_below_parts(
        n, Outcome.PARTICIPANTS, by_org, "deltagare totalt", "deltagarna per organisation"
    )
    present = [f"org_{c}" for c in ORGANISATION_TYPES]
    out += _total_below_parts(
        n, Outcome.ORGANISATIONS, present, "organisationer", "de markerade organisationstyperna"
    )
    return out


def validate_outcome(kind: Kind, values: Mapping[str, object]) -> dict[str, float]:
    """The outcome to store: checked, whole numbers as int, missing totals filled in.

    Parameters
    ----------
    kind : the activity's kind.
    values : field name → number (empty fields left out).

    Returns
    -------
    A new dict: the given values, plus `overtradelser`, `deltagare` or `organisationer`
    computed from their parts when the parts are given and the total is not.

    Raises
    ------
    ValidationError
        Naming every field that breaks a rule.
    """
    problems = outcome_problems(kind, values)
    if problems:
        raise ValidationError(
            "Utfallet har fel: " + "; ".join(f"{p.field}: {p.message}" for p in problems) + "."
        )
    return completed_outcome(kind, values)


def completed_outcome(kind: Kind, values: Mapping[str, object]) -> dict[str, float]:
    """`validate_outcome` for values `outcome_problems` has already found valid (the import
    checks every row that way first; checking twice cost a tenth of its time)."""
    fields = {f.name: f for f in fields_for(kind)}
    out: dict[str, float] = {}
    for name, raw in values.items():
        number = float(raw)  # type: ignore[arg-type]  # checked by outcome_problems
        out[name] = int(number) if fields[name].integer else number
    totals: dict[str, list[str]] = {
        Outcome.VIOLATIONS.value: [
            Outcome.SPEED_VIOLATIONS,
            Outcome.DUI_SUSPECTED,
            Outcome.OTHER_VIOLATIONS,
        ],
        Outcome.PARTICIPANTS.value: [f"deltagare_{c}" for c in ORGANISATION_TYPES],
        Outcome.ORGANISATIONS.value: [f"org_{c}" for c in ORGANISATION_TYPES],
    }
    for total, parts in totals.items():
        if total in fields and total not in out and any(p in out for p in parts):
            out[total] = int(sum(out.get(p, 0) for p in parts))
    return out


# -- findings from safety walks -----------------------------------------------------------

FINDING_CATEGORIES = {
    "belysning": "Belysning",
    "växtlighet": "Växtlighet",
    "trafik": "Trafik",
    "nedskräpning": "Nedskräpning",
    "annat": "Annat",
}
FINDING_OWNERS = {
    "kommun": "Kommunen",
    "polis": "Polisen",
    "fastighetsägare": "Fastighetsägare",
    "annan": "Annan",
}
FINDING_STATUS_SV = {
    FindingStatus.OPEN: "Öppen",
    FindingStatus.IN_PROGRESS: "Pågår",
    FindingStatus.CLOSED: "Åtgärdad",
}


def finding_problems(finding: Finding) -> list[OutcomeProblem]:
    """Rules for an iakttagelse: known category and owner; a closed one says what was done."""
    out = []
    if finding.category not in FINDING_CATEGORIES:
        known = ", ".join(FINDING_CATEGORIES)
        out.append(OutcomeProblem("kategori", f'okänd kategori "{finding.category}" ({known})'))
    if finding.owner and finding.owner not in FINDING_OWNERS:
        known = ", ".join(FINDING_OWNERS)
        out.append(OutcomeProblem("ägare", f'okänd ägare "{finding.owner}" ({known})'))
    if finding.status is FindingStatus.CLOSED and not finding.action.strip():
        out.append(OutcomeProblem("åtgärd", "en åtgärdad iakttagelse behöver en åtgärd"))
    if finding.status is not FindingStatus.OPEN and not finding.owner:
        out.append(OutcomeProblem("ägare", "ange vem som äger åtgärden"))
    return out


def validate_finding(finding: Finding) -> Finding:
    """The finding itself, or ValidationError naming every broken rule."""
    problems = finding_problems(finding)
    if problems:
        raise ValidationError(
            "Iakttagelsen har fel: " + "; ".join(f"{p.field}: {p.message}" for p in problems) + "."
        )
    return finding


def is_overdue(finding: Finding, today: date) -> bool:
    """True when a finding that is not closed has passed its due date."""
    if finding.status is FindingStatus.CLOSED or finding.due is None:
        return False
    return finding.due < today


# -- the kommun's figures per term ---------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    """Nyckeltal the kommun reports per term: name, Swedish label, unit and range."""

    name: str
    label: str
    unit: str
    maximum: float | None = None


INDICATORS = {
    spec.name: spec
    for spec in (
        IndicatorSpec("skolnarvaro", "Skolnärvaro (andel av undervisningstiden)", "%", 100),
        IndicatorSpec("hog_franvaro", "Elever med mer än 15 % frånvaro", "%", 100),
        IndicatorSpec("andt_aktiviteter", "ANDT-aktiviteter under terminen", "st"),
        IndicatorSpec("andt_deltagare", "Deltagare i ANDT-aktiviteter", "st"),
    )
}
_TERM = re.compile(r"^(VT|HT)(\d{4})$")


def parse_term(text: str) -> tuple[str, int]:
    """ "VT2024" → ("VT", 2024); ValidationError for anything else."""
    match = _TERM.match(text.strip().upper())
    if match is None or not 2000 <= int(match.group(2)) <= 2100:
        raise ValidationError(f'Terminen "{text}" ska skrivas VT2024 (vår) eller HT2023 (höst).')
    return match.group(1), int(match.group(2))


def term_of(day: date) -> str:
    """The school term a date falls in: VT for January–June, HT for July–December."""
    return f"{'VT' if day.month <= 6 else 'HT'}{day.year}"


def validate_indicator(indicator: Indicator) -> Indicator:
    """A known indicator, a valid term, a value within range; unit and term normalised."""
    spec = INDICATORS.get(indicator.indicator)
    if spec is None:
        known = ", ".join(INDICATORS)
        raise ValidationError(f'Okänt nyckeltal "{indicator.indicator}" (kända: {known}).')
    prefix, year = parse_term(indicator.term)
    value = _number(indicator.value)
    if value is None or value < 0:
        raise ValidationError(f"{spec.label}: värdet ska vara ett tal, noll eller större.")
    if spec.maximum is not None and value > spec.maximum:
        raise ValidationError(f"{spec.label}: värdet får vara högst {spec.maximum:g} {spec.unit}.")
    if spec.unit == "st" and value != int(value):
        raise ValidationError(f"{spec.label}: värdet ska vara ett heltal.")
    return Indicator(
        indicator.kommunkod,
        spec.name,
        f"{prefix}{year}",
        value,
        spec.unit,
        indicator.note,
        indicator.id,
        indicator.version,
        indicator.is_example,
    )

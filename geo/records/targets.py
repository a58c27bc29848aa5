"""Målformer: the status of a target with `per`, a milestone and an on-request commitment.

Format 2 of the promise file (`geo.records.promise_file`) adds these shapes to "minst N" and
"exakt N" per follow-up year, whose status is the pace rule of `geo.records.pace`. The
rules, in the words shown where the status is (`RULE_TEXTS`):

* **per halvår / tertial / period** (`{minst: 1, per: halvår}`): the target holds for every
  half-year (januari–juni, juli–december), tertial or the whole period, each cut to the
  follow-up year (the whole period for `period`). It is met only when every one of them
  meets it: a stretch that has ended short makes the commitment *Efter*, whatever the
  others did. While a stretch is running, its status is the pace rule within it.
* **klart_senast** (a milestone): *Klar* from the day the first activity toward it is logged
  (on that day's date), *Inte klar* before the date, *Försenad* after it.
* **vid_behov** (on request): counted, never a status; never *Efter*.

Pure: `today` is always passed in, never read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from geo.records.pace import PaceForecast, PaceStatus, pace_forecast, share_passed
from geo.records.periods import Period
from geo.records.progress import tertial_slices
from geo.records.promise import PromiseDocument, Target, TargetPer, TargetRule

RULE_TEXTS = {
    "per": (
        "**Mål per halvår, tertial eller period.** Målet gäller varje halvår (januari–juni, "
        "juli–december), tertial eller hela perioden för sig. Det är nått först när alla är "
        "nådda: ett halvår eller tertial som tagit slut utan att nå målet gör aktiviteten "
        "**Efter**, hur det än gick under de andra. Under ett pågående halvår eller tertial "
        "räknas takten inom det."
    ),
    TargetRule.BY_DATE.value: (
        "**Klart senast ett datum.** **Klar** från den dag den första aktiviteten mot målet "
        "loggas (det datumet visas). **Inte klar** före datumet, **Försenad** efter det."
    ),
    TargetRule.ON_REQUEST.value: (
        "**Vid behov.** Genomförda räknas och visas, men det finns inget antal att nå: "
        "aktiviteten blir aldrig Efter."
    ),
}


def rule_key(target: Target | None) -> str | None:
    """Which entry of `RULE_TEXTS` explains this target (None: the pace rule)."""
    if target is None:
        return None
    if target.rule in (TargetRule.BY_DATE, TargetRule.ON_REQUEST):
        return target.rule.value
    return "per" if slices_per(target) else None


def slices_per(target: Target) -> bool:
    """True when the target is checked stretch by stretch (halvår, tertial, period)."""
    return target.is_counted and target.per in (
        TargetPer.HALF_YEAR,
        TargetPer.TERTIAL,
        TargetPer.PERIOD,
    )


def half_year_slices(period: Period) -> list[Period]:
    """The half-years (jan–jun "våren", jul–dec "hösten") overlapping `period`, cut to it."""
    out = []
    for year in range(period.start.year, period.end.year + 1):
        for start, end, name in (
            (date(year, 1, 1), date(year, 6, 30), "våren"),
            (date(year, 7, 1), date(year, 12, 31), "hösten"),
        ):
            if start <= period.end and end >= period.start:
                out.append(Period(max(start, period.start), min(end, period.end), f"{name} {year}"))
    return out


def target_slices(target: Target, year: Period, doc: PromiseDocument) -> list[Period]:
    """The stretches a `per` target is checked in: of the follow-up year, or the period."""
    if target.per is TargetPer.HALF_YEAR:
        return half_year_slices(year)
    if target.per is TargetPer.TERTIAL:
        return tertial_slices(year)
    if target.per is TargetPer.PERIOD:
        return [Period(doc.period_start, doc.period_end, "hela perioden")]
    return [year]


def per_status(target: Target, counts: Sequence[tuple[Period, int]], today: date) -> PaceForecast:
    """The status of a `per` target from the count in each of its stretches, in order."""
    goal = target.count
    slices = tuple(counts)
    first, last = slices[0][0], slices[-1][0]
    share = share_passed(Period(first.start, last.end, ""), today)
    said = "; ".join(f"{n} av {goal} under {p.label}" for p, n in slices if p.start <= today)
    short = [(p, n) for p, n in slices if p.end < today and not target.is_met(n)]
    if short:
        period, n = short[0]
        text = f"Efter: {n} av {goal} under {period.label}, där målet inte nåddes."
        return PaceForecast(PaceStatus.BEHIND, None, None, share, text, slices=slices)
    if today < first.start:
        text = "Perioden för målet har inte börjat än."
        return PaceForecast(PaceStatus.ON_TRACK, None, 0.0, share, text, slices=slices)
    current = next(((p, n) for p, n in slices if p.contains(today)), None)
    if current is None:
        return PaceForecast(PaceStatus.ON_TRACK, None, None, share, f"Nått: {said}.", slices=slices)
    pace = pace_forecast(current[1], Target(target.rule, goal), current[0], today)
    text = f"{said}. {pace.text}".replace("löftesåret", current[0].label)
    return PaceForecast(pace.status, pace.forecast, pace.even_pace, share, text, slices=slices)


def milestone_status(target: Target, done_on: date | None, today: date) -> PaceForecast:
    """Klar (on the day the first activity toward it was logged), inte klar or försenad."""
    assert target.due is not None
    due = target.due
    if done_on is not None and done_on <= today:
        late = f", efter {due.isoformat()}" if done_on > due else ""
        text = f"Klar {done_on.isoformat()}{late}."
        return PaceForecast(PaceStatus.DONE, None, None, 1.0, text, done_on=done_on)
    if today > due:
        text = f"Försenad: skulle vara klar senast {due.isoformat()}."
        return PaceForecast(PaceStatus.LATE, None, None, 1.0, text)
    text = f"Inte klar: ska vara klar senast {due.isoformat()}."
    return PaceForecast(PaceStatus.NOT_DONE, None, None, 0.0, text)


def on_request_status(done: int) -> PaceForecast:
    """Vid behov: counted, no status (never Efter)."""
    return PaceForecast(
        None, None, None, 0.0, f"Vid behov: {done} genomförda (inget antal att nå)."
    )


def rule_keys(doc: PromiseDocument) -> list[str]:
    """Which rules of `RULE_TEXTS` to state beside a promise's statuses (after the pace rule,
    `RULE_TEXT`): each other shape the promise uses, once, in the order of `RULE_TEXTS`."""
    used = {rule_key(c.target) for c in doc.commitments}
    return [key for key in RULE_TEXTS if key in used]

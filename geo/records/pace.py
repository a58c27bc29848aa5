"""Takt: is a commitment on course to reach its yearly target?

The rule, in the words shown on the follow-up page (`RULE_TEXT`):

* *Jämn takt* by a day is the target times the share of the promise year that has passed
  (today included). Half-way through a year with "minst 10", jämn takt is 5.
* *Prognos* is what the pace so far gives by the end of the year:
  done ÷ share of the year passed, rounded down to whole activities.
* **I fas** (on track): the target is reached, or done is less than one activity short of
  jämn takt (activities come whole, so being 0.4 of an activity "behind" is being on pace).
* **Risk** (at risk): more than that behind, but the forecast reaches at least 75 % of the
  target.
* **Efter** (behind): the forecast reaches less than 75 % of the target.

Before the year starts nothing is due, so the status is *I fas* with no forecast. After the
year has ended the forecast is what was done, and a target not reached is *Efter*.
Commitments without a number have no status; the page shows what was done instead.

Pure: `today` is always passed in by the caller (the page or the CLI), never read here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from geo.records.labelled_enum import LabelledEnum
from geo.records.periods import Period
from geo.records.promise import Target

AT_RISK_SHARE = 0.75
"""A forecast reaching at least this share of the target is *Risk*, below it *Efter*."""

SLACK = 1.0
"""Being less than this many activities short of jämn takt still counts as *I fas*."""

RULE_TEXT = (
    "**Så räknas läget.** *Jämn takt* är målet gånger den andel av löftesåret som har gått. "
    "*Prognosen* är vad takten hittills ger till årets slut (genomförda ÷ andelen av året "
    "som gått, avrundat nedåt). **I fas**: målet är nått, eller det saknas mindre än en "
    "aktivitet mot jämn takt. **Risk**: mer än så efter, men prognosen når minst 75 % av "
    "målet. **Efter**: prognosen når under 75 % av målet. Före årets start är allt i fas; "
    "efter årets slut är ett mål som inte nåddes efter."
)


class PaceStatus(LabelledEnum):
    """Läge: the codes in `lofteskartan status --json` (stable for scripts), with labels."""

    ON_TRACK = "i_fas", "I fas"
    AT_RISK = "risk", "Risk"
    BEHIND = "efter", "Efter"
    # A milestone ({klart_senast: DATUM}, geo.records.targets) is done, not yet, or late.
    DONE = "klar", "Klar"
    NOT_DONE = "inte_klar", "Inte klar"
    LATE = "forsenad", "Försenad"


@dataclass(frozen=True)
class PaceForecast:
    """Prognos för en aktivitet i löftet: status, forecast and the sentence that explains it."""

    status: PaceStatus | None
    forecast: int | None
    even_pace: float | None
    share_passed: float
    text: str
    done_on: date | None = None
    slices: tuple[tuple[Period, int], ...] = ()


def share_passed(period: Period, today: date) -> float:
    """The share of `period` that has passed by the end of `today` (0 before, 1 after).

    Today counts as passed, because today's logged activities are already counted as done.
    """
    if today < period.start:
        return 0.0
    if today > period.end:
        return 1.0
    return ((today - period.start).days + 1) / period.days


def pace_forecast(done: int, target: Target | None, period: Period, today: date) -> PaceForecast:
    """The status of one commitment from the pace so far (see the module docstring).

    Parameters
    ----------
    done : activities done in `period` up to and including `today`.
    target : the commitment's yearly target, or None when the promise gives no number.
    period : the promise year.
    today : the day the forecast is made (injected; never read from the clock here).

    Returns
    -------
    PaceForecast with a status (None without a target), the forecast number of activities by
    the end of the period (None before it starts or without a target), jämn takt by today
    and a Swedish sentence such as "I den här takten blir 8 av 10 klara till årets slut."
    """
    share = share_passed(period, today)
    if target is None:
        return PaceForecast(None, None, None, share, f"{done} genomförda (inget antal i löftet).")
    goal = target.count
    even = goal * share
    if share == 0.0:
        return PaceForecast(PaceStatus.ON_TRACK, None, 0.0, share, "Löftesåret har inte börjat än.")
    if share == 1.0:
        status = PaceStatus.ON_TRACK if target.is_met(done) else PaceStatus.BEHIND
        verdict = "målet nåddes" if target.is_met(done) else "målet nåddes inte"
        return PaceForecast(
            status,
            done,
            even,
            share,
            f"Löftesåret är slut: {done} av {goal} blev klara, {verdict}.",
        )
    # The small epsilon keeps 5 / 0.5 from landing on 9.999… and being rounded down to 9.
    forecast = math.floor(done / share + 1e-9)
    if target.is_met(done):
        return PaceForecast(
            PaceStatus.ON_TRACK, forecast, even, share, f"Målet är nått: {done} av {goal}."
        )
    sentence = f"I den här takten blir {forecast} av {goal} klara till årets slut."
    if even - done < SLACK:
        status = PaceStatus.ON_TRACK
        if forecast < goal:
            sentence += " Mindre än en aktivitet efter jämn takt."
    elif forecast >= AT_RISK_SHARE * goal:
        status = PaceStatus.AT_RISK
    else:
        status = PaceStatus.BEHIND
    return PaceForecast(status, forecast, even, share, sentence)

"""Small Streamlit views shared by several pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from geo.followup.status import StatusReport, status_rows
from geo.records.pace import RULE_TEXT
from geo.records.promise import PromiseDocument
from geo.records.targets import RULE_TEXTS, rule_keys
from geo.swedish import count
from ui.text import plain

# Streamlit's coloured badges; the words carry the meaning, the colour only helps.
STATUS_BADGE = {
    "i_fas": ":green-badge[I fas]",
    "risk": ":orange-badge[Risk]",
    "efter": ":red-badge[Efter]",
    "klar": ":green-badge[Klar]",
    "inte_klar": ":orange-badge[Inte klar]",
    "forsenad": ":red-badge[Försenad]",
}


def commitment_table(report: StatusReport, promise_id: str | None) -> None:
    """One promise's commitments: text, who, target, done, remaining, with a progress bar."""
    rows = [r for r in status_rows(report) if r["promise"] == promise_id]
    if not rows:
        st.caption("Inga aktiviteter.")
        return
    doc = report.document
    kinds = {c.id: c.kind.label for c in doc.commitments}
    who = {c.id: doc.responsible_text(c) for c in doc.commitments}
    for r in rows:
        text, numbers = st.columns([3, 2], vertical_alignment="center")
        badge = STATUS_BADGE.get(r["status"] or "", "")
        text.markdown(
            f"{plain(r['title'])}  \n{badge} :gray[{plain(kinds[r['id']])} · {plain(who[r['id']])}]"
        )
        if isinstance(r["target"], dict):
            # A shape of format 2 (per halvår, klart senast, vid behov): its status sentence
            # says it better than a bar against one yearly number.
            numbers.markdown(
                f"**{done_text(r['done'])}** · planerat {r['planned']:d}  \n"
                f":gray[mål: {plain(r['target_text'])}]"
            )
            numbers.caption(plain(r["forecast_text"]))
        elif r["target"] is not None:
            numbers.progress(
                min(r["done"] / r["target"], 1.0) if r["target"] else 1.0,
                text=f"**{r['done']:d}** av {plain(r['target_text'])} · "
                f"kvar {plain(r['remaining'])} · planerat {r['planned']:d}",
            )
            numbers.caption(plain(r["forecast_text"]))
        else:
            numbers.markdown(
                f"**{done_text(r['done'])}** · planerat {r['planned']:d}  \n"
                ":gray[inget antal i löftet]"
            )


def done_text(done: int) -> str:
    """ "1 genomförd", "60 genomförda": the count beside a commitment without a yearly number."""
    return count(done, "genomförd", "genomförda")


def tabs_run_when_open(sections: Mapping[str, Callable[[], None]], key: str) -> None:
    """One tab per section (its label, what draws it); only the open tab runs and is drawn.

    Streamlit sends a closed tab's content anyway (`on_change="rerun"` and `.open` stop
    that), and a visit then fetched the code of every kind of widget in every tab before
    the page was whole. A section that needs values while its tab is closed keeps them with
    `ui.kept_fields.KeptFields` (Kontrollplatser's rotation).
    """
    labels = [plain(label) for label in sections]
    for tab, draw in zip(
        st.tabs(labels, key=key, on_change="rerun"), sections.values(), strict=True
    ):
        if tab.open:
            with tab:
                draw()


def panel_runs_when_open(label: str, key: str, draw: Callable[[], None]) -> None:
    """A closed panel (`st.expander`) whose content, `draw`, runs and is drawn only while open.

    As with `tabs_run_when_open`: Streamlit sends a closed panel's content anyway, and an
    uploader or a table in it made every visit fetch its code. Values used while the panel
    is closed are kept with `ui.kept_fields.KeptFields`.
    """
    with st.expander(plain(label), key=key, on_change="rerun") as panel:
        if panel.open:
            draw()


def show_rules(doc: PromiseDocument) -> None:
    """How the statuses are worked out: the pace rule and the rule of each other target shape
    the promise uses (our own words, `geo.records.targets.RULE_TEXTS`)."""
    st.markdown(RULE_TEXT)
    for key in rule_keys(doc):
        st.markdown(RULE_TEXTS[key])

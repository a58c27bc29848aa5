"""Export: kartor, mötesunderlag, data och uppföljning för polisen.se som filer."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from geo.disclosure.audience import (
    PUBLIC_RULES,
    Audience,
    ExportRequest,
    check_public_request,
)
from geo.errors import LofteskartanError
from geo.exports.followup_texts import followup_texts
from geo.exports.make import (
    EXPORT_CHOICES,
    MEETING_LIST_CHOICE,
    load_export_data,
)
from geo.store import now
from geo.swedish import today
from ui.entry import through_app
from ui.export_grid import internal_grid_rules
from ui.export_progress import export_files
from ui.state import current_actor, get_store, selection
from ui.text import plain, plain_label

through_app()

# Who asks and which store, captured during this run: the download buttons' callables run
# later in a worker thread without the run's context, where the session (and so the
# signed-in user, from a users file or OIDC) cannot be read.
actor = current_actor()
store = get_store()
sel = selection()
if sel is None:
    st.stop()
doc = sel.document
st.title("Export")
st.caption(
    "Ta fram kartor, mötesunderlag, data och uppföljning som filer. Filen skapas när du "
    "klickar på knappen."
)

audience = st.radio(
    "Vem är exporten till?",
    list(Audience),
    format_func=lambda a: (
        "Intern (allt du får se)"
        if a is Audience.INTERNAL
        else "Offentlig (får publiceras, t.ex. på polisen.se)"
    ),
    horizontal=True,
    key="export_audience",
)
if audience is Audience.PUBLIC:
    st.info(
        "Den offentliga versionen innehåller bara öppna uppgifter: inga anteckningar, inga "
        "enskilda aktiviteter eller tider (bara veckor), inga insatsplatser, aktiviteternas "
        "platser bara som antal per ruta, och antal under 3 visas som "
        '"visas inte". Planerat visas bara som poliskontorets öppettider.'
    )
else:
    st.warning("Intern version: exakta platser, tider och anteckningar. Får inte publiceras.")

left, middle, right = st.columns(3)
# A public file always covers the chosen promise year
# (geo.disclosure.audience.check_public_request).
public = audience is Audience.PUBLIC
start = left.date_input(
    "Från", sel.period.start, format="YYYY-MM-DD", key="export_from", disabled=public
)
end = middle.date_input(
    "Till", sel.period.end, format="YYYY-MM-DD", key="export_to", disabled=public
)
if public:
    start, end = sel.period.start, sel.period.end
meeting = right.date_input(
    "Mötesdatum (för mötesunderlaget)",
    min(today(), sel.period.end + timedelta(days=1)),
    format="YYYY-MM-DD",
    key="export_meeting",
)
if audience is Audience.PUBLIC:
    # Fixed, so that public files cannot be laid over each other to show more
    # (geo.disclosure.audience).
    rules = PUBLIC_RULES
    st.info(
        f"Offentliga exporter gäller alltid ett helt löftesår, räknar till och med det senast "
        f"avslutade tertialet och visar aktiviteter som antal per ruta om "
        f"{PUBLIC_RULES.cell_size_m:g} m, så att flera filer inte kan jämföras för att få "
        "fram mer än var och en visar."
    )
else:
    rules = internal_grid_rules()

try:
    template = ExportRequest(
        audience, start, end, now(), rules, document_id=doc.id, meeting_date=meeting
    )
    if public:
        check_public_request(doc, template)
except LofteskartanError as exc:
    st.error(plain(exc))
    st.stop()


choices = list(EXPORT_CHOICES)
if not public and st.checkbox(
    "Hela aktivitetslistan sedan förra mötet som CSV, bredvid mötesunderlaget",
    key="export_meeting_list",
):
    choices.append(MEETING_LIST_CHOICE)
export_files(store, actor, template, choices, doc.kommun_name)

if st.toggle("Visa uppföljningstexterna här", key="export_preview"):
    data = load_export_data(store, actor, template)
    for text in followup_texts(data):
        st.text_area(
            plain_label(text.title), text.text, height=300, key=f"followup_{text.file_name}"
        )

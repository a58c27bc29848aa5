"""Shared Streamlit state: the store, who is using the app, the chosen document and year."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from geo.disclosure.access import Role
from geo.errors import LofteskartanError, NotFoundError
from geo.records.models import Actor
from geo.records.periods import Period, promise_for_day, promise_year_containing, promise_years
from geo.records.promise import PromiseDocument
from geo.store import Store, database_url
from geo.swedish import today
from ui.auth import require
from ui.text import plain


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    """One engine (connection pool) per database URL for the whole server."""
    return Store(url)


def get_store() -> Store:
    """The store for `LOFTESKARTAN_DB` (or the default SQLite file)."""
    return _store(database_url())


@st.cache_data(show_spinner=False, max_entries=8)
def _has_example_data(url: str, actor: Actor, stamp: str) -> bool:
    """Whether example data is stored, once per change of the data (url and stamp: the key).

    The question reads the whole activities table when there is none (no index holds the
    flag): 10 ms at 100,000 activities, ten times that at a million, on every page run.
    """
    del stamp  # only part of the cache key
    with _store(url).session(actor) as s:
        return s.has_example_data()


def current_actor() -> Actor:
    """Who uses this session (see ui/auth.py); shows the sign-in page and stops when nobody is.

    Only during a script run: it reads the session. A callable that runs later (a download
    button's data) must be given the actor read during the run.
    """
    return require(Role.VIEWER)


@dataclass(frozen=True)
class Selection:
    """What the sidebar chose: one promise document and one promise year."""

    document: PromiseDocument
    period: Period


def selection() -> Selection | None:
    """The document and year chosen in the sidebar; shows a clear error when there is none."""
    store = get_store()
    try:
        store.require_schema()
        with store.session(current_actor()) as s:
            # Only the promises this user works on (geo.disclosure.access.may_work_on); a
            # promise asked for by id that belongs to another kommun is refused by the store.
            docs = s.promise_documents()
            asked = st.session_state.get("document_id")
            if asked is not None and asked not in {d.id for d in docs}:
                try:
                    s.promise_document(asked)
                except NotFoundError:  # removed since it was chosen: choose again
                    del st.session_state["document_id"]
            # Keyed by the store's stamp, which moves with every change (an import, removing
            # the example data): never a warning that is no longer true.
            stamp = s.activities_stamp()
        has_examples = _has_example_data(store.url, current_actor(), stamp)
    except LofteskartanError as exc:
        st.error(plain(str(exc)))
        return None
    if not docs:
        st.error(
            "Det finns inget medborgarlöfte för din organisation. Kör `lofteskartan init` "
            "med löftesfilen, eller be en administratör om rätt organisation."
        )
        return None
    by_id = {d.id: d for d in docs}
    doc_id = st.sidebar.selectbox(
        "Medborgarlöfte",
        list(by_id),
        index=list(by_id).index(promise_for_day(docs, today()).id),
        format_func=lambda i: by_id[i].title,
        key="document_id",
    )
    doc = by_id[doc_id]
    years = promise_years(doc)
    default = promise_year_containing(doc, today())
    period = st.sidebar.selectbox(
        "Löftesår",
        years,
        index=years.index(default),
        format_func=lambda p: f"{p.label} ({p.start:%Y-%m-%d} – {p.end:%Y-%m-%d})",
        key=f"year_{doc.id}",
    )
    st.sidebar.caption(f"{plain(doc.kommun_name)} · {plain(doc.police_area)}")
    if has_examples:
        st.sidebar.warning(
            'Databasen innehåller **exempeldata** (namn som börjar med "Exempel"). '
            "Platserna är påhittade och inga verkliga adresser."
        )
    return Selection(doc, period)

"""The Export page's files: a download button each, or, for a long export, a progress bar
first.

A download button's own callable runs later in a worker thread, outside the run, where no
element can be drawn; an export of tens of thousands of activities takes long enough that
the user should see it come along. So from `LARGE_EXPORT` activities the page makes the
chosen file in the run (`geo.exports.make.make_export` with a progress callback) and then
offers it for download.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import streamlit as st

from geo.disclosure.audience import ExportRequest
from geo.errors import LofteskartanError
from geo.exports import make
from geo.exports.make import ExportChoice, make_export
from geo.records.models import Actor
from geo.store import Store, now
from geo.swedish import count
from ui.auth import guarded_download
from ui.progress import progress_bar
from ui.text import plain


def export_files(
    store: Store,
    actor: Actor,
    template: ExportRequest,
    choices: Sequence[ExportChoice],
    kommun: str,
) -> None:
    """A download button per export, each file made when its button is clicked; from
    `LARGE_EXPORT` activities one export at a time with a progress bar (`large_export`)."""
    activities = make.activities_to_export(store, actor, template)
    if activities >= make.LARGE_EXPORT:  # read at the call: tests set a low threshold
        large_export(store, actor, template, choices, activities)
        return
    for n, choice in enumerate(choices):
        button, text = st.columns([2, 3], vertical_alignment="center")
        button.download_button(
            f"Export: {choice.label}",
            data=_producer(store, actor, template, choice),
            file_name=make.file_name_for(
                kommun, template.audience, choice.format, now(), choice.options.density_png
            ),
            mime=choice.format.mime,
            on_click="ignore",
            key=f"export_{n}",
            icon=":material/download:",
            width="stretch",
        )
        text.caption(plain(choice.description))


def _producer(
    store: Store, actor: Actor, template: ExportRequest, choice: ExportChoice
) -> Callable[[], bytes]:
    """The bytes, made when the button is clicked (with that moment as the export time).

    The store and the actor are the ones captured during the page's run: the button's
    callable runs later in a worker thread, where the session cannot be read.
    """

    @guarded_download
    def produce() -> bytes:
        request = replace(template, made_at=now())
        return make_export(store, actor, choice.format, request, choice.options).payload

    return produce


def large_export(
    store: Store, actor: Actor, template: ExportRequest, choices: Sequence[ExportChoice], n: int
) -> None:
    """Pick an export, make it with a progress bar, and offer the file."""
    st.info(
        f"Löftet har {count(n, 'aktivitet', 'aktiviteter')}: en export tar en stund. Välj "
        "vilken, klicka på Gör exporten och följ hur långt den har kommit."
    )
    choice = st.selectbox(
        "Vilken export?", list(choices), format_func=lambda c: c.label, key="export_large"
    )
    st.caption(plain(choice.description))
    if not st.button("Gör exporten", key="export_large_make", icon=":material/build:"):
        return
    bar = progress_bar("Läser aktiviteter:")
    try:
        request = replace(template, made_at=now())
        result = make_export(store, actor, choice.format, request, choice.options, bar)
    except LofteskartanError as exc:
        bar.clear()
        st.error(plain(exc))
        return
    bar.finish(f"Klar: {result.summary}")
    st.download_button(
        f"Ladda ned: {choice.label}",
        data=result.payload,
        file_name=result.file_name,
        mime=result.mime,
        on_click="ignore",
        key="export_large_download",
        icon=":material/download:",
    )

"""Saving from a form so that nothing the user typed is lost when the save is refused.

Two planners may edit the same place or plan at once. The store refuses the second save
(ConflictError, optimistic version check) and that user must see why, with their input
still on screen to copy or save again. Streamlit keeps widget values between reruns as long
as the widgets keep their keys and the form is not cleared, so:

- give every input a `key`, and do not use `st.form(clear_on_submit=True)`;
- call `save_or_keep(...)` with the save; it shows the outcome and returns the saved
  record, or None when nothing was saved (the inputs are untouched);
- clear inputs yourself only after a successful save, if at all.

    with st.form("place"):
        name = st.text_input("Namn", value=place.name, key=f"name_{place.id}")
        submitted = st.form_submit_button("Spara")
    if submitted:
        save_or_keep(lambda s: s.update_place(replace(place, name=name)), "Platsen sparades.")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from geo.errors import ConflictError, LofteskartanError, NotFoundError, PermissionDenied
from geo.store import Session
from ui.state import current_actor, get_store
from ui.text import plain

T = TypeVar("T")

CONFLICT_HELP = (
    "Det du skrev finns kvar i formuläret. Kopiera det du vill behålla, ladda om sidan "
    "(så ser du den andras ändringar) och spara igen."
)


def save_or_keep(save: Callable[[Session], T], success: str) -> T | None:
    """Run `save` in one unit of work for the signed-in user and show how it went.

    Returns what `save` returned, or None when the store refused (the message says why:
    someone else saved first, the record is gone, the role does not allow it, or the
    input breaks a rule). Nothing is written when it returns None.
    """
    try:
        with get_store().session(current_actor()) as s:
            result = save(s)
    except ConflictError as exc:
        st.error(f"**Inte sparat.** {plain(exc)}\n\n{CONFLICT_HELP}", icon="⚠️")
        return None
    except NotFoundError as exc:
        st.error(f"**Inte sparat.** {plain(exc)} Någon kan ha tagit bort den; ladda om sidan.")
        return None
    except PermissionDenied as exc:
        st.error(f"**Inte sparat.** {plain(exc)}")
        return None
    except LofteskartanError as exc:
        st.error(f"**Inte sparat.** {plain(exc)}")
        return None
    st.success(plain(success))
    return result

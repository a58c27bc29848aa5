"""Streamlit glue for a finding's photo: pick one (file or phone camera), see it, remove it.

A picked file is cleaned at once (`geo.files.photos.clean_photo`: no EXIF or GPS, upright, at most
1600 px), so the page shows the picture exactly as it will be stored, and a file that is not
a usable image is refused before the planner presses save.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from geo.files.limits import MB, Limits
from geo.files.photos import PHOTO_RULE, Photo, PhotoError, clean_photo
from geo.records.models import Finding
from geo.store import Session
from ui.planning import write
from ui.state import current_actor, get_store
from ui.text import plain, plain_label

_CLEANED = "_cleaned_photos"  # session state: picker key -> (file id, PhotoChoice)
THUMBNAIL_WIDTH = 240


@dataclass(frozen=True)
class PhotoChoice:
    """What a picker holds: a cleaned photo, a refusal (Swedish), or nothing."""

    photo: Photo | None = None
    error: str | None = None


def _generation(key: str) -> int:
    return int(st.session_state.get(f"{key}_generation", 0))


def photo_picker(key: str, label: str) -> PhotoChoice:
    """A file uploader (JPEG/PNG) and, on request, the camera; shows the cleaned picture."""
    # A new widget key after a save gives an empty uploader for the next finding.
    generation = _generation(key)
    uploaded = st.file_uploader(
        plain_label(label),
        type=["jpg", "jpeg", "png"],
        key=f"{key}_file_{generation}",
        help=f"JPEG eller PNG, högst {Limits.from_env().max_photo_bytes // MB:d} MB. "
        "På mobilen kan du ta bilden direkt med kameran.",
    )
    st.caption(PHOTO_RULE)
    shot = None
    # The camera only when asked for: it asks the browser for the camera at once.
    if st.toggle("Ta foto med kameran", key=f"{key}_camera_on_{generation}"):
        shot = st.camera_input("Kamera", key=f"{key}_camera_{generation}")
    chosen = shot or uploaded
    if chosen is None:
        return PhotoChoice()
    cleaned: dict[str, tuple[str, PhotoChoice]] = st.session_state.setdefault(_CLEANED, {})
    held = cleaned.get(key)
    if held is None or held[0] != chosen.file_id:
        try:
            choice = PhotoChoice(photo=clean_photo(chosen.getvalue(), chosen.name))
        except PhotoError as exc:
            choice = PhotoChoice(error=f"{exc} Ta bort filen (×) eller välj en annan bild.")
        cleaned[key] = (chosen.file_id, choice)
    choice = cleaned[key][1]
    if choice.error:
        st.error(plain(choice.error))
    elif choice.photo is not None:
        st.image(
            choice.photo.thumbnail,
            width=THUMBNAIL_WIDTH,
            caption=f"Sparas så här (utan platsuppgifter): {plain(choice.photo.describe())}",
        )
    return choice


def forget_photo(key: str) -> None:
    """Empty a picker once its photo is saved."""
    st.session_state[f"{key}_generation"] = _generation(key) + 1
    st.session_state.get(_CLEANED, {}).pop(key, None)


def stored_photo(finding: Finding, thumbnail: bytes) -> None:
    """A finding's stored photo: thumbnail, full size on request, and a remove button."""
    st.image(thumbnail, width=THUMBNAIL_WIDTH, caption="Foto")
    c1, c2 = st.columns(2)
    if c1.toggle("Visa i full storlek", key=f"fd_photo_full_{finding.id}"):
        with get_store().session(current_actor()) as s:
            photo = s.finding_photo(finding.id or 0)
        if photo is not None:
            st.image(photo.data, caption=plain(photo.describe()))
    if c2.button("Ta bort foto", key=f"fd_photo_remove_{finding.id}"):

        def remove(s: Session) -> str:
            s.remove_finding_photo(finding)
            return "Fotot är borttaget."

        write(remove)

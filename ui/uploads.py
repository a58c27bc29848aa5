"""Uploaded files: read through geo.limits so every upload widget has the same limits.

`.streamlit/config.toml` sets `server.maxUploadSize` (MB) so the browser refuses what is
too large before sending it; `read_upload` checks `LOFTESKARTAN_MAX_UPLOAD_MB` and the
file's first bytes against its extension before a page hands the bytes to an importer.
"""

from __future__ import annotations

from typing import Any

from geo.limits import Limits, check_magic, read_stream


def read_upload(uploaded: Any, limits: Limits | None = None) -> bytes:
    """The bytes of a `st.file_uploader` file, after the size and type checks.

    Raises
    ------
    ImportFileError
        Too large, or not what its extension says (Swedish message for `st.error`).
    """
    limits = limits or Limits.from_env()
    data = read_stream(uploaded, uploaded.name, getattr(uploaded, "size", None), limits)
    check_magic(data[:512], uploaded.name)
    return data

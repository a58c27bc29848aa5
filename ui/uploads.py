"""Uploaded files: read through geo.files.limits so every upload widget has the same limits.

`.streamlit/config.toml` sets `server.maxUploadSize` (MB) so the browser refuses what is
too large before sending it; `read_upload` checks `LOFTESKARTAN_MAX_UPLOAD_MB` (and, when
given, the import's own limit such as `geo.files.limits.EVENTS_LIMIT`) from the upload's size,
and the file's first bytes against its extension, before a page hands the bytes to an
importer. The importers check their limit again, so a page that passes
`upload.getvalue()` directly is still bounded.
"""

from __future__ import annotations

from typing import Any

from geo.files.limits import FileLimit, Limits, check_magic, read_stream


def read_upload(
    uploaded: Any, limits: Limits | None = None, limit: FileLimit | None = None
) -> bytes:
    """The bytes of a `st.file_uploader` file, after the size and type checks.

    Raises
    ------
    ImportFileError
        Too large, or not what its extension says (Swedish message for `st.error`).
    """
    limits = limits or Limits.from_env()
    size = getattr(uploaded, "size", None)
    if limit is not None and size is not None:
        limit.check(int(size), uploaded.name)  # before a byte is read
    data = read_stream(uploaded, uploaded.name, size, limits)
    if limit is not None:
        limit.check(len(data), uploaded.name)
    check_magic(data[:512], uploaded.name)
    return data

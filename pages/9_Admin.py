"""Administration: the audit log (who changed what, when), users, promise files, base layers."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.disclosure.access import Role
from ui.admin_panels import audit_log_panel, base_layer_panel, promise_panel, users_panel
from ui.auth import require
from ui.background_panel import background_panel
from ui.entry import through_app
from ui.views import tabs_run_when_open

through_app()

actor = require(Role.ADMIN)
st.title("Administration")


SECTIONS: dict[str, Callable[[], None]] = {
    "Ändringslogg": lambda: audit_log_panel(actor),
    "Användare": users_panel,
    "Medborgarlöften": lambda: promise_panel(actor),
    "Baslager": lambda: base_layer_panel(actor),
    "Bakgrundskarta": lambda: background_panel(actor),
}
tabs_run_when_open(SECTIONS, key="admin_flik")

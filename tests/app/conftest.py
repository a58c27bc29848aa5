"""What the AppTests of Logga's findings share: the demo database and the findings view."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.records.models import Actor
from tests.common import REPO_ROOT, demo_database

LOGGA = REPO_ROOT / "pages" / "4_Logga.py"


@pytest.fixture
def findings_db(tmp_path: Path) -> str:
    """The demo database, with its logged safety walks and their findings."""
    return demo_database(tmp_path / "demo.sqlite", Actor("test"))


@pytest.fixture
def findings_view(findings_db: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """Logga on the demo database, showing its findings and the form for a new one."""
    monkeypatch.setenv("LOFTESKARTAN_DB", findings_db)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(str(LOGGA.relative_to(REPO_ROOT)))
    at.run()
    at.radio(key="log_view").set_value("Iakttagelser").run()
    assert not at.exception and not at.error
    return at

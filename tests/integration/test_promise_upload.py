"""An administrator uploads a promise file in the app: checked first, stored in one go.

Every test runs on SQLite and on PostGIS (``db_url``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from geo.errors import PermissionDenied, PromiseFileError
from geo.installation.init import read_promise_upload, save_promise_upload
from geo.records.models import Actor
from geo.store import Store
from tests.common import ANEBY_PROMISE, TRANAS_PROMISE_YAML, table_counts

ADMIN = Actor("admin.aneby", role="admin")
VIEWER = Actor("lasare", role="viewer", organisation="kommun")


pytestmark = pytest.mark.store_starts("demo")


def test_another_kommuns_promise_is_stored_with_its_boundary(store: Store) -> None:
    doc, text = read_promise_upload(TRANAS_PROMISE_YAML.encode("utf-8"), "tranas.yaml")

    lines = save_promise_upload(store, ADMIN, "tranas.yaml", text)

    assert lines[0] == "Medborgarlöftet tranas-2024-2025 (Tranås kommun) lästes in."
    assert 'Baslagret "Kommungräns Tranås kommun" lästes in (1 objekt).' in lines
    with store.session(ADMIN) as s:
        assert [d.id for d in s.promise_documents()] == ["tranas-2024-2025", "aneby-2023-2024"]
        assert "kommun_0687" in {layer.name for layer in s.base_layers()}
    assert save_promise_upload(store, ADMIN, "tranas.yaml", text) == [
        "Medborgarlöftet tranas-2024-2025 (Tranås kommun) är redan inläst."
    ]


def test_a_file_from_excel_with_a_bom_is_read(store: Store) -> None:
    doc, _ = read_promise_upload(b"\xef\xbb\xbf" + TRANAS_PROMISE_YAML.encode(), "t.yaml")
    assert doc.kommun_name == "Tranås kommun"


def test_a_file_not_saved_as_utf8_is_refused_in_swedish() -> None:
    with pytest.raises(PromiseFileError, match="inte sparad som UTF-8"):
        read_promise_upload(TRANAS_PROMISE_YAML.encode("cp1252"), "tranas.yaml")


def test_a_mistake_is_reported_with_its_line_before_anything_is_written() -> None:
    bad = TRANAS_PROMISE_YAML.replace("typ: närvaro", "typ: narvaro").encode("utf-8")
    with pytest.raises(PromiseFileError, match=r"tranas\.yaml, rad \d+"):
        read_promise_upload(bad, "tranas.yaml")


def test_a_file_whose_kommun_name_and_code_disagree_is_refused_and_nothing_is_written(
    store: Store, db_url: str
) -> None:
    mala = TRANAS_PROMISE_YAML.replace("Tranås kommun", "Malå kommun").replace('"0687"', '"0604"')
    before = table_counts(db_url)

    with pytest.raises(PromiseFileError) as refused:
        doc, text = read_promise_upload(mala.encode("utf-8"), "mala.yaml")
    with pytest.raises(PromiseFileError):
        save_promise_upload(store, ADMIN, "mala.yaml", mala)

    assert 'namnet "Malå kommun" och kommunkoden "0604" hör inte ihop' in str(refused.value)
    assert "0604 är Aneby enligt SCB (Malå har kommunkoden 2418)" in str(refused.value)
    assert table_counts(db_url) == before


def without_commitment(text: str, commitment_id: str) -> str:
    """The promise text with one commitment's block (from its `- id:` to the next) removed."""
    start = text.index(f"  - id: {commitment_id}\n")
    ends = [i for i in (text.find("\n  - id: ", start), text.find("\n\n", start)) if i > 0]
    return text[:start] + text[min(ends, default=len(text)) + 1 :]


def test_a_new_version_that_drops_a_commitment_with_logged_work_is_refused(
    store: Store, db_url: str
) -> None:
    text = without_commitment(ANEBY_PROMISE.read_text(encoding="utf-8"), "riktade-insatser")
    before = table_counts(db_url)

    with pytest.raises(PromiseFileError) as refused:
        save_promise_upload(store, ADMIN, ANEBY_PROMISE.name, text)

    # The demo logs its interventions without naming the commitment: they count toward
    # the document's only commitment of that kind, which this version no longer has.
    assert str(refused.value).startswith(
        '9 genomförda av typen narkotikainsats räknas i dag till aktiviteten "riktade-insatser"'
    )
    assert table_counts(db_url) == before
    with store.session(ADMIN) as s:
        ids = {c.id for c in s.promise_document("aneby-2023-2024").commitments}
    assert "riktade-insatser" in ids


def test_a_dropped_commitment_named_by_a_plan_is_refused(store: Store) -> None:
    with store.session(ADMIN) as s:
        plan = s.list_planned()[0]
        doc = s.promise_document("aneby-2023-2024")
        named = next(c for c in doc.commitments if c.kind is plan.kind)
        s.update_planned(replace(plan, commitment_id=named.id))
    text = without_commitment(ANEBY_PROMISE.read_text(encoding="utf-8"), named.id)

    with pytest.raises(
        PromiseFileError, match=f'saknar aktiviteten "{named.id}", som har 1 planerad'
    ):
        save_promise_upload(store, ADMIN, ANEBY_PROMISE.name, text)


def test_renaming_the_only_commitment_of_a_kind_keeps_its_activities_counted(
    store: Store,
) -> None:
    text = ANEBY_PROMISE.read_text(encoding="utf-8")
    renamed = text.replace("  - id: riktade-insatser\n", "  - id: insatser-2024\n")
    assert save_promise_upload(store, ADMIN, ANEBY_PROMISE.name, renamed) == [
        "Medborgarlöftet aneby-2023-2024 (Aneby kommun) lästes in."
    ]


def test_a_new_version_that_keeps_every_used_commitment_replaces_the_old(store: Store) -> None:
    text = ANEBY_PROMISE.read_text(encoding="utf-8")
    edited = text.replace(
        "titel: Medborgarlöfte i Aneby kommun 2023-2024",
        "titel: Medborgarlöfte i Aneby kommun 2023-2024 (rättad)",
    )
    lines = save_promise_upload(store, ADMIN, ANEBY_PROMISE.name, edited)
    assert lines == ["Medborgarlöftet aneby-2023-2024 (Aneby kommun) lästes in."]
    with store.session(ADMIN) as s:
        assert s.promise_document("aneby-2023-2024").title.endswith("(rättad)")


def test_only_an_administrator_may_upload_a_promise(store: Store) -> None:
    with pytest.raises(PermissionDenied):
        save_promise_upload(store, VIEWER, "tranas.yaml", TRANAS_PROMISE_YAML)

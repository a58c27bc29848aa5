"""A finding's photo in the store: attached, replaced, removed, audited, backed up; both backends.

The photo is stored as `geo.files.photos.clean_photo` made it (no EXIF, no GPS), only planners
who may see the finding can attach or remove it, the audit log says that it happened (never
the bytes), and a backup restores it byte for byte.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from shapely.geometry import Point

from geo.errors import ConflictError, NotFoundError, PermissionDenied
from geo.files.photos import Photo, PhotoError, clean_photo
from geo.planning.use_cases import add_finding
from geo.records.models import Finding
from geo.store import Store
from geo.store.backup import backup, restore
from tests.photo_files import halves, noise, phone_jpeg
from tests.trust import (
    ADMIN_POLICE,
    PLANNER_KOMMUN,
    PLANNER_POLICE,
    VIEWER_POLICE,
    X0,
    Y0,
    Seeded,
    drop_database,
    new_postgis_database,
    seed,
)


@pytest.fixture(scope="module")
def photo() -> Photo:
    return clean_photo(phone_jpeg(noise(800, 600), orientation=6), "IMG_0042.jpg")


@pytest.fixture(scope="module")
def other_photo() -> Photo:
    return clean_photo(phone_jpeg(halves(400, 300)), "IMG_0043.jpg")


pytestmark = pytest.mark.store_starts("empty")


@pytest.fixture
def ids(store: Store) -> Seeded:
    return seed(store)


def photo_rows(store: Store) -> int:
    with store.session(ADMIN_POLICE) as s:
        return s.count("finding_photos")


def photo_audit(store: Store) -> list[dict[str, object]]:
    with store.session(ADMIN_POLICE) as s:
        entries = s.audit_log(table_name="findings")
    return [e for e in reversed(entries) if str(e["action"]).startswith("photo_")]


def test_a_planner_attaches_a_photo_and_the_stored_bytes_are_the_cleaned_ones(
    store: Store, ids: Seeded, photo: Photo
) -> None:
    with store.session(PLANNER_POLICE) as s:
        finding = s.get_finding(ids.findings[0])
        assert not finding.has_photo
        saved = s.set_finding_photo(finding, photo)
    assert (saved.version, saved.has_photo) == (finding.version + 1, True)

    with store.session(PLANNER_KOMMUN) as s:
        stored = s.finding_photo(ids.findings[0])
        listed = {f.id: f.has_photo for f in s.list_findings()}
        thumbnails = s.finding_thumbnails([ids.findings[0]])
    assert stored == photo
    assert Image.open(io.BytesIO(stored.data)).getexif() == {}
    assert b"GPS" not in stored.data
    assert listed == {ids.findings[0]: True}  # the kommun does not see the sekretess one
    assert thumbnails == {ids.findings[0]: photo.thumbnail}


def test_the_audit_log_says_a_photo_was_added_replaced_and_removed_but_never_holds_it(
    store: Store, ids: Seeded, photo: Photo, other_photo: Photo
) -> None:
    with store.session(PLANNER_POLICE) as s:
        finding = s.get_finding(ids.findings[0])
        finding = s.set_finding_photo(finding, photo)
        finding = s.set_finding_photo(finding, other_photo)
        finding = s.remove_finding_photo(finding)
    assert not finding.has_photo
    assert photo_rows(store) == 0

    entries = photo_audit(store)
    assert [(e["action"], e["actor"], e["record_id"]) for e in entries] == [
        ("photo_added", "planerare@polis", str(ids.findings[0])),
        ("photo_replaced", "planerare@polis", str(ids.findings[0])),
        ("photo_removed", "planerare@polis", str(ids.findings[0])),
    ]
    assert entries[0]["before"] is None
    assert entries[0]["after"] == {"foto": photo.describe(), "sha256": photo.sha256}
    assert entries[1]["before"] == entries[0]["after"]
    assert entries[1]["after"] == {"foto": other_photo.describe(), "sha256": other_photo.sha256}
    assert (entries[2]["before"], entries[2]["after"]) == (entries[1]["after"], None)


def test_a_viewer_cannot_attach_or_remove_a_photo(store: Store, ids: Seeded, photo: Photo) -> None:
    with store.session(VIEWER_POLICE) as s:
        finding = s.get_finding(ids.findings[0])
        with pytest.raises(PermissionDenied):
            s.set_finding_photo(finding, photo)
    with store.session(PLANNER_POLICE) as s:
        finding = s.set_finding_photo(s.get_finding(ids.findings[0]), photo)
    with store.session(VIEWER_POLICE) as s:
        with pytest.raises(PermissionDenied):
            s.remove_finding_photo(finding)
        assert s.finding_photo(ids.findings[0]) == photo  # but may look at it
    assert len(photo_audit(store)) == 1


def test_a_sekretess_finding_and_its_photo_do_not_exist_for_the_kommun(
    store: Store, ids: Seeded, photo: Photo
) -> None:
    with store.session(PLANNER_POLICE) as s:
        secret = s.set_finding_photo(s.get_finding(ids.findings[1]), photo)
    with store.session(PLANNER_KOMMUN) as s:
        with pytest.raises(NotFoundError):
            s.finding_photo(ids.findings[1])
        with pytest.raises(NotFoundError):
            s.remove_finding_photo(secret)
        with pytest.raises(NotFoundError):
            s.set_finding_photo(secret, photo)
        assert s.finding_thumbnails(ids.findings) == {}


def test_a_photo_saved_over_someone_elses_change_is_refused_and_nothing_is_written(
    store: Store, ids: Seeded, photo: Photo
) -> None:
    with store.session(PLANNER_POLICE) as s:
        opened = s.get_finding(ids.findings[0])
        s.update_finding(replace(opened, action="Byt lampan"))
    with pytest.raises(ConflictError), store.session(PLANNER_POLICE) as s:
        s.set_finding_photo(opened, photo)
    assert photo_rows(store) == 0
    assert photo_audit(store) == []


def test_a_new_finding_and_its_photo_are_stored_together(
    store: Store, ids: Seeded, photo: Photo
) -> None:
    finding = Finding(ids.activities[0], "nedskräpning", Point(X0 + 300, Y0), "Skräp vid bänk")
    with store.session(PLANNER_POLICE) as s:
        stored = add_finding(s, finding, photo)
    assert stored.has_photo and stored.version == 2
    with store.session(PLANNER_POLICE) as s:
        assert s.finding_photo(stored.id or 0) == photo


def test_a_bad_file_is_refused_before_the_finding_is_written(store: Store, ids: Seeded) -> None:
    finding = Finding(ids.activities[0], "nedskräpning", Point(X0 + 300, Y0))
    with store.session(PLANNER_POLICE) as s:
        before = len(s.list_findings())
    with pytest.raises(PhotoError), store.session(PLANNER_POLICE) as s:
        add_finding(s, finding, clean_photo(b"inte en bild", "foto.jpg"))
    with store.session(PLANNER_POLICE) as s:
        assert len(s.list_findings()) == before
    assert photo_rows(store) == 0


@pytest.fixture
def target_url(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> str:
    """A second, empty database on the same backend as `db_url`."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'target.sqlite'}"
    server = request.getfixturevalue("postgis_server")
    url, name = new_postgis_database(server)
    request.addfinalizer(lambda: drop_database(server, name))
    return url


def test_backup_and_restore_give_the_photo_back_byte_for_byte(
    store: Store, ids: Seeded, photo: Photo, target_url: str, tmp_path: Path
) -> None:
    with store.session(PLANNER_POLICE) as s:
        s.set_finding_photo(s.get_finding(ids.findings[0]), photo)
    summary = backup(store, ADMIN_POLICE, tmp_path / "kopia.gpkg")
    assert summary.rows["finding_photos"] == 1

    target = Store(target_url)
    try:
        restore(target, ADMIN_POLICE, tmp_path / "kopia.gpkg")
        with target.session(PLANNER_POLICE) as s:
            restored = s.finding_photo(ids.findings[0])
            assert s.get_finding(ids.findings[0]).has_photo
    finally:
        target.dispose()
    assert restored is not None
    assert restored.data == photo.data
    assert restored.thumbnail == photo.thumbnail
    assert restored.sha256 == photo.sha256

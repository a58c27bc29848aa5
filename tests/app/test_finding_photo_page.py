"""On the log page a planner attaches a photo to a finding, replaces and removes it (AppTest)."""

from __future__ import annotations

import io

from PIL import Image
from streamlit.testing.v1 import AppTest

from geo.files.photos import PHOTO_RULE
from geo.records.models import Actor, FindingStatus
from geo.store import Store
from tests.common import finding_field
from tests.markdown import shown
from tests.photo_files import LATITUDE, halves, noise, phone_jpeg

ADMIN = Actor("test")


def stored(db_url: str) -> dict[str, object]:
    """What the database holds: findings, photos, photo audit entries, the photos' bytes."""
    store = Store(db_url)
    try:
        with store.session(ADMIN) as s:
            findings = s.list_findings()
            photos = {f.id: s.finding_photo(f.id or 0) for f in findings if f.has_photo}
            audit = [e["action"] for e in s.audit_log(table_name="findings", limit=None)]
        return {
            "findings": len(findings),
            "photos": photos,
            "audit": sorted(a for a in audit if a.startswith("photo_")),
        }
    finally:
        store.dispose()


def image_captions(at: AppTest) -> list[str]:
    return [caption for image in at.get("image") for caption in image.captions]  # type: ignore[attr-defined]


def open_finding_id(db_url: str) -> int:
    store = Store(db_url)
    try:
        with store.session(ADMIN) as s:
            return next(f.id for f in s.list_findings() if f.status is FindingStatus.OPEN) or 0
    finally:
        store.dispose()


def test_a_new_finding_is_saved_with_its_photo_and_without_the_phones_gps_position(
    findings_view: AppTest, findings_db: str
) -> None:
    at = findings_view
    before = stored(findings_db)
    assert PHOTO_RULE in [c.value for c in at.caption]
    assert "Fotografera inte människor eller registreringsskyltar." in PHOTO_RULE

    upload = phone_jpeg(noise(800, 600), orientation=6)
    at.file_uploader(key="fd_new_photo_file_0").set_value(("IMG_0042.jpg", upload, "image/jpeg"))
    at.run()
    assert not at.error and not at.exception
    (preview,) = [shown(c) for c in image_captions(at) if c.startswith("Sparas så här")]
    assert preview.startswith("Sparas så här (utan platsuppgifter): JPEG 600 × 800 bildpunkter, ")
    at.text_input(key=finding_field(at, "desc")).input("Sprayad tagg på elskåp").run()
    at.button(key=finding_field(at, "add")).click().run()

    assert not at.error and not at.exception
    assert "Iakttagelse sparad med foto" in shown(at.success[0].value)
    after = stored(findings_db)
    assert after["findings"] == before["findings"] + 1
    (photo,) = after["photos"].values()  # type: ignore[attr-defined]
    image = Image.open(io.BytesIO(photo.data))
    assert image.size == (600, 800)  # turned upright
    assert image.getexif() == {} and b"GPS" not in photo.data
    assert str(LATITUDE[0]).encode() not in photo.data
    assert after["audit"] == ["photo_added"]
    # The uploader is empty again for the next finding.
    assert at.file_uploader(key="fd_new_photo_file_1").value is None


def test_a_file_that_is_not_a_picture_is_refused_on_the_page_and_nothing_is_saved(
    findings_view: AppTest, findings_db: str
) -> None:
    at = findings_view
    before = stored(findings_db)
    at.file_uploader(key="fd_new_photo_file_0").set_value(
        ("lampa.jpg", "Det här är en textfil.".encode(), "image/jpeg")
    )
    at.run()

    assert [shown(e.value) for e in at.error] == [
        "lampa.jpg är ingen JPEG- eller PNG-bild. Välj ett foto i formatet JPEG eller PNG. "
        "Inget sparades. Ta bort filen (×) eller välj en annan bild."
    ]
    assert at.button(key=finding_field(at, "add")).disabled
    assert stored(findings_db) == before


def test_a_planner_adds_replaces_and_removes_the_photo_of_an_open_finding(
    findings_view: AppTest, findings_db: str
) -> None:
    at = findings_view
    fid = open_finding_id(findings_db)
    at.file_uploader(key=f"fd_photo_{fid}_file_0").set_value(
        ("buskar.jpg", phone_jpeg(halves(400, 300)), "image/jpeg")
    )
    at.run()
    at.button(key=f"fd_save_{fid}").click().run()
    assert not at.error and not at.exception
    assert "Fotot är sparat." in shown(at.success[0].value)
    first = stored(findings_db)["photos"][fid]  # type: ignore[index]
    assert (first.width, first.height) == (400, 300)

    # The finding now shows its thumbnail, and the uploader offers to replace it.
    assert "Foto" in image_captions(at)
    assert at.file_uploader(key=f"fd_photo_{fid}_file_1").label == "Byt foto"
    at.file_uploader(key=f"fd_photo_{fid}_file_1").set_value(
        ("buskar2.png", _png(200, 100), "image/png")
    )
    at.run()
    at.button(key=f"fd_save_{fid}").click().run()
    assert "Fotot är bytt." in shown(at.success[0].value)
    second = stored(findings_db)["photos"][fid]  # type: ignore[index]
    assert (second.media_type, second.width, second.height) == ("image/png", 200, 100)

    at.button(key=f"fd_photo_remove_{fid}").click().run()
    assert "Fotot är borttaget." in shown(at.success[0].value)
    after = stored(findings_db)
    assert after["photos"] == {}
    assert after["audit"] == ["photo_added", "photo_removed", "photo_replaced"]


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    halves(width, height).save(out, "PNG")
    return out.getvalue()


def test_a_photo_taken_with_the_camera_is_saved_like_an_uploaded_one(
    findings_view: AppTest, findings_db: str
) -> None:
    at = findings_view
    assert not at.get("camera_input")  # the camera is asked for only when switched on
    at.toggle(key="fd_new_photo_camera_on_0").set_value(True).run()
    at.get("camera_input")[0].upload(  # type: ignore[attr-defined]
        "image.jpg", phone_jpeg(halves(640, 480)), "image/jpeg"
    )
    at.run()
    at.button(key=finding_field(at, "add")).click().run()

    assert not at.error and not at.exception
    assert "Iakttagelse sparad med foto" in shown(at.success[0].value)
    (photo,) = stored(findings_db)["photos"].values()  # type: ignore[attr-defined]
    assert (photo.width, photo.height) == (640, 480)
    assert not at.toggle(key="fd_new_photo_camera_on_1").value  # off again for the next one

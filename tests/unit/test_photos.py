"""A finding's photo is stored with no metadata, upright, at most 1600 px; bad files refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from geo.files.limits import MB, Limits
from geo.files.photos import JPEG, MAX_SIDE, PNG, THUMBNAIL_SIDE, Photo, PhotoError, clean_photo
from tests.photo_files import (
    BLUE,
    PLANTED,
    RED,
    exiftool_tags,
    halves,
    jpeg_markers,
    noise,
    phone_jpeg,
    phone_png,
    png_header_only,
)

# What ExifTool reports for any file: itself, the file system and the file's structure.
HARMLESS_GROUPS = {"SourceFile", "ExifTool", "System", "File", "JFIF", "PNG", "Composite"}


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    """JPEG is lossy: a flat colour comes back within a few steps."""
    return all(abs(a - b) <= 12 for a, b in zip(pixel, colour, strict=False))


# -- metadata ---------------------------------------------------------------------------------


def test_a_phone_jpeg_loses_its_gps_position_time_device_comment_xmp_and_profile(
    tmp_path: Path,
) -> None:
    upload = phone_jpeg()
    assert "GPS:GPSLatitude" in exiftool_tags(upload, tmp_path, "upload.jpg")  # the test can fail

    photo = clean_photo(upload, "IMG_0042.jpg")

    tags = exiftool_tags(photo.data, tmp_path)
    assert {key.split(":")[0] for key in tags} <= HARMLESS_GROUPS, tags
    assert not [key for key in tags if "GPS" in key]
    assert set(jpeg_markers(photo.data)) == {"APP0", "DQT", "SOF0", "DHT", "SOS"}  # no APP1, COM
    assert opened(photo.data).getexif() == {}
    for text in PLANTED:
        assert text.encode() not in photo.data
        assert text.encode() not in photo.thumbnail
    assert set(jpeg_markers(photo.thumbnail)) == {"APP0", "DQT", "SOF0", "DHT", "SOS"}


def test_a_png_loses_its_exif_chunk_and_text_chunks(tmp_path: Path) -> None:
    photo = clean_photo(phone_png(), "skärmbild.png")

    assert photo.media_type == PNG
    tags = exiftool_tags(photo.data, tmp_path, "foto.png")
    assert {key.split(":")[0] for key in tags} <= HARMLESS_GROUPS, tags
    assert opened(photo.data).info == {}
    for text in PLANTED:
        assert text.encode() not in photo.data


# -- orientation and size -----------------------------------------------------------------------


@pytest.mark.parametrize("make", [phone_jpeg, phone_png])
def test_the_exif_orientation_is_applied_before_the_flag_is_dropped(make: object) -> None:
    # Orientation 6: the phone was held upright, the sensor stored the picture lying on its
    # side; turned 90° clockwise the left (red) half is on top.
    photo = clean_photo(make(halves(400, 200), orientation=6), "upright")  # type: ignore[operator]

    image = opened(photo.data).convert("RGB")
    assert (photo.width, photo.height) == image.size == (200, 400)
    assert near(image.getpixel((100, 50)), RED)
    assert near(image.getpixel((100, 350)), BLUE)


def test_a_large_photo_is_shrunk_to_1600_px_on_its_longest_side_with_a_320_px_thumbnail() -> None:
    photo = clean_photo(phone_jpeg(halves(4000, 3000)), "stor.jpg")

    assert (photo.width, photo.height) == opened(photo.data).size == (MAX_SIDE, 1200)
    assert opened(photo.thumbnail).size == (THUMBNAIL_SIDE, 240)
    assert photo.media_type == JPEG


def test_an_upright_large_photo_is_1600_px_high_after_turning() -> None:
    photo = clean_photo(phone_jpeg(halves(4000, 3000), orientation=8), "stående.jpg")
    assert (photo.width, photo.height) == (1200, MAX_SIDE)
    assert opened(photo.thumbnail).size == (240, THUMBNAIL_SIDE)


def test_a_small_photo_keeps_its_size() -> None:
    photo = clean_photo(phone_jpeg(halves(800, 600)), "liten.jpg")
    assert (photo.width, photo.height) == (800, 600)


def test_a_png_with_transparency_stays_a_png_with_its_alpha() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (100, 50), (10, 200, 10, 128)).save(out, "PNG")
    photo = clean_photo(out.getvalue(), "markering.png")
    assert photo.media_type == PNG
    assert opened(photo.data).getpixel((5, 5)) == (10, 200, 10, 128)
    assert opened(photo.thumbnail).mode == "RGB"  # thumbnails are JPEG, on white


def test_the_audit_values_describe_the_photo_without_its_bytes() -> None:
    photo = clean_photo(phone_jpeg(halves(400, 300)), "lampa.jpg")
    values = photo.audit_values()
    assert set(values) == {"foto", "sha256"}
    assert values["foto"].startswith("JPEG 400 × 300 bildpunkter, ")
    assert len(values["sha256"]) == 64


# -- refused files ------------------------------------------------------------------------------


def test_a_photo_larger_than_the_photo_limit_is_refused_before_it_is_decoded() -> None:
    upload = phone_jpeg(noise(600, 400))
    limits = Limits(max_photo_bytes=len(upload) - 1)
    with pytest.raises(PhotoError, match=r"ett foto får vara högst .* Inget sparades\."):
        clean_photo(upload, "IMG_1.jpg", limits)
    assert isinstance(clean_photo(upload, "IMG_1.jpg", Limits(max_photo_bytes=len(upload))), Photo)


def test_the_photo_limit_is_20_mb_or_the_upload_limit_when_that_is_smaller() -> None:
    assert Limits.from_env({}).max_photo_bytes == 20 * MB
    assert Limits.from_env({"LOFTESKARTAN_MAX_UPLOAD_MB": "5"}).max_photo_bytes == 5 * MB
    assert Limits.from_env({"LOFTESKARTAN_MAX_UPLOAD_MB": "100"}).max_photo_bytes == 20 * MB


def _truncated_jpeg() -> bytes:
    whole = phone_jpeg(noise(400, 300))
    return whole[: len(whole) * 2 // 3]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("anteckning.jpg", b"Inget foto, bara text.\n", "är ingen JPEG- eller PNG-bild"),
        ("tom.jpg", b"", "filen är tom"),
        ("avklippt.jpg", _truncated_jpeg(), "går inte att läsa som JPEG-bild"),
        ("trasig.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "går inte att läsa som PNG-bild"),
        ("bild.gif", b"GIF89a" + b"\x00" * 40, "den ser ut som en GIF-bild"),
        ("IMG_0001.jpg", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "HEIC/HEIF-bild"),
        ("bomb.png", png_header_only(8000, 8000), "8000 × 8000 bildpunkter (64 megapixlar)"),
        ("stor-bomb.png", png_header_only(100_000, 100_000), "för många bildpunkter"),
    ],
)
def test_a_file_that_is_not_a_usable_image_is_refused_in_swedish(
    name: str, data: bytes, message: str
) -> None:
    with pytest.raises(PhotoError) as refused:
        clean_photo(data, name)
    text = str(refused.value)
    assert text.startswith(name)
    assert message in text
    assert text.endswith("Inget sparades.")

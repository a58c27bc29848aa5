"""Pictures for the photo tests, made with Pillow: a phone's JPEG full of metadata, and bad files.

`phone_jpeg` writes what a phone writes: EXIF with a GPS position near Aneby, the time, the
make and model (`PLANTED` strings), the orientation flag, plus a comment, XMP and an ICC
profile. The pixels are two halves (red left, blue right), so where each half ends up after
the orientation is applied says whether the picture was turned the right way.
"""

from __future__ import annotations

import io
import json
import random
import struct
import subprocess
import zlib
from pathlib import Path

from PIL import Image, ImageCms

MAKE = "Telefontillverkare-AB"
MODEL = "Modell-X-99"
TAKEN = "2024:03:05 13:37:00"
COMMENT = "KOMMENTAR-123"
XMP = "XMP-456"
PLANTED = (MAKE, MODEL, TAKEN, COMMENT, XMP)
# Aneby: 57°50'N 14°49'E, written as EXIF rationals.
LATITUDE = (57.0, 50.0, 12.5)
LONGITUDE = (14.0, 49.0, 1.25)

RED, BLUE = (220, 20, 20), (20, 20, 220)


def halves(width: int, height: int) -> Image.Image:
    """Red on the left half, blue on the right."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    return image


def noise(width: int, height: int, seed: int = 4) -> Image.Image:
    """Random pixels: a file of a realistic size whose bytes are found nowhere else."""
    rng = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def phone_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: make, model, time, orientation and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x0110] = MODEL
    exif[0x0132] = TAKEN
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", LATITUDE, "E", LONGITUDE
    return exif


def phone_jpeg(image: Image.Image | None = None, orientation: int = 1, quality: int = 95) -> bytes:
    """A JPEG with GPS EXIF, orientation, comment, XMP and an ICC profile."""
    image = image if image is not None else halves(400, 300)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        quality=quality,
        exif=phone_exif(orientation),
        comment=COMMENT.encode(),
        xmp=f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{XMP}</x:xmpmeta>'.encode(),
        icc_profile=icc,
    )
    return out.getvalue()


def phone_png(image: Image.Image | None = None, orientation: int = 1) -> bytes:
    """A PNG with an eXIf chunk (GPS, orientation) and a text chunk naming the phone."""
    from PIL import PngImagePlugin

    image = image if image is not None else halves(400, 300)
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", COMMENT)
    text.add_text("Model", MODEL)
    out = io.BytesIO()
    image.save(out, "PNG", exif=phone_exif(orientation), pnginfo=text)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # One row's worth of zeros compresses to a few bytes; decoding would need w*h*3 bytes.
    pixels = zlib.compress(b"\x00" * (1 + 3 * min(width, 4096)), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_markers(data: bytes) -> list[str]:
    """The JPEG segments before the image data, by name (APP0, APP1, COM, DQT, SOF0...)."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    names = {0xFE: "COM", 0xDB: "DQT", 0xC4: "DHT", 0xDD: "DRI", 0xDA: "SOS"}
    names |= {0xE0 + n: f"APP{n}" for n in range(16)}
    names |= {0xC0 + n: f"SOF{n}" for n in (0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15)}
    found, i = [], 2
    while i < len(data):
        assert data[i] == 0xFF, f"no marker at byte {i}"
        marker = data[i + 1]
        found.append(names.get(marker, hex(marker)))
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    return found


def exiftool_tags(data: bytes, tmp_path: Path, name: str = "foto.jpg") -> dict[str, object]:
    """Every tag ExifTool finds in the file, as "Group:Tag" -> value."""
    path = tmp_path / name
    path.write_bytes(data)
    result = subprocess.run(
        ["exiftool", "-json", "-a", "-G1", "-struct", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    (tags,) = json.loads(result.stdout)
    return tags


def street_scene(width: int = 1200, height: int = 1600) -> Image.Image:
    """An upright picture of a lamp post on a footpath (drawn, no people): looks like a photo.

    Saved with orientation 6 (see `lying_street_scene`) it shows whether the page turned it.
    """
    from PIL import ImageDraw

    image = Image.new("RGB", (width, height), (150, 190, 230))
    draw = ImageDraw.Draw(image)
    horizon = height * 5 // 8
    draw.rectangle((0, horizon, width, height), fill=(90, 140, 70))  # grass
    draw.polygon(
        [(width * 0.4, horizon), (width * 0.6, horizon), (width, height), (0, height)],
        fill=(170, 165, 155),  # the footpath
    )
    post = width * 2 // 3
    draw.rectangle((post - 12, height // 5, post + 12, horizon + 80), fill=(60, 60, 65))
    draw.rectangle((post - 90, height // 5 - 30, post + 20, height // 5), fill=(60, 60, 65))
    draw.ellipse((post - 110, height // 5 - 10, post - 50, height // 5 + 40), fill=(40, 40, 40))
    for x in range(0, width, 140):  # bushes along the path
        draw.ellipse((x - 60, horizon - 70, x + 80, horizon + 40), fill=(40, 100, 45))
    return image


def lying_street_scene() -> bytes:
    """The street scene as a phone held upright stores it: turned on its side, orientation 6."""
    sideways = street_scene().transpose(Image.Transpose.ROTATE_90)
    return phone_jpeg(sideways, orientation=6, quality=90)

"""Foto: one optional picture per finding (iakttagelse), cleaned before it is stored.

A phone writes into every picture where and when it was taken and with which device: EXIF
(GPS position, time, make, model, serial numbers), XMP, comments, the name of a colour
profile. None of that may be stored. `clean_photo` therefore never keeps a byte of the
upload: it decodes the pixels, turns them the way the EXIF orientation says (a phone held
upright stores the picture sideways plus a flag; without the flag the picture would lie on
its side), converts them to sRGB, shrinks them to at most `MAX_SIDE` pixels on the longest
side and encodes a new file from the pixels alone. A JPEG stays a JPEG and a PNG a PNG.

Refused with a Swedish message (`PhotoError`) before anything is stored:

- a file larger than `Limits.max_photo_bytes` (20 MB, or the upload limit if smaller);
- anything that is not a JPEG or PNG by its first bytes (a renamed text file, a HEIC from
  an iPhone, a GIF), or that does not decode completely (a truncated JPEG);
- a picture of more than `MAX_PIXELS` pixels, read from the header before any decoding:
  a "decompression bomb" is a small file that decodes to gigabytes.

A photo is internal: it is never part of a public export (see `geo.disclosure.audience`), and data
exports (GeoPackage, CSV) only say whether a finding has one.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageCms, ImageOps

from geo.errors import ImportFileError
from geo.files.limits import MB, Limits

MAX_SIDE: Final = 1600
"""Longest side of a stored photo in pixels: enough to see a broken lamp or a tag."""

THUMBNAIL_SIDE: Final = 320
"""Longest side of the thumbnail shown in lists and the meeting pack."""

MAX_PIXELS: Final = 50_000_000
"""Largest picture accepted (50 megapixels: a phone's full-resolution mode)."""

JPEG_QUALITY: Final = 85
THUMBNAIL_QUALITY: Final = 80

JPEG, PNG = "image/jpeg", "image/png"
_FORMATS = {"JPEG": JPEG, "PNG": PNG}
_MAGICS = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"))
_OTHER_KINDS = (
    (b"GIF8", "en GIF-bild"),
    (b"RIFF", "en WebP-bild"),
    (b"BM", "en BMP-bild"),
    (b"II*\x00", "en TIFF-bild"),
    (b"MM\x00*", "en TIFF-bild"),
    (b"%PDF", "en PDF"),
    (b"PK\x03\x04", "en zip-fil"),
)
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")

PHOTO_RULE: Final = (
    "Fotografera inte människor eller registreringsskyltar. Platsuppgifter, tid och "
    "telefonmodell tas bort ur bilden när den sparas. Fotot är internt och kommer aldrig "
    "med i offentliga exporter."
)
"""What the uploader says next to itself (Swedish)."""


class PhotoError(ImportFileError):
    """A picture could not be used as a photo of a finding; nothing was stored."""


@dataclass(frozen=True)
class Photo:
    """Foto: a cleaned picture of a finding, with no metadata, and its thumbnail (JPEG)."""

    data: bytes
    media_type: str
    width: int
    height: int
    thumbnail: bytes

    @property
    def sha256(self) -> str:
        """Hex digest of the stored bytes: names the picture in the audit log."""
        return hashlib.sha256(self.data).hexdigest()

    def describe(self) -> str:
        """ "JPEG 1600 × 1200 bildpunkter, 245 kB" for the audit log and the page."""
        kind = "PNG" if self.media_type == PNG else "JPEG"
        size = max(1, round(len(self.data) / 1024))
        return f"{kind} {self.width} × {self.height} bildpunkter, {size} kB"

    def audit_values(self) -> dict[str, str]:
        """What the audit log records about the photo: never the bytes."""
        return {"foto": self.describe(), "sha256": self.sha256}


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",").removesuffix(",0") + " MB"


def _kind_of(head: bytes, name: str) -> str:
    """ "JPEG" or "PNG" from the first bytes, or PhotoError saying what the file is."""
    for magic, kind in _MAGICS:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        raise PhotoError(
            f"{name} är en HEIC/HEIF-bild (iPhones standardformat), som inte kan läsas här. "
            "Välj Inställningar > Kamera > Format > Mest kompatibelt i telefonen, eller spara "
            "bilden som JPEG, och försök igen. Inget sparades."
        )
    actual = next((what for magic, what in _OTHER_KINDS if head.startswith(magic)), None)
    looks = f"; den ser ut som {actual}" if actual else ""
    raise PhotoError(
        f"{name} är ingen JPEG- eller PNG-bild{looks}. Välj ett foto i formatet JPEG eller "
        "PNG. Inget sparades."
    )


def _too_many_pixels(name: str, size: tuple[int, int] | None = None) -> PhotoError:
    limit = MAX_PIXELS // 1_000_000
    if size is None:
        what = f"{name} har för många bildpunkter (över {limit} megapixlar)"
    else:
        megapixels = size[0] * size[1] / 1_000_000
        what = (
            f"{name} är {size[0]} × {size[1]} bildpunkter ({megapixels:.0f} megapixlar); "
            f"högst {limit} megapixlar tas emot"
        )
    return PhotoError(f"{what}. Förminska bilden och försök igen. Inget sparades.")


_SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image, target_mode: str) -> Image.Image:
    """The pixels in sRGB without a profile (a phone's Display P3 would look dull otherwise)."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK") and target_mode == "RGB":
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # a broken profile: plain conversion below, colours nearly right
        if converted is not None:
            return converted
    return image if image.mode == target_mode else image.convert(target_mode)


def _target_mode(image: Image.Image, kind: str) -> str:
    """L for grey pictures; RGBA for a PNG with transparency; RGB for everything else."""
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if kind == "PNG" and transparent:
        return "RGBA"
    if image.mode in ("1", "L") and not transparent:
        return "L"
    return "RGB"


def _encode(image: Image.Image, kind: str, quality: int) -> bytes:
    """A new file from the pixels alone: no EXIF, XMP, comment, ICC profile or text chunk."""
    # Pillow copies `info` (which holds the upload's comment, EXIF, XMP...) from image to
    # image, and the JPEG writer saves the comment it finds there. An image made from the
    # raw pixels has an empty `info`, so nothing of the upload can ride along.
    bare = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if kind == "PNG":
        bare.save(out, "PNG")
    else:
        bare.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    """A small JPEG (transparency on white) for lists and the meeting pack."""
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    if small.mode == "RGBA":
        white = Image.new("RGB", small.size, "white")
        white.paste(small, mask=small.getchannel("A"))
        small = white
    return _encode(small, "JPEG", THUMBNAIL_QUALITY)


def _decode(data: bytes, name: str, kind: str) -> Image.Image:
    """The upright pixels at a size a little over what is stored (header checked first)."""
    with warnings.catch_warnings():
        # Pillow only warns between 89 and 179 megapixels: make that a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[kind])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise PhotoError(
                f"{name} går inte att läsa som {kind}-bild ({exc}). Inget sparades."
            ) from None
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels(name, image.size)
        if kind == "JPEG":
            # Let the JPEG decoder scale by 1/2, 1/4 or 1/8 while decoding: a 12-megapixel
            # photo then never exists in memory at full size.
            scale = MAX_SIDE / max(width, height)
            if scale < 1:
                image.draft(None, (int(width * scale), int(height * scale)))
        try:
            image.load()
            # Pillow raises many kinds of errors on broken or hostile files (struct.error,
            # IndexError, ZeroDivisionError...): whatever it is, the file is not usable.
            return ImageOps.exif_transpose(image)
        except Exception as exc:  # noqa: BLE001
            reason = "filen är trasig eller avklippt" if isinstance(exc, OSError) else str(exc)
            raise PhotoError(
                f"{name} går inte att läsa som {kind}-bild ({reason}). Ta eller spara bilden "
                "igen och försök på nytt. Inget sparades."
            ) from None


def clean_photo(data: bytes, name: str, limits: Limits | None = None) -> Photo:
    """A photo with all metadata removed, upright, at most `MAX_SIDE` px, plus its thumbnail.

    Parameters
    ----------
    data : the uploaded file's bytes.
    name : the file name, for messages.
    limits : upload limits (default: from the environment).

    Returns
    -------
    Photo with freshly encoded bytes (JPEG stays JPEG, PNG stays PNG) and a JPEG thumbnail.

    Raises
    ------
    PhotoError
        Too large, not a JPEG or PNG, broken, or too many pixels (Swedish message).
    """
    limits = limits or Limits.from_env()
    if len(data) > limits.max_photo_bytes:
        raise PhotoError(
            f"{name} är {_megabytes(len(data))}; ett foto får vara högst "
            f"{_megabytes(limits.max_photo_bytes)}. Förminska bilden och försök igen. "
            "Inget sparades."
        )
    if not data:
        raise PhotoError(f"{name}: filen är tom. Inget sparades.")
    kind = _kind_of(data[:16], name)
    image = _decode(data, name, kind)
    try:
        image = _to_srgb(image, _target_mode(image, kind))
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        stored = _encode(image, kind, JPEG_QUALITY)
        thumbnail = _thumbnail(image)
    except (OSError, ValueError) as exc:
        raise PhotoError(f"{name} går inte att spara som foto ({exc}). Inget sparades.") from None
    return Photo(stored, _FORMATS[kind], image.width, image.height, thumbnail)

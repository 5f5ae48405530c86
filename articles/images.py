"""
Photo uploads: checks before decoding, re-encoding without metadata, renditions.

Everything here runs when an editor saves a photo, never during a reader's
request: pages read the stored rendition list and dimensions from the row.
"""

import base64
import io
import logging
import math
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from .uncommitted_files import remove_files

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# libwebp's limit on either side of a picture; renditions are scaled to fit it.
WEBP_MAX_SIDE = 16383


@dataclass
class CleanImage:
    content: ContentFile
    width: int
    height: int
    extension: str
    image: Image.Image | None  # the normalised picture, for the renditions


def inspect_upload(upload):
    """Validate an uploaded file; raise ValidationError with a reader-friendly reason."""
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError("The file is empty.", code="empty")
    if size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            "The file is %(size)s MB; the limit is %(limit)s MB.",
            code="too_large",
            params={
                "size": f"{size / 1_048_576:.2f}",
                "limit": f"{settings.PHOTO_MAX_BYTES / 1_048_576:.2f}",
            },
        )
    upload.seek(0)
    try:
        # Limiting formats means Pillow never tries its other parsers (PDF, EPS, ...).
        with Image.open(upload, formats=ALLOWED_FORMATS) as image:
            width, height = image.size
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(
                    "The image is %(width)s×%(height)s pixels; the limit is %(limit)s megapixels.",
                    code="too_many_pixels",
                    params={"width": width, "height": height, "limit": settings.PHOTO_MAX_PIXELS // 1_000_000},
                )
            image.load()  # decodes every byte, so a truncated file fails here
            image_format = image.format
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses to open far larger images itself, before we can read their size.
        raise ValidationError(
            "The image has far too many pixels; the limit is %(limit)s megapixels.",
            code="too_many_pixels",
            params={"limit": settings.PHOTO_MAX_PIXELS // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError("This is not a readable JPEG, PNG, WebP or GIF image.", code="invalid_image") from None
    finally:
        upload.seek(0)
    return image_format


def _encode(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def normalise(upload):
    """Re-encode an already inspected upload: upright, in sRGB-ish modes, no metadata."""
    upload.seek(0)
    with Image.open(upload, formats=ALLOWED_FORMATS) as original:
        source_format = original.format
        original.seek(0)  # first frame of an animated GIF (and the main picture of a multi-picture JPEG)
        image = ImageOps.exif_transpose(original)
        # Saving a new image without exif/icc/pnginfo arguments writes no metadata at all.
        image = image.copy()
        image.info = {}
    # A camera's multi-picture file (MPO: a JPEG with a second, preview or depth picture) is the JPEG it starts with.
    if source_format in ("JPEG", "MPO"):
        image = image.convert("RGB")
        data = _encode(image, "JPEG", quality=86, optimize=True, progressive=True)
        extension = "jpg"
    elif source_format == "WEBP":
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        data = _encode(image, "WEBP", quality=86)
        extension = "webp"
    else:  # PNG, and GIF stored as a still PNG
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        data = _encode(image, "PNG", optimize=True)
        extension = "png"
    return CleanImage(ContentFile(data), image.width, image.height, extension, image)


def stored_name(extension):
    """A fresh, unguessable, ASCII-only name: the upload's own name is never used as a path."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def rendition_sizes(width, height, widths=None):
    """The (width, height) of each rendition of a ``width``×``height`` photo, smallest first.

    Every one keeps the photo's proportions, and none has a side beyond what WebP can hold: the largest is the
    photo itself, or the photo scaled down to fit WebP's limit on either side (a 20,000-pixel panorama, a
    tall strip), so the rendition list always ends with the sharpest picture a WebP can carry.
    """
    widths = widths or settings.PHOTO_RENDITION_WIDTHS
    scale = min(1, WEBP_MAX_SIDE / width, WEBP_MAX_SIDE / height)
    largest = min(WEBP_MAX_SIDE, max(1, math.floor(width * scale)))
    sizes = []
    for target in sorted({w for w in widths if w < largest} | {largest}):
        sizes.append((target, min(WEBP_MAX_SIDE, max(1, round(height * target / width)))))
    return sizes


def encode_renditions(image, widths=None):
    """WebP renditions of a normalised PIL ``image``: [(width, height, bytes)], smallest first. Nothing is written."""
    source = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    encoded = []
    for width, height in rendition_sizes(source.width, source.height, widths):
        resized = source if (width, height) == source.size else source.resize((width, height), Image.LANCZOS)
        encoded.append((width, height, _encode(resized, "WEBP", quality=80)))
    return encoded


class PhotoNotStored(Exception):
    """Writing a photo's files failed (a full disk, a storage that is down): nothing of the save was kept."""

    def __init__(self, file_name, error):
        self.file_name = Path(file_name or "the photo").name
        self.reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        super().__init__(
            f"“{self.file_name}” could not be stored ({self.reason}), so nothing was saved. "
            "Choose the photos again and save; if it happens again, tell the web team."
        )


@dataclass
class PreparedPhoto:
    """An upload turned into everything a photo stores, still in memory: the files are written by ``store``."""

    clean: CleanImage
    renditions: list  # [(width, height, WebP bytes)]


def prepare(upload):
    """Normalise an inspected upload and encode its renditions; a failure names the file, as a form error.

    Runs while the form is validated, before anything is written: a photo that cannot be processed is a
    message to the editor, never a server error or a half-saved story.
    """
    try:
        clean = normalise(upload)
        renditions = encode_renditions(clean.image)
        # Only the encoded files wait for the save: the decoded picture (up to PHOTO_MAX_PIXELS × 4 bytes) goes now.
        clean.image = None
        return PreparedPhoto(clean, renditions)
    except Exception:
        logger.exception("Could not process the photo %r", getattr(upload, "name", None))
        raise ValidationError(
            "“%(name)s” could not be processed into the sizes pages show; nothing was saved. "
            "Try saving the picture again as JPEG or PNG, or send it to the web team.",
            code="processing_failed",
            params={"name": Path(getattr(upload, "name", "") or "the photo").name},
        ) from None


def write_file(storage, name, content, written):
    """Save ``content`` as ``name`` and note the name in ``written``; a failed write leaves no partial file.

    The storage itself does not clean up after a write that fails part-way (a full disk): the partly
    written file, even a 0-byte one, is removed here before the error goes on.
    """
    try:
        saved = storage.save(name, content)
    except BaseException:
        remove_files(storage, [name])
        raise
    written.append(saved)
    return saved


def store(storage, name, prepared, written):
    """Write a prepared photo as ``name``, and its renditions; return (stored name, rendition list for the row).

    Every name written is appended to ``written`` at once, so the caller can remove them all if anything fails.
    """
    name = write_file(storage, name, prepared.clean.content, written)
    stem = name.rsplit(".", 1)[0]
    renditions = []
    for width, height, data in prepared.renditions:
        rendition_name = write_file(storage, f"{stem}-{width}w.webp", ContentFile(data), written)
        renditions.append({"width": width, "height": height, "name": rendition_name})
    return name, renditions


def make_renditions(storage, name, widths=None):
    """Write WebP renditions of the stored image ``name``; return [{"width", "height", "name"}]."""
    with storage.open(name) as stored, Image.open(stored) as image:
        image.load()
        encoded = encode_renditions(image, widths)
    stem = name.rsplit(".", 1)[0]
    written = []
    try:
        for width, _height, data in encoded:
            write_file(storage, f"{stem}-{width}w.webp", ContentFile(data), written)
    except BaseException:
        # A full disk halfway through: the caller never learns these names, so they go now.
        remove_files(storage, written)
        raise
    return [{"width": w, "height": h, "name": saved} for (w, h, _data), saved in zip(encoded, written, strict=True)]


def thumbnail_data_uri(upload, width=240):
    """A small WebP preview of an inspected upload as a ``data:`` address, for the editor's form alone."""
    upload.seek(0)
    with Image.open(upload, formats=ALLOWED_FORMATS) as original:
        original.seek(0)
        image = ImageOps.exif_transpose(original)
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    upload.seek(0)
    image.thumbnail((width, width * 4))
    return "data:image/webp;base64," + base64.b64encode(_encode(image, "WEBP", quality=70)).decode("ascii")


# Search engines and social cards want JPEG at these shapes (Google's article guidelines: 16:9, 4:3, 1:1).
SOCIAL_RATIOS = ((16, 9), (4, 3), (1, 1))
SOCIAL_WIDTH = 1200


def make_social_crops(storage, name, written, width=SOCIAL_WIDTH):
    """Write centred JPEG crops of the stored image ``name`` at 16:9, 4:3 and 1:1, no wider than ``width``.

    Returns [{"ratio": "16:9", "width", "height", "name"}], for JSON-LD and Open Graph, which need JPEG.
    Every name written is appended to ``written`` at once, as ``store`` does.
    """
    with storage.open(name) as stored, Image.open(stored) as image:
        image.load()
        source = image.convert("RGB")
    stem = name.rsplit(".", 1)[0]
    crops = []
    for across, down in SOCIAL_RATIOS:
        cropped = ImageOps.fit(source, _largest_box(source.size, across, down, width), Image.LANCZOS)
        content = ContentFile(_encode(cropped, "JPEG", quality=84, optimize=True))
        crop_name = write_file(storage, f"{stem}-{across}x{down}.jpg", content, written)
        crops.append({"ratio": f"{across}:{down}", "width": cropped.width, "height": cropped.height, "name": crop_name})
    return crops


def _largest_box(size, across, down, max_width):
    """The largest across:down box that fits inside ``size`` and ``max_width``: never an enlargement."""
    width = min(size[0], max_width, size[1] * across // down)
    width -= width % across
    width = max(width, across)
    return width, width * down // across

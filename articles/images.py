"""
Photo uploads: checks before decoding, re-encoding without metadata, renditions.

Everything here runs when an editor saves a photo, never during a reader's
request: pages read the stored rendition list and dimensions from the row.
"""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass
class CleanImage:
    content: ContentFile
    width: int
    height: int
    extension: str


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
        original.seek(0)  # first frame of an animated GIF
        image = ImageOps.exif_transpose(original)
        # Saving a new image without exif/icc/pnginfo arguments writes no metadata at all.
        image = image.copy()
        image.info = {}
    if source_format == "JPEG":
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
    return CleanImage(ContentFile(data), image.width, image.height, extension)


def stored_name(extension):
    """A fresh, unguessable, ASCII-only name: the upload's own name is never used as a path."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def make_renditions(storage, name, widths=None):
    """Write WebP renditions of the stored image ``name``; return [{"width", "height", "name"}]."""
    widths = widths or settings.PHOTO_RENDITION_WIDTHS
    with storage.open(name) as stored, Image.open(stored) as image:
        image.load()
        source = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    stem = name.rsplit(".", 1)[0]
    renditions = []
    targets = [w for w in widths if w < source.width] + [source.width]
    try:
        for width in sorted(set(targets)):
            height = max(1, round(source.height * width / source.width))
            resized = source if width == source.width else source.resize((width, height), Image.LANCZOS)
            rendition_name = storage.save(f"{stem}-{width}w.webp", ContentFile(_encode(resized, "WEBP", quality=80)))
            renditions.append({"width": width, "height": height, "name": rendition_name})
    except BaseException:
        # A full disk halfway through: the caller never learns these names, so they go now.
        for rendition in renditions:
            storage.delete(rendition["name"])
        raise
    return renditions


# Search engines and social cards want JPEG at these shapes (Google's article guidelines: 16:9, 4:3, 1:1).
SOCIAL_RATIOS = ((16, 9), (4, 3), (1, 1))
SOCIAL_WIDTH = 1200


def make_social_crops(storage, name, width=SOCIAL_WIDTH):
    """Write centred JPEG crops of the stored image ``name`` at 16:9, 4:3 and 1:1, no wider than ``width``.

    Returns [{"ratio": "16:9", "width", "height", "name"}], for JSON-LD and Open Graph, which need JPEG.
    """
    with storage.open(name) as stored, Image.open(stored) as image:
        image.load()
        source = image.convert("RGB")
    stem = name.rsplit(".", 1)[0]
    crops = []
    try:
        for across, down in SOCIAL_RATIOS:
            cropped = ImageOps.fit(source, _largest_box(source.size, across, down, width), Image.LANCZOS)
            crop_name = storage.save(
                f"{stem}-{across}x{down}.jpg", ContentFile(_encode(cropped, "JPEG", quality=84, optimize=True))
            )
            crops.append(
                {"ratio": f"{across}:{down}", "width": cropped.width, "height": cropped.height, "name": crop_name}
            )
    except BaseException:
        for crop in crops:
            storage.delete(crop["name"])
        raise
    return crops


def _largest_box(size, across, down, max_width):
    """The largest across:down box that fits inside ``size`` and ``max_width``: never an enlargement."""
    width = min(size[0], max_width, size[1] * across // down)
    width -= width % across
    width = max(width, across)
    return width, width * down // across

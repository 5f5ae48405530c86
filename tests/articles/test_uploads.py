"""Photo uploads through the real admin form: bad files are refused with nothing saved, good ones are cleaned."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, encode_multipart
from PIL import Image

from articles.models import Article, Photo
from tests.conftest import image_bytes, make_article, make_photo

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def article_form_data(**photo_fields):
    """The add form as a browser submits it: the article, and one inline photo form."""
    data = {
        "title": "Shenzhen wins again",
        "slug": "shenzhen-wins-again",
        "standfirst": "",
        "body": "<p>Text.</p>",
        "source_name": "",
        "source_url": "",
        "byline": "",
        "section": "",
        "tags": "",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "photos-0-alt_text": "The award ceremony",
        "photos-0-caption": "",
        "photos-0-credit": "",
        "photos-0-taken_on": "",
        "photos-0-position": "0",
        "photos-0-id": "",
        "photos-0-article": "",
        "_save": "Save",
    }
    data.update({f"photos-0-{name}": value for name, value in photo_fields.items()})
    return data


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def error_texts(response):
    # The admin's pages declare no charset in the markup, so decode as the response says (UTF-8).
    page = BeautifulSoup(response.content.decode(response.charset), "html5lib")
    return [li.get_text(" ", strip=True) for li in page.select(".errorlist li")]


def png_declaring(width, height):
    """A small, well-formed PNG whose header claims ``width``×``height``: cheap to build, costly to decode."""

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def jpeg_with_exif(size=(120, 80), orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[0x0132] = "2026:11:20 10:00:00"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (22.0, 32.0, 10.5), 3: "E", 4: (114.0, 3.0, 1.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1] // 4))  # a mark, so rotation is visible
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


TOO_MANY_PIXELS = "The image has far too many pixels; the limit is 40 megapixels."
UNREADABLE = "This is not a readable JPEG, PNG, WebP or GIF image."
BAD_UPLOADS = {
    "truncated-png": ("city.png", image_bytes("PNG", size=(400, 300))[:200], "image/png", UNREADABLE),
    "text-named-jpg": ("city.jpg", b"Just some words, not a picture.\n" * 10, "image/jpeg", UNREADABLE),
    "svg-with-script": (
        "city.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
        "image/svg+xml",
        UNREADABLE,
    ),
    "svg-named-png": (
        "city.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        "image/png",
        UNREADABLE,
    ),
    "pdf": (
        "city.pdf",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n",
        "application/pdf",
        UNREADABLE,
    ),
    "30000x30000-png": ("huge.png", png_declaring(30_000, 30_000), "image/png", TOO_MANY_PIXELS),
    "empty": ("empty.jpg", b"", "image/jpeg", "The submitted file is empty."),
}


@pytest.mark.parametrize("name, content, content_type, message", BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_bad_upload_is_a_form_error_with_nothing_saved(editor_client, settings, name, content, content_type, message):
    settings.PHOTO_MAX_PIXELS = 40_000_000  # the limit the messages name, whatever the environment says
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = editor_client.post(ADD_URL, article_form_data(image=upload))

    assert response.status_code == 200
    errors = error_texts(response)
    assert message in errors, errors
    assert not Article.objects.exists()
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_oversized_file_reports_the_byte_limit(editor_client, settings):
    settings.PHOTO_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.png", image_bytes("PNG", size=(300, 300)), content_type="image/png")
    assert upload.size > settings.PHOTO_MAX_BYTES
    response = editor_client.post(ADD_URL, article_form_data(image=upload))

    assert response.status_code == 200
    assert any("the limit is" in error and "MB" in error for error in error_texts(response)), error_texts(response)
    assert not Article.objects.exists() and not Photo.objects.exists()
    assert stored_files(settings) == []


def test_pixel_limit_below_pillows_own_guard_is_reported_with_dimensions(editor_client, settings):
    settings.PHOTO_MAX_PIXELS = 1_000_000
    upload = SimpleUploadedFile("wide.png", png_declaring(2000, 1000), content_type="image/png")
    response = editor_client.post(ADD_URL, article_form_data(image=upload))
    errors = error_texts(response)
    assert "The image is 2000×1000 pixels; the limit is 1 megapixels." in errors, errors
    assert not Article.objects.exists() and stored_files(settings) == []


def saved_photo(editor_client, upload):
    response = editor_client.post(ADD_URL, article_form_data(image=upload))
    assert response.status_code == 302, error_texts(response)
    return Photo.objects.get()


def test_good_jpeg_is_stored_without_any_exif(editor_client, settings):
    source = jpeg_with_exif()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS
    photo = saved_photo(editor_client, SimpleUploadedFile("holiday.jpg", source, content_type="image/jpeg"))

    names = [photo.image.name, *(r["name"] for r in photo.renditions), *(c["name"] for c in photo.social_crops)]
    assert len(names) >= 2
    assert stored_files(settings) == sorted(names)
    for name in names:
        data = (Path(settings.MEDIA_ROOT) / name).read_bytes()
        with Image.open(io.BytesIO(data)) as stored:
            assert not stored.getexif(), name
            assert "exif" not in stored.info, name
            assert not stored.getexif().get_ifd(GPS_IFD), name
        assert b"Exif\x00\x00" not in data and b"Phone maker" not in data, name


def test_exif_rotated_jpeg_is_stored_upright(editor_client, settings):
    # Orientation 6: the camera held sideways, the pixels are stored 120 wide, shown 80 wide.
    photo = saved_photo(
        editor_client,
        SimpleUploadedFile("sideways.jpg", jpeg_with_exif(size=(120, 80), orientation=6), content_type="image/jpeg"),
    )
    assert (photo.width, photo.height) == (80, 120)
    with Image.open(Path(settings.MEDIA_ROOT) / photo.image.name) as stored:
        assert stored.size == (80, 120)
        assert ORIENTATION not in stored.getexif()
    assert [(r["width"], r["height"]) for r in photo.renditions] == [(80, 120)]


def assert_safely_stored(photo, settings):
    root = Path(settings.MEDIA_ROOT).resolve()
    name = photo.image.name
    assert name.startswith("photos/") and name.isascii() and ".." not in name
    assert (root / name).resolve().is_relative_to(root / "photos")
    for stored in stored_files(settings):
        assert stored.startswith("photos/") and stored.isascii(), stored


def test_unicode_file_name_is_stored_under_an_ascii_name(editor_client, settings):
    upload = SimpleUploadedFile("WechatIMG814_副本.png", image_bytes("PNG", size=(64, 48)), content_type="image/png")
    photo = saved_photo(editor_client, upload)
    assert_safely_stored(photo, settings)
    assert photo.image.name.endswith(".png") and "WechatIMG814" not in photo.image.name


def test_path_traversal_file_name_stays_inside_media_root(editor_client, settings):
    # The test client strips directories from file names; a hostile browser does not, so write the body by hand.
    upload = SimpleUploadedFile("evil.png", image_bytes("PNG", size=(64, 48)), content_type="image/png")
    body = encode_multipart(BOUNDARY, article_form_data(image=upload))
    body = body.replace(b'filename="evil.png"', b'filename="../../evil.png"')
    assert b'filename="../../evil.png"' in body
    response = editor_client.post(ADD_URL, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 302, error_texts(response)
    assert_safely_stored(Photo.objects.get(), settings)
    assert not (Path(settings.MEDIA_ROOT).parent / "evil.png").exists()


def small_png(name="photo.png"):
    return SimpleUploadedFile(name, image_bytes("PNG", size=(40, 30)), content_type="image/png")


def test_two_new_lead_photos_in_one_save_are_a_form_error(editor_client, settings):
    data = article_form_data(image=small_png(), is_lead="on")
    data.update(
        {
            "photos-TOTAL_FORMS": "2",
            "photos-1-image": small_png("second.png"),
            "photos-1-alt_text": "Second photo",
            "photos-1-position": "1",
            "photos-1-is_lead": "on",
        }
    )
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "An article can have only one lead photo." in error_texts(response)
    assert not Article.objects.exists() and not Photo.objects.exists()
    assert stored_files(settings) == []


def existing_photo_form_data(article, photo, **fields):
    data = article_form_data(**fields)
    data.update(
        {
            "title": article.title,
            "slug": article.slug,
            "status": article.status,
            "opened_version": str(article.version),
            "photos-TOTAL_FORMS": "2",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(photo.pk),
            "photos-0-article": str(article.pk),
            "photos-0-alt_text": photo.alt_text,
            "photos-1-image": small_png("new.png"),
            "photos-1-alt_text": "New photo",
            "photos-1-position": "1",
            "photos-1-is_lead": "on",
            "photos-1-article": str(article.pk),
        }
    )
    return data


def test_a_second_lead_photo_next_to_an_existing_one_is_a_form_error(editor_client):
    article = make_article()
    lead = make_photo(article, is_lead=True)
    data = existing_photo_form_data(article, lead, is_lead="on")
    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", data)

    assert response.status_code == 200
    assert any("only one lead photo" in error for error in error_texts(response)), error_texts(response)
    assert list(Photo.objects.values_list("pk", "is_lead")) == [(lead.pk, True)]


def test_moving_the_lead_to_a_new_photo_in_one_save_works(editor_client):
    article = make_article()
    old_lead = make_photo(article, is_lead=True)
    response = editor_client.post(
        f"/admin/articles/article/{article.pk}/change/", existing_photo_form_data(article, old_lead)
    )
    assert response.status_code == 302, error_texts(response)
    assert list(Photo.objects.order_by("pk").values_list("alt_text", "is_lead")) == [
        (old_lead.alt_text, False),
        ("New photo", True),
    ]


def test_good_photo_with_an_invalid_article_writes_no_file(editor_client, settings):
    data = article_form_data(image=small_png())
    data["title"] = ""
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "This field is required." in error_texts(response)
    assert not Article.objects.exists() and not Photo.objects.exists()
    assert stored_files(settings) == []

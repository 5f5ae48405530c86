"""Photos that are legal but unusual (panoramas, strips, multi-picture JPEGs, long names) and storage that fails.

Every photo the formats allow within the pixel cap is accepted, with renditions that fit WebP's limits; any
failure while processing or writing is a form error naming the file, with nothing saved and no file left.
"""

import errno
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import images
from articles.models import Article, Photo
from tests.articles.test_uploads import ADD_URL, article_form_data, error_texts, stored_files

pytestmark = pytest.mark.django_db


def picture(fmt, size, **save_options):
    """A real picture with detail along its length (a gradient), so resizing has something to keep."""
    width, height = size
    row = Image.linear_gradient("L").resize((width, 1))
    image = Image.merge("RGB", [row, row.transpose(Image.Transpose.FLIP_LEFT_RIGHT), row]).resize(size)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def upload_through_admin(client, name, data, content_type="image/jpeg"):
    return client.post(ADD_URL, article_form_data(image=SimpleUploadedFile(name, data, content_type=content_type)))


def assert_renditions_fit(photo, settings):
    """Every rendition is a real WebP within WebP's limits, in the photo's proportions, the largest the sharpest."""
    assert photo.renditions
    for rendition in photo.renditions:
        with Image.open(Path(settings.MEDIA_ROOT) / rendition["name"]) as stored:
            assert stored.format == "WEBP"
            assert stored.size == (rendition["width"], rendition["height"])
        assert max(rendition["width"], rendition["height"]) <= images.WEBP_MAX_SIDE
        # Proportions kept to within the rounding of one pixel on the short side.
        assert abs(rendition["height"] - photo.height * rendition["width"] / photo.width) <= 1
    # The largest is the photo itself, or as large as WebP allows: one pixel wider would not fit.
    width = photo.renditions[-1]["width"]
    wider = (width + 1, round(photo.height * (width + 1) / photo.width))
    assert width == photo.width or max(wider) > images.WEBP_MAX_SIDE


PANORAMAS = [
    ("panorama.jpg", "JPEG", (17000, 1200), "image/jpeg", ".jpg"),
    ("strip.png", "PNG", (20000, 300), "image/png", ".png"),
    ("tower.png", "PNG", (300, 20000), "image/png", ".png"),
    ("wide.gif", "GIF", (20000, 40), "image/gif", ".png"),
]


@pytest.mark.parametrize(("name", "fmt", "size", "content_type", "stored_as"), PANORAMAS)
def test_panoramas_and_strips_are_accepted_with_renditions_that_fit_webp(
    editor_client, settings, name, fmt, size, content_type, stored_as
):
    response = upload_through_admin(editor_client, name, picture(fmt, size), content_type)
    assert response.status_code == 302, error_texts(response)
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == size
    assert photo.image.name.endswith(stored_as)
    assert_renditions_fit(photo, settings)
    # Readers' pages name only files that exist.
    crops = [crop["name"] for crop in photo.social_crops]
    assert set(stored_files(settings)) == {photo.image.name, *(r["name"] for r in photo.renditions), *crops}


def test_a_panorama_gets_the_usual_widths_and_a_largest_that_fits():
    assert images.rendition_sizes(17000, 1200, (320, 640, 960, 1280, 1920)) == [
        (320, 23),
        (640, 45),
        (960, 68),
        (1280, 90),
        (1920, 136),
        (16383, 1156),
    ]
    # A tall strip: the height is what must fit, and the widths are never larger than the photo.
    assert images.rendition_sizes(300, 20000, (320, 640)) == [(245, 16333)]


def test_a_gif_whose_logical_screen_is_wider_than_webp_is_accepted(editor_client, settings):
    # The logical screen is what Pillow reports as the size; the one frame in it is small.
    frame = Image.new("P", (20000, 10), 3)
    buffer = io.BytesIO()
    frame.save(buffer, format="GIF")
    response = upload_through_admin(editor_client, "screen.gif", buffer.getvalue(), "image/gif")
    assert response.status_code == 302, error_texts(response)
    assert_renditions_fit(Photo.objects.get(), settings)


def test_a_multi_picture_jpeg_is_stored_as_the_jpeg_it_is(editor_client, settings):
    first = Image.new("RGB", (640, 480), (200, 40, 40))
    second = Image.new("RGB", (640, 480), (40, 40, 200))
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(buffer.getvalue())) as check:
        assert check.format == "MPO" and check.n_frames == 2
    response = upload_through_admin(editor_client, "DSCF0001.MPO.jpg", buffer.getvalue())
    assert response.status_code == 302, error_texts(response)
    photo = Photo.objects.get()
    assert photo.image.name.endswith(".jpg")
    with Image.open(Path(settings.MEDIA_ROOT) / photo.image.name) as stored:
        assert stored.format == "JPEG" and stored.size == (640, 480)
        assert stored.getpixel((320, 240))[0] > 150  # the first picture, not the second


@pytest.mark.parametrize(
    "name",
    [
        "x" * 150 + ".jpg",
        "صورة_" * 25 + ".jpg",
        "上海浦东新区智慧城市运行管理中心大屏幕展示的城市运行体征数据图片" * 4 + ".jpg",
        "🏙️🌃" * 40 + ".jpg",
    ],
)
def test_long_and_non_latin_file_names_are_fine(editor_client, settings, name):
    assert len(name) > 100
    response = upload_through_admin(editor_client, name, picture("JPEG", (400, 300)))
    assert response.status_code == 302, error_texts(response)
    photo = Photo.objects.get()
    assert photo.image.name.isascii() and len(photo.image.name) < 100


def assert_nothing_saved(settings):
    assert not Article.objects.exists()
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_an_unexpected_failure_while_making_renditions_is_a_form_error_naming_the_file(
    editor_client, settings, monkeypatch
):
    def broken(image, widths=None):
        raise RuntimeError("libwebp: out of memory")

    monkeypatch.setattr(images, "encode_renditions", broken)
    response = upload_through_admin(editor_client, "harbour-at-dusk.jpg", picture("JPEG", (800, 500)))
    assert response.status_code == 200
    assert error_texts(response) == [
        "“harbour-at-dusk.jpg” could not be processed into the sizes pages show; nothing was saved. "
        "Try saving the picture again as JPEG or PNG, or send it to the web team."
    ]
    assert_nothing_saved(settings)


def full_disk_after(writes_that_succeed, monkeypatch):
    """The storage writes part of a file and then finds the disk full, as FileSystemStorage does on ENOSPC."""
    original_save = FileSystemStorage._save
    calls = []

    def save(storage, name, content):
        calls.append(name)
        if len(calls) <= writes_that_succeed:
            return original_save(storage, name, content)
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")  # created, then the first write fails: the 0-byte file of the bug report
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    return calls


@pytest.mark.parametrize("writes_that_succeed", [0, 1, 3])
def test_a_full_disk_during_an_upload_is_a_form_error_with_nothing_left_behind(
    editor_client, settings, monkeypatch, writes_that_succeed
):
    calls = full_disk_after(writes_that_succeed, monkeypatch)
    response = upload_through_admin(editor_client, "ceremony.jpg", picture("JPEG", (2000, 1200)))
    assert response.status_code == 200
    # The photo's own writes; keeping the chosen file for the next try (a staged upload) meets the full disk too.
    assert len([name for name in calls if name.startswith("photos/")]) == writes_that_succeed + 1
    errors = error_texts(response)
    assert errors == [
        "“ceremony.jpg” could not be stored (No space left on device), so nothing was saved. "
        "Choose the photos again and save; if it happens again, tell the web team."
    ]
    assert_nothing_saved(settings)


def test_a_full_disk_while_importing_a_story_rejects_it_with_nothing_left_behind(tmp_path, settings, monkeypatch):
    from tests.articles.test_import_story import HEADER, import_story, write_story

    story = write_story(tmp_path, HEADER + "Updated: 2021-03-02 09:30\n\nText.\n\nhall.png\n\nThe hall.\n")
    (tmp_path / "hall.png").write_bytes(picture("PNG", (640, 400)))
    full_disk_after(1, monkeypatch)
    stdout, stderr, error = import_story(story)
    assert error is not None
    assert "line 8: “hall.png” could not be stored (No space left on device)" in stderr
    assert_nothing_saved(settings)


def mount_small_tmpfs(path, size):
    """Mount a tmpfs of ``size`` at ``path``, or return why this machine does not allow it."""
    if shutil.which("mount") is None:
        return "the mount command is missing"
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True
    )
    if result.returncode != 0:
        return f"this machine does not allow mounting a tmpfs: {result.stderr.strip() or result.returncode}"
    return None


@pytest.fixture
def small_media_disk(settings, tmp_path):
    """MEDIA_ROOT on a real 300 kB filesystem of its own."""
    media = tmp_path / "small-disk"
    problem = mount_small_tmpfs(media, "300k")
    if problem:
        pytest.skip(problem)
    settings.MEDIA_ROOT = media
    try:
        yield media
    finally:
        subprocess.run(["umount", str(media)], check=True)


def test_a_really_full_disk_is_a_form_error_with_nothing_left_behind(editor_client, settings, small_media_disk):
    # Noise does not compress: the stored PNG alone is far larger than the disk.
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    response = upload_through_admin(editor_client, "noise.png", buffer.getvalue(), "image/png")
    assert response.status_code == 200
    assert "could not be stored (No space left on device)" in " ".join(error_texts(response))
    assert_nothing_saved(settings)
    assert [p for p in small_media_disk.rglob("*") if p.is_file()] == []

    # The same disk takes a photo that fits: the failure was the disk, and it is usable again.
    response = upload_through_admin(editor_client, "small.jpg", picture("JPEG", (400, 300)))
    assert response.status_code == 302, error_texts(response)
    assert Photo.objects.count() == 1

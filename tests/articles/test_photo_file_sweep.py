"""``manage.py remove_orphaned_photo_files``: lists, then removes, only old photo files no photo uses."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Photo
from tests.conftest import make_article, make_photo

pytestmark = pytest.mark.django_db

HOUR = 3600


def write(settings, name, size, hours_old):
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    age(settings, name, hours_old)


def age(settings, name, hours_old):
    then = time.time() - hours_old * HOUR
    os.utime(Path(settings.MEDIA_ROOT) / name, (then, then))


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def sweep(*args):
    out = io.StringIO()
    call_command("remove_orphaned_photo_files", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_sweep_lists_then_removes_only_old_files_that_no_photo_uses(settings, django_assert_num_queries):
    photo = make_photo(make_article())
    used = [photo.image.name, *(r["name"] for r in photo.renditions), *(c["name"] for c in photo.social_crops)]
    # The benchmark's shared images: many photos name the same files under photos/bench/.
    bench = ["photos/bench/bench-0.jpg", "photos/bench/bench-0-320w.webp"]
    for article in (make_article(), make_article()):
        Photo.objects.create(
            article=article,
            alt_text="Shared",
            image=bench[0],
            renditions=[{"width": 320, "height": 200, "name": bench[1]}],
        )
    for name in used:
        age(settings, name, hours_old=48)
    for name in bench:
        write(settings, name, size=50, hours_old=24 * 365)
    write(settings, "photos/2025/01/orphan.jpg", size=1234, hours_old=48)
    write(settings, "photos/2025/01/orphan-320w.webp", size=100, hours_old=25)
    write(settings, "photos/bench/bench-9.jpg", size=7, hours_old=48)  # no photo uses it any more
    write(settings, "photos/2025/02/being-saved.jpg", size=10, hours_old=1)
    write(settings, "elsewhere/not-a-photo.txt", size=10, hours_old=48)
    everything = media_files(settings)

    with django_assert_num_queries(1):  # the names in use are read in one query, whatever the table's size
        listed = sweep()
    assert listed == [
        "would remove photos/2025/01/orphan-320w.webp (100 bytes)",
        "would remove photos/2025/01/orphan.jpg (1,234 bytes)",
        "would remove photos/bench/bench-9.jpg (7 bytes)",
        "Found 3 unused photo files, 1,341 bytes; nothing removed (run with --delete to remove them).",
    ]
    assert media_files(settings) == everything, "a dry run removes nothing"

    assert sweep("--delete") == [
        "removed photos/2025/01/orphan-320w.webp (100 bytes)",
        "removed photos/2025/01/orphan.jpg (1,234 bytes)",
        "removed photos/bench/bench-9.jpg (7 bytes)",
        "Removed 3 unused photo files, 1,341 bytes.",
    ]
    kept = sorted([*used, *bench, "photos/2025/02/being-saved.jpg", "elsewhere/not-a-photo.txt"])
    assert media_files(settings) == kept
    assert sweep() == ["Found 0 unused photo files, 0 bytes; nothing removed (run with --delete to remove them)."]


def test_a_shorter_grace_period_reaches_younger_files_but_never_used_ones(settings):
    photo = make_photo(make_article())
    write(settings, "photos/2025/02/abandoned.jpg", size=10, hours_old=2)
    assert sweep("--older-than-hours", "3") == [
        "Found 0 unused photo files, 0 bytes; nothing removed (run with --delete to remove them)."
    ]
    assert sweep("--older-than-hours", "1", "--delete") == [
        "removed photos/2025/02/abandoned.jpg (10 bytes)",
        "Removed 1 unused photo file, 10 bytes.",
    ]
    assert sweep("--older-than-hours", "0", "--delete")[-1] == "Removed 0 unused photo files, 0 bytes."
    assert all((Path(settings.MEDIA_ROOT) / name).exists() for name in [photo.image.name, photo.renditions[0]["name"]])


def test_without_a_photos_folder_there_is_nothing_to_do(settings):
    assert sweep("--delete") == ["No photos/ folder in the media storage: nothing to do."]

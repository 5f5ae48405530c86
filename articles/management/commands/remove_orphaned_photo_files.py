"""
``manage.py remove_orphaned_photo_files [--delete]``: files under the photos folder that no photo names.

A failed save removes its own files (articles/uncommitted_files.py); this finds what is left when
a transaction rolled back outside the blocks that clean up after it, when no Python code ran at all
(a worker killed mid-save, a lost server), and what older versions left behind. A file is an orphan
when no Photo names it as its image or as one of its renditions and it is older than the grace
period, so an upload whose row is not committed yet is never touched. Lists them by default;
removes them only with ``--delete``.
"""

from argparse import ArgumentTypeError
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.models import Photo


def hours(value):
    try:
        number = float(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ArgumentTypeError(f"a number of hours, 0 or more, not {value!r}")
    return number


def referenced_names():
    """Every file name a photo uses, read in chunks: one query, whatever the size of the table."""
    names = set()
    rows = Photo.objects.values_list("image", "renditions", "social_crops").iterator(chunk_size=2000)
    for image, renditions, social_crops in rows:
        names.add(image)
        names.update(rendition["name"] for rendition in renditions)
        names.update(crop["name"] for crop in social_crops)
    return names


def stored_files(storage, folder):
    """``(name, modified, size)`` of each file under ``folder`` in ``storage``, in a stable order.

    A bucket (django-storages' S3Storage) lists a thousand objects with their times and sizes per
    request; a folder on disk is walked depth first.
    """
    if hasattr(storage, "bucket"):
        for summary in storage.bucket.objects.filter(Prefix=f"{folder}/"):
            yield summary.key, summary.last_modified, summary.size
        return
    directories, files = storage.listdir(folder)
    for file_name in sorted(files):
        name = f"{folder}/{file_name}"
        try:
            yield name, storage.get_modified_time(name), storage.size(name)
        except FileNotFoundError:  # removed by someone else since it was listed
            continue
    for directory in sorted(directories):
        yield from stored_files(storage, f"{folder}/{directory}")


class Command(BaseCommand):
    help = (
        "List the files under photos/ in the media storage (MEDIA_ROOT or the bucket) that no photo uses "
        "(neither as its image nor as a rendition) "
        "and that are older than the grace period; remove them with --delete. Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the files (default: only list them).")
        parser.add_argument(
            "--older-than-hours",
            type=hours,
            default=24,
            metavar="HOURS",
            help="Grace period: younger files are kept, so a save in progress is never touched (default: 24).",
        )

    def handle(self, *args, delete, older_than_hours, **options):
        field = Photo._meta.get_field("image")
        storage, folder = field.storage, field.upload_to.strip("/")
        if not hasattr(storage, "bucket") and not storage.exists(folder):
            self.stdout.write(f"No {folder}/ folder in the media storage: nothing to do.")
            return
        cutoff = timezone.now() - timedelta(hours=older_than_hours)
        # Read before listing: a row committed meanwhile names files younger than the grace period.
        referenced = referenced_names()
        count = total = 0
        for name, modified, size in stored_files(storage, folder):
            if name in referenced or modified > cutoff:
                continue
            if delete:
                try:
                    storage.delete(name)
                except FileNotFoundError:  # removed by someone else since it was listed
                    continue
            count += 1
            total += size
            self.stdout.write(f"{'removed' if delete else 'would remove'} {name} ({size:,} bytes)")
        summary = f"{count} unused photo file{'' if count == 1 else 's'}, {total:,} bytes"
        if delete:
            self.stdout.write(self.style.SUCCESS(f"Removed {summary}."))
        else:
            self.stdout.write(f"Found {summary}; nothing removed (run with --delete to remove them).")

"""
``manage.py copy_media_files export DIR`` / ``import DIR``: every file of the media storage to or from a folder.

deploy/backup.sh and restore.sh use it when photos live in a bucket (``MEDIA_BUCKET``): the backup
downloads every object into a folder it then archives and checksums like ``MEDIA_ROOT``; the
restore uploads the checked files back through the same storage, so they get their Content-Type
and Cache-Control again.
"""

from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError


def stored_names(storage, folder=""):
    directories, files = storage.listdir(folder)
    prefix = f"{folder}/" if folder else ""
    for file_name in sorted(files):
        yield f"{prefix}{file_name}"
    for directory in sorted(directories):
        yield from stored_names(storage, f"{prefix}{directory}")


class Command(BaseCommand):
    help = "Copy every file of the media storage (MEDIA_ROOT or the bucket) into a folder (export), or back (import)."

    def add_arguments(self, parser):
        parser.add_argument("direction", choices=["export", "import"])
        parser.add_argument("folder", type=Path)

    def handle(self, *args, direction, folder, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        count = 0
        if direction == "export":
            for name in stored_names(default_storage):
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with default_storage.open(name) as source:
                    target.write_bytes(source.read())
                count += 1
        else:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = path.relative_to(folder).as_posix()
                if default_storage.exists(name):
                    default_storage.delete(name)
                with path.open("rb") as content:
                    stored = default_storage.save(name, File(content))
                if stored != name:
                    raise CommandError(f"{name} was stored as {stored}")
                count += 1
        self.stdout.write(f"{direction}ed {count} file{'' if count == 1 else 's'}")

"""
``manage.py import_story FILE...``: plain-text stories in, draft articles out.

Each file is imported in its own transaction: a malformed file is reported and
leaves nothing behind, and the files after it are still imported. The command
fails (non-zero exit status) when any file was rejected.
"""

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.importer import MalformedStory, create_draft, locate_photos, parse_story, read_story
from articles.models import Section


def counted(number, singular, plural):
    return f"{number} {singular if number == 1 else plural}"


class Command(BaseCommand):
    help = (
        "Import plain-text stories (site, title, From:, Updated:, paragraphs, image file lines) as draft "
        "articles. Photos are looked for next to each story file."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Story files, UTF-8 text.")
        parser.add_argument(
            "--source-timezone",
            metavar="ZONE",
            help='IANA time zone of the stories\' "Updated:" times '
            "(default: the IMPORT_SOURCE_TIME_ZONE setting, Asia/Shanghai unless configured).",
        )
        parser.add_argument("--section", metavar="SLUG", help="File the drafts in this section.")
        parser.add_argument("--dry-run", action="store_true", help="Check the files and report; save nothing.")

    def handle(self, *args, files, source_timezone, section, dry_run, **options):
        zone_name = source_timezone or settings.IMPORT_SOURCE_TIME_ZONE
        try:
            self.source_tz = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f'Unknown time zone "{zone_name}"; use an IANA name such as Asia/Shanghai.') from None
        if section is not None:
            try:
                section = Section.objects.get(slug=section)
            except Section.DoesNotExist:
                known = ", ".join(Section.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f'No section with the slug "{section}" (sections: {known}).') from None

        rejected = 0
        for file_name in files:
            try:
                with transaction.atomic():
                    parsed = parse_story(read_story(file_name), self.source_tz)
                    if dry_run:
                        self.report_dry_run(file_name, parsed)
                    else:
                        self.report(
                            file_name, parsed, create_draft(parsed, folder=Path(file_name).parent, section=section)
                        )
            except MalformedStory as error:
                rejected += 1
                self.stderr.write(f"{file_name}: rejected: {error}")
        if rejected:
            raise CommandError(
                f"{rejected} of {counted(len(files), 'file', 'files')} rejected; nothing was saved from "
                f"{'it' if rejected == 1 else 'them'}."
            )

    def report(self, file_name, parsed, draft):
        article = draft.article
        self.stdout.write(
            f"{file_name}: created draft «{article.title}» (id {article.pk}), "
            f"{counted(len(parsed.paragraphs), 'paragraph', 'paragraphs')}, "
            f"{counted(len(draft.photos_imported), 'photo', 'photos')} imported, "
            f"{counted(len(draft.photos_missing), 'photo', 'photos')} missing"
        )
        self.stdout.write(f"  source updated {self.describe_time(parsed)}")
        self.report_notes(parsed)
        for image in draft.photos_imported:
            self.stdout.write(
                f"  photo imported: {image.file_name} (line {image.line}); its alt text was taken from the "
                "caption: an editor must review it before publishing"
            )
        for image in draft.photos_missing:
            self.stdout.write(
                f"  photo missing: {image.file_name} (line {image.line}); a note marks its place in the body"
            )

    def report_dry_run(self, file_name, parsed):
        photo_files = locate_photos(parsed, Path(file_name).parent)
        missing = sum(path is None for path in photo_files.values())
        self.stdout.write(
            f"{file_name}: would create draft «{parsed.title}», "
            f"{counted(len(parsed.paragraphs), 'paragraph', 'paragraphs')}, "
            f"{counted(len(photo_files) - missing, 'photo', 'photos')} to import, "
            f"{counted(missing, 'photo', 'photos')} missing (dry run: nothing saved)"
        )
        self.stdout.write(f"  source updated {self.describe_time(parsed)}")
        self.report_notes(parsed)

    def report_notes(self, parsed):
        for note in parsed.notes:
            self.stdout.write(f"  text cleaned: {note}")

    def describe_time(self, parsed):
        source_time = parsed.updated_at.astimezone(self.source_tz)
        return f"{source_time:%Y-%m-%d %H:%M} {self.source_tz.key} = {parsed.updated_at:%Y-%m-%d %H:%M} UTC"

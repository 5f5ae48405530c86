"""``manage.py remove_expired_staged_uploads``: remove the photos kept for failed saves once they have expired.

A kept photo (articles/staged_uploads.py) is removed when its save succeeds, or when a form asks for it
after ``STAGED_UPLOAD_MAX_AGE``; an editor who never comes back leaves it to this command. Run it hourly.
"""

from django.core.management.base import BaseCommand

from articles import staged_uploads


class Command(BaseCommand):
    help = "Remove photos kept for failed article saves that are older than STAGED_UPLOAD_MAX_AGE seconds."

    def handle(self, *args, **options):
        removed = staged_uploads.remove_expired()
        for name in removed:
            self.stdout.write(f"removed {name}")
        self.stdout.write(f"{len(removed)} expired staged upload(s) removed.")

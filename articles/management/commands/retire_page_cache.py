"""Retire every cached page at once, e.g. after restoring a backup straight into the database."""

from django.core.management.base import BaseCommand

from citynews.pagecache import bump_generation


class Command(BaseCommand):
    help = "Retire every cached page (the next request for each page renders it afresh)."

    def handle(self, *args, **options):
        bump_generation()
        self.stdout.write(self.style.SUCCESS("Every cached page is retired."))

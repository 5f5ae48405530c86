"""Write the branded pages nginx serves itself: 429 to a client searching too fast, 502, 503 and 504 while the app
cannot answer."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from citynews.errors import write_proxy_error_pages


class Command(BaseCommand):
    help = (
        "Render templates/429.html, 502.html, 503.html and 504.html to STATIC_ROOT/errors/ (deploy/nginx.conf serves "
        "them to a client searching too fast, and when gunicorn is down or too slow). Run after every collectstatic."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="where to write the pages (default: STATIC_ROOT/errors, where deploy/nginx.conf looks)",
        )

    def handle(self, *args, directory, **options):
        directory = directory or Path(settings.STATIC_ROOT) / "errors"
        try:
            written = write_proxy_error_pages(directory)
        except ValueError as error:
            # The manifest storage cannot name the hashed stylesheet before collectstatic has run.
            raise CommandError(f"{error}: run `manage.py collectstatic` first") from None
        for path in written:
            self.stdout.write(f"wrote {path}")

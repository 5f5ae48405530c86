"""Ask the running site for the pages readers ask for most, so that a new release's first readers find them drawn.

Every cached page and fragment is keyed by the release (citynews.fragments.release), so a deploy starts with
nothing kept. Run after the restart (deploy/README.md), against the address readers use: through nginx, its
microcache fills too. A page that does not answer 200 is reported, not retried; the site works without it.
"""

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from articles.models import Article, Section
from awards.models import City


def reader_paths(stories):
    """The front page, the latest stories, every section and city, and the ``stories`` newest stories."""
    newest = Article.objects.published().order_by("-published_at").only("slug", "published_at")[:stories]
    return [
        "/",
        reverse("articles:latest"),
        *(section.get_absolute_url() for section in Section.objects.order_by("pk")),
        *(city.get_absolute_url() for city in City.objects.order_by("pk")),
        *(story.get_absolute_url() for story in newest),
    ]


def status_of(url):
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers={"User-Agent": "citynews-warm-pages"}), timeout=60
        ) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return str(error)


class Command(BaseCommand):
    help = "Ask the running site for its most read pages once, so that they are drawn before readers ask."

    def add_arguments(self, parser):
        parser.add_argument("base_url", help="the site's address as readers use it, e.g. https://citynews.example")
        parser.add_argument("--stories", type=int, default=200, help="how many of the newest stories (200)")
        parser.add_argument(
            "--concurrency", type=int, default=2, help="requests at a time (2: leave the workers to readers)"
        )

    def handle(self, *args, base_url, stories, concurrency, **options):
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"{base_url!r} is not an http:// or https:// address")
        urls = [base_url.rstrip("/") + path for path in reader_paths(max(stories, 0))]
        with ThreadPoolExecutor(max_workers=max(concurrency, 1)) as pool:
            statuses = list(pool.map(status_of, urls))
        failed = [(url, status) for url, status in zip(urls, statuses, strict=True) if status != 200]
        for url, status in failed:
            self.stderr.write(f"{url}: {status}")
        self.stdout.write(f"{len(urls) - len(failed)} of {len(urls)} pages drawn.")

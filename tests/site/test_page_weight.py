"""An article page stays light: its HTML, CSS and JavaScript together under 60 KB uncompressed."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from articles.models import Article
from tests.conftest import parse

pytestmark = pytest.mark.django_db
BUDGET = 60 * 1024


def test_article_page_with_its_css_and_js_is_under_60_kb(client):
    call_command("load_demo", stdout=None)
    story = Article.objects.get(slug="shenzhen-wins-enabling-technologies-award-scewc-2020")
    response = client.get(story.get_absolute_url())
    page = parse(response)
    assets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assets += [script["src"] for script in page.select("script[src]")]
    sizes = {url: Path(finders.find(url.removeprefix("/static/"))).stat().st_size for url in assets}
    for url in assets:
        assert url.startswith("/static/"), f"{url} is not served by us (no third-party render-blocking assets)"
    total = len(response.content) + sum(sizes.values())
    assert total < BUDGET, f"article page weighs {total} bytes: HTML {len(response.content)}, assets {sizes}"

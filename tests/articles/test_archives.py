from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import make_article, make_section, parse

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


def titles(response):
    return [a.get_text(strip=True) for a in parse(response).select("main .card__title a")]


@pytest.fixture
def stories():
    return {
        "march": make_article(title="March story", published_at=at(2025, 3, 10)),
        "march_late": make_article(title="Late March story", published_at=at(2025, 3, 28)),
        "june": make_article(title="June story", published_at=at(2025, 6, 1)),
        "old": make_article(title="Old story", published_at=at(2024, 12, 31)),
        "draft": make_article(title="Draft", status=Article.Status.DRAFT, published_at=at(2025, 3, 15)),
    }


def test_year_archive_lists_live_stories_and_months(client, stories):
    response = client.get("/2025/")
    assert response.status_code == 200
    assert titles(response) == ["June story", "Late March story", "March story"]
    months = [a["href"] for a in parse(response).select("main .archive-months a")]
    assert months == ["/2025/03/", "/2025/06/"]


def test_month_archive(client, stories):
    response = client.get("/2025/03/")
    assert response.status_code == 200
    assert titles(response) == ["Late March story", "March story"]
    page = parse(response)
    assert page.select_one("main h1").get_text() == "March 2025"
    assert page.select_one("a[rel=prev]")["href"] == "/2024/12/"
    assert page.select_one("a[rel=next]")["href"] == "/2025/06/"


def test_empty_or_impossible_archives_are_404(client, stories):
    assert client.get("/2023/").status_code == 404
    assert client.get("/2025/04/").status_code == 404
    assert client.get("/2025/13/").status_code == 404
    assert client.get("/2025/xx/").status_code == 404
    assert client.get("/2025/?page=9").status_code == 404


def test_scheduled_story_absent_until_live(client):
    soon = timezone.now() + timedelta(days=1)
    make_article(title="Soon", published_at=soon)
    local = timezone.localtime(soon)
    assert client.get(f"/{local.year}/{local.month:02d}/").status_code == 404
    assert "Soon" not in parse(client.get("/archive/")).get_text()


def test_archive_index_counts_per_month(client, stories):
    page = parse(client.get("/archive/"))
    years = [h.get_text(strip=True) for h in page.select("main section h2")]
    assert years == ["2025", "2024"]
    months = [(li.a["href"], li.span.get_text()) for li in page.select("main .archive-months li")]
    assert months == [("/2025/06/", "(1)"), ("/2025/03/", "(2)"), ("/2024/12/", "(1)")]


def test_section_list_counts_live_stories(client):
    awards = make_section(name="Awards", slug="awards", position=1)
    make_section(name="Rankings", slug="rankings", position=2)
    make_article(section=awards)
    make_article(section=awards, status=Article.Status.DRAFT, published_at=None)
    response = client.get("/sections/")
    assert response.status_code == 200
    items = parse(response).select("main .section-list > li")
    assert [li.h2.get_text() for li in items] == ["Awards", "Rankings"]
    assert [li.select_one(".meta").get_text(strip=True).split(" ·")[0] for li in items] == ["1 story", "0 stories"]


@pytest.mark.parametrize("url", ["/2025/05/", "/2025/"])
def test_archive_query_count_is_fixed(client, django_assert_max_num_queries, url):
    make_article(published_at=at(2025, 5, 2), tags=["x"])
    with django_assert_max_num_queries(9) as one:
        assert client.get(url).status_code == 200
    for day in range(1, 29):
        make_article(published_at=at(2025, 5, day, 9), tags=["x", f"t{day}"])
    with django_assert_max_num_queries(9) as many:
        assert client.get(url).status_code == 200
    assert len(one.captured_queries) == len(many.captured_queries)

"""Readers' journeys through the awards data: sortable rankings, a city's whole news, index pages, search by alias."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.models import Article
from awards.charts import axis_positions
from tests.awards.factories import (
    make_city,
    make_edition,
    make_entry,
    make_programme,
    make_ranking,
    make_recognition,
)
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db


def table_cities(page):
    return [row.th.get_text(strip=True) for row in page.select(".ranking-table tbody tr")]


@pytest.fixture
def ranking():
    ranking = make_ranking(slug="green", year=2021, title="Green cities", higher_score_is_better=True)
    previous = make_ranking(slug="green", year=2020, title="Green cities")
    for name, position, score, before in (("Wuhan", 1, "88.5", 3), ("Beijing", 2, "91", 1), ("Chengdu", 3, None, None)):
        city = make_city(name=name)
        make_entry(ranking, city, position=position, score=Decimal(score) if score else None)
        if before:
            make_entry(previous, city, position=before)
    return ranking


def test_a_ranking_sorts_by_plain_links(client, ranking):
    page = parse(client.get(ranking.get_absolute_url()))
    assert table_cities(page) == ["Wuhan", "Beijing", "Chengdu"]
    links = {link.get_text(): link["href"] for link in page.select(".sort-links a")}
    assert links == {"Position": ranking.get_absolute_url(), "City": "?sort=city", "Score": "?sort=score"}
    assert page.select_one(".sort-links [aria-current]").get_text() == "Position"
    by_city = parse(client.get(f"{ranking.get_absolute_url()}?sort=city"))
    assert table_cities(by_city) == ["Beijing", "Chengdu", "Wuhan"]
    assert by_city.select_one("th[aria-sort]").get_text(strip=True) == "City"
    # Best score first; a city without a score last.
    assert table_cities(parse(client.get(f"{ranking.get_absolute_url()}?sort=score"))) == [
        "Beijing",
        "Wuhan",
        "Chengdu",
    ]
    assert client.get(f"{ranking.get_absolute_url()}?sort=<script>").status_code == 404
    # Every order has one canonical address: the ranking's.
    assert by_city.select_one('link[rel="canonical"]')["href"].endswith(ranking.get_absolute_url())


def test_movement_is_explained_in_words(client, ranking):
    page = parse(client.get(ranking.get_absolute_url()))
    key = page.select_one(".movement-key").get_text(" ", strip=True)
    assert key.startswith("Movement compares each city's position with the 2020 table")
    assert "“New” a city that was not in the 2020 table" in key
    rows = page.select(".ranking-table tbody tr")
    assert rows[0].select_one(".visually-hidden").get_text() == "Up 2 places since the previous edition"
    assert rows[2].select_one(".movement").get_text(" ", strip=True).startswith("New")


def test_the_score_column_is_left_out_when_no_entry_has_a_score(client):
    ranking = make_ranking(slug="plain", year=2021)
    make_entry(ranking, position=1)
    page = parse(client.get(ranking.get_absolute_url()))
    assert [th.get_text(" ", strip=True) for th in page.select(".ranking-table thead th")] == [
        "Position",
        "City",
        "Movement",
    ]
    assert len(page.select(".ranking-table tbody tr td")) == 2
    assert "Score" not in [link.get_text() for link in page.select(".sort-links a")]
    assert client.get(f"{ranking.get_absolute_url()}?sort=score").status_code == 404


def test_a_ranking_without_a_named_publisher_asks_readers_for_one(client):
    ranking = make_ranking(slug="unnamed", year=2020, publisher="")
    make_entry(ranking, position=1)
    page = parse(client.get(ranking.get_absolute_url()))
    question = page.select_one("#publisher")
    assert question.h2.get_text() == "Who publishes this ranking?"
    assert question.a["href"].startswith("mailto:newsroom@example.org?subject=")
    assert "not named in our source story" not in page.get_text()
    assert "Publisher:" not in page.select_one("header > p.meta").get_text()
    named = make_ranking(slug="named", year=2020, publisher="Tsinghua University")
    named_page = parse(client.get(named.get_absolute_url()))
    assert not named_page.select("#publisher")
    assert "Published by Tsinghua University" in named_page.select_one("header > p.meta").get_text()


def test_a_citys_news_goes_on_page_after_page_with_nothing_lost(client):
    city = make_city(name="Shenzhen", slug="shenzhen")
    district = make_city(name="Futian", slug="futian", parent=city)
    stories = []
    for n in range(60):
        story = make_article(title=f"Shenzhen story {n:02d}", published_at=timezone.now() - timedelta(hours=n))
        story.cities.set([city, district] if n % 5 == 0 else [district if n % 2 else city])
        stories.append(story)
    make_article(title="Draft about Shenzhen", status=Article.Status.DRAFT, published_at=None).cities.set([city])
    page = parse(client.get("/cities/shenzhen/"))
    assert len(page.select("#news .card")) == 12
    more = page.select_one("#news .block-more a")
    assert more["href"] == "/cities/shenzhen/news/?page=2"
    assert [link["href"] for link in page.select("#news .block-more a")][1:] == [
        "/cities/shenzhen/rss/",
        "/cities/shenzhen/atom/",
    ]
    seen, url = [], "/cities/shenzhen/news/"
    while url:
        page = parse(client.get(url))
        seen += [link.get_text() for link in page.select(".card__title a")]
        older = page.select_one(".pagination a[rel=next]")
        url = f"/cities/shenzhen/news/{older['href']}" if older else None
    assert seen == [story.title for story in stories]
    assert page.select_one(".pagination [aria-current]").get_text() == "Page 5, the last"
    # An old ?page= address of the city page leads to the news pages, not to page 1 again.
    response = client.get("/cities/shenzhen/?page=3")
    assert response.status_code == 301 and response["Location"] == "/cities/shenzhen/news/?page=3"
    assert client.get("/cities/shenzhen/news/?page=6").status_code == 404


def test_a_tag_that_names_a_city_leads_to_the_city_page(client):
    make_city(name="Shenzhen", slug="shenzhen")
    make_article(tags=["Shenzhen"])
    make_article(tags=["Smart grids"])
    link = parse(client.get("/tag/shenzhen/")).select_one(".tag-city a")
    assert link["href"] == "/cities/shenzhen/"
    assert not parse(client.get("/tag/smart-grids/")).select(".tag-city")


def test_award_programmes_are_found_by_short_name_and_alias(client):
    programme = make_programme(
        name="Smart City Expo World Congress", short_name="SCEWC", slug="scewc", aliases=["World Smart City Awards"]
    )
    make_programme(name="Other Prize", short_name="OP")
    for query in ("SCEWC", "scewc", "world smart city awards", "expo congress"):
        page = parse(client.get("/search/", {"q": query}))
        groups = {
            section.h2.get_text(): [a["href"] for a in section.select("a")] for section in page.select(".search-group")
        }
        assert groups.get("Award programmes") == [programme.get_absolute_url()], query


def test_empty_search_results_suggest_where_to_go(client):
    make_article(title="Shenzhen wins")
    page = parse(client.get("/search/", {"q": "zebra crossing"}))
    empty = page.select_one(".empty-results")
    assert "No stories match “zebra crossing”" in empty.get_text()
    assert {a["href"] for a in empty.select("a")} >= {"/latest/", "/cities/", "/awards/", "/rankings/"}


def test_chart_axes_mark_round_positions_between_first_and_last():
    assert axis_positions(32) == [1, 10, 20, 32]
    assert axis_positions(5) == [1, 2, 3, 4, 5]
    assert axis_positions(300) == [1, 50, 100, 150, 200, 250, 300]
    assert axis_positions(1) == [1]


def test_index_pages_show_what_each_item_holds(client):
    shenzhen = make_city(name="Shenzhen", country="China")
    make_city(name="Barcelona", country="Spain")
    make_recognition(make_edition(year=2020), city=shenzhen)
    make_entry(make_ranking(title="Online services", year=2019, slug="online"), shenzhen, position=4)
    make_entry(make_ranking(title="Online services", year=2020, slug="online"), shenzhen, position=1)
    page = parse(client.get("/cities/"))
    assert [h2.get_text() for h2 in page.select(".index-group h2")] == ["China", "Spain"]
    shenzhen_item = page.select_one(".index-group .index-item")
    assert shenzhen_item.select_one(".meta").get_text(" ", strip=True) == (
        "1 award · 1st of 32 in Online services (2020)"
    )
    programmes = parse(client.get("/awards/"))
    assert "Latest edition: 2020" in programmes.select_one(".index-item").get_text(" ", strip=True)
    rankings = parse(client.get("/rankings/"))
    item = rankings.select_one(".index-item")
    assert item.h2.a["href"] == "/rankings/online/2020/"
    assert "32 places · Published by Research centre" in item.get_text(" ", strip=True)

"""A fixed number of queries per page, whether there is one item or fifty."""

import pytest

from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_entry,
    make_organisation,
    make_ranking,
    make_recognition,
)
from tests.conftest import make_article, make_photo, page_queries, parse

pytestmark = pytest.mark.django_db

CITY_PAGE_BUDGET = 10
EDITION_PAGE_BUDGET = 5
PROGRAMME_PAGE_BUDGET = 5
RANKING_PAGE_BUDGET = 8


def add_city_facts(city, n, start):
    """n recognitions (city and district), n ranks in n rankings of two years each, n stories."""
    district = city.districts.first()
    for i in range(start, start + n):
        edition = make_edition(year=2000 + i)
        recognition = make_recognition(edition, city=district if i % 2 else city)
        for year, position in ((2019, 3), (2020, 1)):
            make_entry(make_ranking(slug=f"series-{i}", year=year), city, position=position)
        story = make_article(tags=["Shenzhen"])
        make_photo(story, is_lead=True)
        story.cities.set([city])
        story.recognitions.set([recognition])


def test_city_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    city = make_city(slug="shenzhen")
    make_city(parent=city)
    add_city_facts(city, 1, 0)
    client.get("/cities/shenzhen/")  # warm caches that are not per-request (content types)
    small = page_queries(client, "/cities/shenzhen/")
    add_city_facts(city, 49, 1)
    with django_assert_max_num_queries(CITY_PAGE_BUDGET):
        response = client.get("/cities/shenzhen/")
    page = parse(response)
    assert len(page.select("li.recognition")) == 50 and len(page.select("section.rank-history")) == 50
    assert page_queries(client, "/cities/shenzhen/") == small


def test_edition_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    edition = make_edition(year=2020)
    edition.host_cities.set([make_city(), make_city()])

    def add(n):
        for _ in range(n):
            recognition = make_recognition(edition, category=make_category(edition.programme))
            make_article().recognitions.set([recognition])

    add(1)
    url = edition.get_absolute_url()
    client.get(url)
    small = page_queries(client, url)
    add(49)
    with django_assert_max_num_queries(EDITION_PAGE_BUDGET):
        response = client.get(url)
    assert sum(len(group.recognitions) for group in response.context_data["categories"]) == 50
    assert page_queries(client, url) == small


def test_programme_page_query_count_does_not_grow_and_leaves_the_stories_to_each_edition(
    client, django_assert_max_num_queries
):
    programme = make_edition(year=2000).programme

    def add(start, n):
        for year in range(start, start + n):
            edition = make_edition(programme=programme, year=year)
            edition.host_cities.set([make_city()])
            for _ in range(3):
                recognition = make_recognition(edition, category=make_category(programme))
                make_article(title=f"Story on {year}").recognitions.set([recognition])

    add(2001, 1)
    url = programme.get_absolute_url()
    client.get(url)
    small = page_queries(client, url)
    add(2002, 19)
    with django_assert_max_num_queries(PROGRAMME_PAGE_BUDGET):
        response = client.get(url)
    page = parse(response)
    assert len(page.select("li.recognition")) == 60 and "Story on" not in page.get_text()
    editions = programme.editions.exclude(recognitions=None).order_by("-year")
    assert [a["href"] for a in page.select("p.block-more a")] == [edition.get_absolute_url() for edition in editions]
    assert page_queries(client, url) == small


def test_ranking_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    ranking = make_ranking(slug="online", year=2020, field_size=60)
    previous = make_ranking(slug="online", year=2019, field_size=60)

    def add(start, n):
        for position in range(start, start + n):
            city = make_city(parent=make_city())
            entry = make_entry(ranking, city, position=position)
            make_entry(previous, city, position=position)
            make_article().ranking_entries.set([entry])

    add(1, 1)
    url = ranking.get_absolute_url()
    client.get(url)
    small = page_queries(client, url)
    add(2, 49)
    with django_assert_max_num_queries(RANKING_PAGE_BUDGET):
        response = client.get(url)
    assert len(response.context_data["table"].entries) == 50
    assert page_queries(client, url) == small
    # The download: the ranking, its years, this table and last year's positions.
    assert page_queries(client, ranking.get_csv_url()) == 4


def test_story_facts_box_query_count_does_not_grow(client):
    story = make_article()
    url = story.get_absolute_url()

    def add(n):
        for i in range(n):
            city = make_city(parent=make_city())
            story.cities.add(city)
            story.recognitions.add(
                make_recognition(make_edition(year=1950 + i), organisation=make_organisation(city=city))
            )
            story.ranking_entries.add(make_entry(make_ranking(), city))

    add(1)
    client.get(url)
    small = page_queries(client, url)
    add(29)
    client.get(url)  # the same warm shared cache (the sections menu) as the first count
    assert page_queries(client, url) == small
    facts = parse(client.get(url)).select_one("aside.facts")
    assert len(facts.select("li")) == 60 and len(facts.select(".facts__cities a")) == 30


def test_city_news_pages_query_count_does_not_grow(client, django_assert_max_num_queries):
    city = make_city(slug="shenzhen")
    district = make_city(parent=city)

    def add(n):
        for i in range(n):
            story = make_article()
            make_photo(story, is_lead=True)
            story.cities.set([city] if i % 2 else [district])

    add(1)
    client.get("/cities/shenzhen/news/")
    small = page_queries(client, "/cities/shenzhen/news/")
    add(49)
    with django_assert_max_num_queries(CITY_PAGE_BUDGET):
        response = client.get("/cities/shenzhen/news/?page=2")
    assert len(response.context_data["object_list"]) == 12
    assert page_queries(client, "/cities/shenzhen/news/?page=3") == small


@pytest.mark.parametrize("path", ["/cities/", "/awards/", "/rankings/"])
def test_index_pages_query_count_does_not_grow(client, path):
    def add(start, n):
        for i in range(start, start + n):
            city = make_city(parent=None)
            make_city(parent=city)
            make_recognition(make_edition(year=1900 + i), city=city)
            make_entry(make_ranking(slug=f"series-{i}"), city)

    add(0, 1)
    client.get(path)
    small = page_queries(client, path)
    add(1, 49)
    client.get(path)  # the sections menu, retired by the new content, goes back into the shared cache
    assert page_queries(client, path) == small <= 4

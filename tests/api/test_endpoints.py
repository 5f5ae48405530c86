"""The read API: what each endpoint shows, that no draft leaks anywhere, and a fixed query count per list."""

from datetime import timedelta

import pytest

from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_entry,
    make_programme,
    make_ranking,
    make_recognition,
)
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


LIST_URLS = [
    "/api/v1/stories/",
    "/api/v1/stories/?city=shenzhen",
    "/api/v1/stories/?tag=shenzhen",
    "/api/v1/stories/?year={year}",
    "/api/v1/stories/?programme=scewc",
    "/api/v1/stories/?ranking=online-services",
    "/api/v1/stories/?recognition={award}",
    "/api/v1/stories/?ranking_entry={rank}",
    "/api/v1/cities/",
    "/api/v1/programmes/",
    "/api/v1/editions/?programme=scewc&year=2020",
    "/api/v1/categories/?programme=scewc",
    "/api/v1/recognitions/",
    "/api/v1/recognitions/?city=shenzhen&year=2020&programme=scewc",
    "/api/v1/rankings/?ranking=online-services",
    "/api/v1/ranking-entries/",
    "/api/v1/ranking-entries/?city=shenzhen&ranking=online-services&year=2020",
]


def story_titles(data):
    """Every story title anywhere in a JSON answer."""
    if isinstance(data, dict):
        found = [data["title"]] if "url" in data and "title" in data and "published_at" in data else []
        return found + [title for value in data.values() for title in story_titles(value)]
    if isinstance(data, list):
        return [title for item in data for title in story_titles(item)]
    return []


@pytest.mark.parametrize("url", LIST_URLS)
def test_no_draft_or_scheduled_story_in_any_list_or_filter(client, facts, url):
    response = client.get(
        url.format(year=facts["live"].published_at.year, award=facts["award"].pk, rank=facts["rank"].pk)
    )
    assert response.status_code == 200, response.content
    titles = story_titles(response.json())
    assert "Draft story" not in titles and "Scheduled story" not in titles
    if "stories" in url or "recognitions" in url or "ranking-entries" in url:
        assert "Live story" in titles


def test_no_draft_or_scheduled_story_by_address(client, facts):
    draft_ids = list(type(facts["live"]).objects.exclude(pk=facts["live"].pk).values_list("pk", flat=True))
    for pk in draft_ids:
        assert client.get(f"/api/v1/stories/{pk}/").status_code == 404
    assert client.get(f"/api/v1/stories/{facts['live'].pk}/").json()["title"] == "Live story"
    for url in (f"/api/v1/recognitions/{facts['award'].pk}/", f"/api/v1/ranking-entries/{facts['rank'].pk}/"):
        assert story_titles(client.get(url).json()) == ["Live story"]


def test_a_story_lists_the_facts_it_reports(client, facts):
    story = client.get(f"/api/v1/stories/{facts['live'].pk}/").json()
    assert story["url"].endswith(facts["live"].get_absolute_url())
    assert [c["slug"] for c in story["cities"]] == ["shenzhen"]
    assert story["tags"] == ["shenzhen"]
    (award,) = story["facts"]["recognitions"]
    assert (award["id"], award["result"], award["project_name"], award["city"]["slug"]) == (
        facts["award"].pk, "winner", "AI-HUB (SZ)", "futian"
    )  # fmt: skip
    (rank,) = story["facts"]["ranks"]
    assert (rank["position"], rank["field_size"], rank["publisher"]) == (1, 32, "Party School")
    assert story["body"] == facts["live"].body


def test_every_fact_names_its_source_or_says_it_has_none(client, facts):
    award = client.get(f"/api/v1/recognitions/{facts['award'].pk}/").json()["source"]
    assert (award["publisher"], award["publisher_named"]) == ("FIRA Barcelona", True)
    assert [story["source_name"] for story in award["stories"]] == ["Shenzhen Daily"]
    rank = client.get(f"/api/v1/ranking-entries/{facts['rank'].pk}/").json()["source"]
    assert (rank["publisher"], rank["publisher_named"]) == ("Party School", True)

    unnamed = make_recognition(make_edition(programme=make_programme(organiser="  ")))
    source = client.get(f"/api/v1/recognitions/{unnamed.pk}/").json()["source"]
    assert source == {
        "publisher": None,
        "publisher_named": False,
        "method_url": None,
        "stories": [],
        "story_count": 0,
        "stories_url": f"http://testserver/api/v1/stories/?recognition={unnamed.pk}",
    }


@pytest.mark.parametrize("kind", ["recognitions", "ranking-entries"])
def test_a_fact_names_its_newest_stories_and_links_to_all_of_them(client, facts, kind):
    fact = facts["award"] if kind == "recognitions" else facts["rank"]
    links = "recognitions" if kind == "recognitions" else "ranking_entries"
    newest = facts["live"].published_at
    for day in range(1, 8):
        getattr(make_article(title=f"Day {day}", published_at=newest - timedelta(days=day)), links).add(fact)
    # The fixture's live story is the newest; its draft and scheduled ones count nowhere.
    expected_newest = ["Live story", "Day 1", "Day 2", "Day 3", "Day 4"]

    for url in (f"/api/v1/{kind}/{fact.pk}/", f"/api/v1/{kind}/"):
        data = client.get(url).json()
        (item,) = [data] if "source" in data else [r for r in data["results"] if r["id"] == fact.pk]
        source = item["source"]
        assert [story["title"] for story in source["stories"]] == expected_newest
        assert source["story_count"] == 8

    everything = client.get(source["stories_url"], {"page_size": 100}).json()["results"]
    assert len(everything) == 8
    assert [story["title"] for story in everything][:5] == expected_newest
    assert "Draft story" not in story_titles(everything)


def test_the_stories_filters_by_fact_refuse_what_is_not_an_id(client, facts):
    for query in ("recognition=first", "ranking_entry=-1", f"recognition={'9' * 30}", "edition=x"):
        url = "/api/v1/recognitions/?" + query if query.startswith("edition") else "/api/v1/stories/?" + query
        response = client.get(url)
        assert response.status_code == 400, query
        assert "Give an id" in response.content.decode()
    assert client.get("/api/v1/stories/?recognition=999999").json()["results"] == []


def test_city_filter_takes_in_districts_and_cities_show_theirs(client, facts):
    recognitions = client.get("/api/v1/recognitions/?city=shenzhen").json()["results"]
    assert [r["id"] for r in recognitions] == [facts["award"].pk]
    assert client.get("/api/v1/recognitions/?city=elsewhere").json()["results"] == []
    city = client.get("/api/v1/cities/shenzhen/").json()
    assert city["parent"] is None and [d["slug"] for d in city["districts"]] == ["futian"]
    assert client.get("/api/v1/cities/futian/").json()["parent"]["slug"] == "shenzhen"


def test_a_malformed_filter_is_a_clear_400(client, facts):
    response = client.get("/api/v1/rankings/?year=twenty")
    assert response.status_code == 400
    assert "year" in response.json()
    assert client.get("/api/v1/recognitions/?edition=x").status_code == 400


def test_cursor_pages_walk_the_whole_list(client):
    for n in range(5):
        make_city(name=f"Town {n}")
    first = client.get("/api/v1/cities/?page_size=2").json()
    assert len(first["results"]) == 2 and first["previous"] is None
    seen = [c["slug"] for c in first["results"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url).json()
        seen += [c["slug"] for c in page["results"]]
        next_url = page["next"]
    assert len(seen) == len(set(seen)) == 5
    assert client.get("/api/v1/cities/?cursor=forged").status_code == 404


def test_writes_are_refused(client, facts):
    assert client.post("/api/v1/cities/", {"name": "X"}).status_code == 405
    assert client.delete(f"/api/v1/stories/{facts['live'].pk}/").status_code == 405


def build(kind, n):
    """``n`` rows behind one list endpoint, each with its links, so a page of them has everything to fetch."""
    if kind == "stories":
        city, ranking = make_city(), make_ranking(field_size=100)
        edition = make_edition()
        for i in range(n):
            story = make_article(tags=["a", "b"])
            story.cities.set([city])
            story.recognitions.set([make_recognition(edition)])
            story.ranking_entries.set([make_entry(ranking, position=i + 1)])
    elif kind == "cities":
        parent = make_city()
        for _ in range(n):
            make_city(parent=parent)
    elif kind == "programmes":
        for _ in range(n):
            make_programme()
    elif kind == "editions":
        programme = make_programme()
        for i in range(n):
            make_edition(programme=programme, year=1990 + i).host_cities.set([make_city(), make_city()])
    elif kind == "categories":
        programme = make_programme()
        for _ in range(n):
            make_category(programme)
    elif kind == "recognitions":
        edition = make_edition()
        for _ in range(n):
            recognition = make_recognition(edition)
            make_article().recognitions.set([recognition])
    elif kind == "rankings":
        for i in range(n):
            make_ranking(slug="series", year=1990 + i)
    elif kind == "ranking-entries":
        ranking = make_ranking(field_size=100)
        for i in range(n):
            make_article().ranking_entries.set([make_entry(ranking, position=i + 1)])


QUERIES_PER_LIST = {
    "stories": 5,  # stories with sections, tags, cities, recognitions, ranking entries
    "cities": 2,  # cities with parents, districts
    "programmes": 1,
    "editions": 2,  # editions with programmes, host cities
    "categories": 1,
    "recognitions": 2,  # recognitions with editions, categories and recipients; live stories
    "rankings": 1,
    "ranking-entries": 2,  # entries with rankings and cities; live stories
}


@pytest.mark.parametrize("kind", QUERIES_PER_LIST)
@pytest.mark.parametrize("n", [1, 30])
def test_each_list_costs_the_same_queries_for_1_or_30_items(client, django_assert_num_queries, kind, n):
    build(kind, n)
    with django_assert_num_queries(QUERIES_PER_LIST[kind]):
        response = client.get(f"/api/v1/{kind}/?page_size=50")
    assert response.status_code == 200
    assert len(response.json()["results"]) >= n

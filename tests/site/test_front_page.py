"""The front page: editors' picks lead, the newest fill in, sections and the awards panel follow; drafts never show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, FrontPagePick
from tests.awards.factories import make_city, make_edition, make_entry, make_ranking, make_recognition
from tests.conftest import make_article, make_photo, make_section, make_upload, parse

pytestmark = pytest.mark.django_db

FRONT_PAGE_BUDGET = 8


def headlines(page, selector):
    return [link.get_text(strip=True) for link in page.select(f"{selector} .card__title a")]


def pick(article, position, **fields):
    return FrontPagePick.objects.create(article=article, position=position, **fields)


def test_without_picks_the_newest_story_leads_and_the_next_four_follow(client):
    stories = [make_article(title=f"Story {n}", published_at=timezone.now() - timedelta(hours=n)) for n in range(14)]
    page = parse(client.get("/"))
    assert headlines(page, ".front__lead") == ["Story 0"]
    assert headlines(page, ".front__secondary") == ["Story 1", "Story 2", "Story 3", "Story 4"]
    assert headlines(page, ".front__latest") == [f"Story {n}" for n in range(5, 13)]
    # The latest block leads on to the full list, which is paginated.
    assert page.select_one(".front__latest .block-more a")["href"] == "/latest/"
    assert len(stories) == 14


def test_editors_picks_lead_in_their_order_and_the_newest_fill_the_rest(client):
    old = make_article(title="Old feature", published_at=timezone.now() - timedelta(days=30))
    older = make_article(title="Older analysis", published_at=timezone.now() - timedelta(days=40))
    newest = make_article(title="Breaking", published_at=timezone.now() - timedelta(minutes=5))
    pick(older, 2)
    pick(old, 1)
    page = parse(client.get("/"))
    assert headlines(page, ".front__lead") == ["Old feature"]
    assert headlines(page, ".front__secondary")[:2] == ["Older analysis", "Breaking"]
    # Each story appears once on the page.
    all_headlines = headlines(page, ".front")
    assert len(all_headlines) == len(set(all_headlines)) == 3
    assert newest.is_live


def test_a_lapsed_pick_and_picks_of_drafts_or_scheduled_stories_never_show(client):
    draft = make_article(title="Secret draft", status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(title="Embargoed", published_at=timezone.now() + timedelta(hours=2))
    lapsed = make_article(title="Yesterday's lead", published_at=timezone.now() - timedelta(days=3))
    make_article(title="Live story", published_at=timezone.now() - timedelta(days=5))
    pick(draft, 1)
    pick(scheduled, 2)
    pick(lapsed, 3, ends_at=timezone.now() - timedelta(minutes=1))
    page = parse(client.get("/"))
    text = page.get_text()
    assert "Secret draft" not in text and "Embargoed" not in text
    # The lapsed pick is an ordinary story again: the newest leads.
    assert headlines(page, ".front__lead") == ["Yesterday's lead"]
    assert headlines(page, ".front__secondary") == ["Live story"]


def test_a_pick_ending_later_keeps_its_place_until_then(client):
    make_article(title="Newest", published_at=timezone.now() - timedelta(minutes=1))
    chosen = make_article(title="Chosen", published_at=timezone.now() - timedelta(days=2))
    pick(chosen, 1, ends_at=timezone.now() + timedelta(hours=1))
    assert headlines(parse(client.get("/")), ".front__lead") == ["Chosen"]


def test_section_blocks_show_each_sections_newest_stories_not_already_above(client):
    news, analysis = make_section(name="News", slug="news"), make_section(name="Analysis", slug="analysis")
    for n in range(14):
        make_article(title=f"News {n}", section=news, published_at=timezone.now() - timedelta(hours=n))
    for n in range(3):
        make_article(title=f"Analysis {n}", section=analysis, published_at=timezone.now() - timedelta(days=10 + n))
    page = parse(client.get("/"))
    blocks = {
        block.select_one(".block-title").get_text(strip=True): headlines(block, "")
        for block in page.select(".front__section")
    }
    # The 13 newest news stories are above; the block has the one left. Analysis is older than all of them.
    assert blocks == {"News": ["News 13"], "Analysis": ["Analysis 0", "Analysis 1", "Analysis 2"]}


def test_awards_panel_shows_the_newest_editions_winners_the_top_places_and_biggest_climbers(client):
    make_article()
    shenzhen, hangzhou, wuhan = (make_city(name=name) for name in ("Shenzhen", "Hangzhou", "Wuhan"))
    old_edition = make_edition(year=2019)
    make_recognition(old_edition, city=wuhan)
    edition = make_edition(year=2020)
    make_recognition(edition, city=shenzhen)
    this_year = make_ranking(slug="online", year=2020, title="Online services")
    last_year = make_ranking(slug="online", year=2019, title="Online services")
    for city, now, before in ((shenzhen, 1, 1), (hangzhou, 2, 9), (wuhan, 3, 4)):
        make_entry(this_year, city, position=now)
        make_entry(last_year, city, position=before)
    panel = parse(client.get("/")).select_one(".front__panel")
    winners = panel.select_one("[aria-labelledby=panel-winners-heading]")
    assert winners.h3.get_text(strip=True) == f"{edition.programme.name} 2020: winners"
    assert [a.get_text() for a in winners.select("li a")] == ["Shenzhen"]
    places = panel.select(".panel__ranks li")
    assert [li.a.get_text() for li in places] == ["Shenzhen", "Hangzhou", "Wuhan"]
    climbers = panel.select_one(".panel__ranks ~ ul").select("li")
    assert [li.get_text(" ", strip=True) for li in climbers] == [
        "Hangzhou : 2nd, up 7 places",
        "Wuhan : 3rd, up 1 place",
    ]


def test_awards_panel_picks_the_top_places_and_biggest_climbers_of_a_long_ranking_in_the_database(
    client, django_assert_max_num_queries
):
    make_article()
    this_year = make_ranking(slug="online", year=2020, title="Online services")
    last_year = make_ranking(slug="online", year=2019, title="Online services")
    # (city, position now, position a year before): the climbers are below the top five, two tie on places
    # climbed (the higher placed first), and one city is new.
    table = [
        ("Beijing", 1, 1), ("Shanghai", 2, 3), ("Xiamen", 3, 2), ("Chengdu", 4, 6), ("Nanjing", 5, 4),
        ("Hefei", 6, 16), ("Jinan", 7, 17), ("Fuzhou", 8, 9), ("Suzhou", 9, None), ("Wuxi", 10, 30),
        ("Harbin", 11, 10),
    ]  # fmt: skip
    for name, now, before in table:
        city = make_city(name=name)
        make_entry(this_year, city, position=now)
        if before is not None:
            make_entry(last_year, city, position=before)
    with django_assert_max_num_queries(8):
        panel = parse(client.get("/")).select_one(".front__panel")
    assert [li.a.get_text() for li in panel.select(".panel__ranks li")] == [
        "Beijing", "Shanghai", "Xiamen", "Chengdu", "Nanjing",
    ]  # fmt: skip
    climbers = panel.select_one(".panel__ranks ~ ul").select("li")
    assert [li.get_text(" ", strip=True) for li in climbers] == [
        "Wuxi : 10th, up 20 places",
        "Hefei : 6th, up 10 places",
        "Jinan : 7th, up 10 places",
    ]


def test_front_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    def fill(count, start):
        for n in range(start, start + count):
            story = make_article(section=sections[n % len(sections)], tags=[f"tag-{n}"])
            make_photo(story, is_lead=True, image=make_upload(size=(64, 40)))
            if n % 3 == 0:
                pick(story, n + 1)
        edition = make_edition(year=1990 + start)
        for _ in range(count):
            make_recognition(edition)
        ranking = make_ranking(slug="series", year=1990 + start, field_size=200)
        for position in range(1, count + 1):
            make_entry(ranking, position=position)

    sections = [make_section() for _ in range(2)]
    fill(2, 0)
    client.get("/")  # the sections menu goes into the shared cache
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    sections += [make_section() for _ in range(6)]
    fill(40, 10)
    with django_assert_max_num_queries(FRONT_PAGE_BUDGET):
        response = client.get("/")
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)
    front = response.context_data["front"]
    assert front.lead is not None and len(front.top) == 4 and len(front.latest) == 8
    assert len(front.section_blocks) == 8
    panel = parse(response).select_one("aside.front__panel")
    assert len(panel.select("section:first-of-type ul.panel__list li")) == 40
    assert len(panel.select("ol.panel__ranks li")) == 5


def test_front_page_is_served_from_the_page_cache_and_a_pick_retires_it(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    story = make_article(title="First lead")
    other = make_article(title="Picked later", published_at=timezone.now() - timedelta(days=9))
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    pick(other, 1)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert headlines(parse(response), ".front__lead") == ["Picked later"]
    assert story.is_live


def test_a_cached_front_page_does_not_outlive_a_picks_end(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    make_article(title="Newest")
    chosen = make_article(title="Chosen for a while", published_at=timezone.now() - timedelta(days=2))
    pick(chosen, 1, ends_at=timezone.now() + timedelta(seconds=40))
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    # The cache entry expires with the pick, not five minutes later.
    from citynews.pagecache import current_generation, seconds_until_next_go_live

    assert 0 < seconds_until_next_go_live(current_generation()) <= 40

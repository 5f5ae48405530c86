"""Rendered fragments kept under the versions of what they show (citynews.fragments).

Every change shows on the next request on every page that shows it, whether it was made by a save, a
bulk update or raw SQL, and a story taken down or not yet live is never shown. On PostgreSQL the
fragments are cached (and a test below proves they are); on SQLite they are rendered every time, and
the same tests hold.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import page_versions
from articles.models import Article, Author
from awards.models import City
from citynews import fragments
from tests.awards.factories import make_city, make_edition, make_entry, make_ranking, make_recognition
from tests.conftest import free_port, make_article, make_photo, make_section, parse

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="fragments are cached on PostgreSQL only")


def raw_sql(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(parse(response).get_text(" ").split())


class World:
    """A story with everything a page can show of it, and the addresses of every page that shows it."""

    def __init__(self):
        self.section = make_section(name="Smart Awards", slug="smart-awards")
        self.author = Author.objects.create(name="Li Wei", slug="li-wei")
        self.shenzhen = make_city(name="Shenzhen", slug="shenzhen")
        self.futian = make_city(name="Futian District", slug="futian", parent=self.shenzhen)
        edition = make_edition(year=2020)
        self.recognition = make_recognition(edition, city=self.futian, project_name="AI-HUB (SZ)")
        self.entry = make_entry(make_ranking(title="Online services", year=2020), self.shenzhen, position=3)
        self.story = make_article(
            title="Shenzhen wins an award", section=self.section, author=self.author, tags=["Expo"]
        )
        self.photo = make_photo(self.story, is_lead=True, caption="The award ceremony")
        self.story.cities.set([self.shenzhen])
        self.story.recognitions.set([self.recognition])
        self.story.ranking_entries.set([self.entry])
        self.neighbour = make_article(title="Another expo story", section=self.section, tags=["Expo"])

    @property
    def story_url(self):
        return Article.objects.get(pk=self.story.pk).get_absolute_url()

    def lists(self):
        """Every page that shows the story as a card."""
        return [
            "/",
            "/latest/",
            self.section.get_absolute_url(),
            "/tag/expo/",
            self.author.get_absolute_url(),
            self.shenzhen.get_absolute_url(),
            self.neighbour.get_absolute_url(),  # its related stories
            self.entry.ranking.get_absolute_url(),  # the stories that report the ranking
            "/search/?q=story",  # every standfirst has the word (tests.conftest.make_article)
            "/search/?q=story&sort=newest",
        ]

    def every_page(self):
        return [self.story_url, *self.lists()]

    def read_all(self, client):
        """Each page once, so that every fragment is cached before the change."""
        return {url: page_text(client, url) for url in self.every_page()}


@pytest.fixture
def world(client):
    world = World()
    world.read_all(client)
    return world


def change(how, row, **values):
    """Change ``row``'s fields as an editor's save, a bulk update or raw SQL would."""
    model = type(row)
    if how == "save":
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
    elif how == "bulk update":
        model.objects.filter(pk=row.pk).update(**values)
    else:
        columns = ", ".join(f"{model._meta.get_field(name).column} = %s" for name in values)
        raw_sql(f"UPDATE {model._meta.db_table} SET {columns} WHERE id = %s", *map(str, values.values()), row.pk)


HOW = ["save", "bulk update", "raw SQL"]


@pytest.mark.parametrize("how", HOW)
def test_a_story_changed_shows_on_its_page_and_every_card(client, world, how):
    change(how, world.story, title="Shenzhen takes the prize")
    for url in world.every_page():
        text = page_text(client, url)
        assert "Shenzhen takes the prize" in text and "Shenzhen wins an award" not in text, url


@pytest.mark.parametrize("how", HOW)
def test_a_story_changed_in_a_section_block_behind_the_stories_above_shows_on_the_front_page(client, how):
    """A block shows its section's newest stories but those shown above: the last of them must be versioned
    even when the section's newest stories are above it."""
    ideas, news = make_section(name="Ideas", slug="ideas"), make_section(name="News", slug="news")
    now = timezone.now()
    # Ideas 0 leads, twelve news stories fill the rest of the places above, Ideas 1-4 fill the block.
    ideas_stories = [
        make_article(title=f"Ideas {n}", section=ideas, published_at=now - timedelta(minutes=1 + n * 60 * 24))
        for n in range(6)
    ]
    for n in range(12):
        make_article(title=f"News {n}", section=news, published_at=now - timedelta(hours=1 + n))
    block = next(b for b in parse(client.get("/")).select(".front__section") if "Ideas" in b.get_text())
    assert [h.get_text(strip=True) for h in block.select(".card__title")] == [f"Ideas {n}" for n in range(1, 5)]
    change(how, ideas_stories[4], title="Ideas four, retitled")
    assert "Ideas four, retitled" in page_text(client, "/")


@pytest.mark.parametrize("how", HOW)
def test_a_section_renamed_shows_on_the_story_and_on_every_card(client, world, how):
    change(how, world.section, name="Prizes")
    # The sections menu is the page frame's, kept under the page cache's generation (articles.context_processors).
    for url in [world.story_url, "/", "/latest/", "/tag/expo/", world.shenzhen.get_absolute_url()]:
        kickers = {kicker.get_text() for kicker in parse(client.get(url)).select("main .kicker a")}
        assert kickers == {"Prizes"}, url


@pytest.mark.parametrize("how", HOW)
def test_the_author_renamed_shows_in_the_byline(client, world, how):
    change(how, world.author, name="Wang Fang")
    byline = parse(client.get(world.story_url)).select_one(".byline").get_text()
    assert byline == "By Wang Fang"


@pytest.mark.parametrize("how", HOW)
def test_a_photo_changed_shows_on_the_story_page(client, world, how):
    change(how, world.photo, caption="Winners on stage")
    text = page_text(client, world.story_url)
    assert "Winners on stage" in text and "The award ceremony" not in text


def test_a_lead_photo_removed_leaves_every_card(client, world):
    raw_sql("DELETE FROM articles_photo WHERE id = %s", world.photo.pk)
    for url in ["/latest/", "/tag/expo/", world.section.get_absolute_url()]:
        card = next(
            card
            for card in parse(client.get(url)).select("article.card")
            if "Shenzhen wins an award" in card.get_text()
        )
        assert card.select("img") == [] and "card--text" in card["class"], url


def test_tags_added_renamed_and_removed_show_on_the_story_page(client, world):
    world.story.tags.add("Energy")
    assert "Energy" in page_text(client, world.story_url)
    raw_sql("UPDATE taggit_tag SET name = 'Power' WHERE slug = 'energy'")
    text = page_text(client, world.story_url)
    assert "Power" in text and "Energy" not in text
    raw_sql("DELETE FROM taggit_taggeditem WHERE tag_id = (SELECT id FROM taggit_tag WHERE slug = 'energy')")
    assert "Power" not in page_text(client, world.story_url)


@pytest.mark.parametrize("how", HOW)
def test_an_award_changed_shows_on_the_story_the_city_and_the_front_page(client, world, how):
    change(how, world.recognition, project_name="Urban Brain")
    for url in [world.story_url, world.shenzhen.get_absolute_url(), "/"]:
        text = page_text(client, url)
        assert "Urban Brain" in text and "AI-HUB" not in text, url


@pytest.mark.parametrize("how", HOW)
def test_a_rank_changed_shows_on_the_story_the_city_and_the_front_page(client, world, how):
    change(how, world.entry, position=7)
    for url in [world.story_url, world.shenzhen.get_absolute_url(), "/"]:
        text = page_text(client, url)
        assert "7th" in text and "3rd" not in text, url
    table = parse(client.get(world.entry.ranking.get_absolute_url())).select_one("table tbody tr")
    assert table.select_one("td, th").get_text(strip=True) == "7"


def test_a_city_renamed_shows_on_the_story_and_in_the_citys_facts(client, world):
    raw_sql("UPDATE awards_city SET name = 'Shenzhen City' WHERE id = %s", world.shenzhen.pk)
    story = parse(client.get(world.story_url))
    assert [link.get_text() for link in story.select(".facts__cities a")] == ["Shenzhen City"]
    city = parse(client.get(world.shenzhen.get_absolute_url()))
    assert "Shenzhen City: Online services, by year" in city.select_one("section.rank-history caption").get_text()


@pytest.mark.parametrize("how", HOW)
def test_a_story_taken_down_leaves_the_citys_awards_and_every_list(client, world, how):
    city_url = world.shenzhen.get_absolute_url()
    assert "Shenzhen wins an award" in parse(client.get(city_url)).select_one("li.recognition").get_text()
    change(how, world.story, status=Article.Status.DRAFT)
    assert client.get(world.story_url).status_code == 404
    for url in world.lists():
        assert "Shenzhen wins an award" not in page_text(client, url), url


@pytest.mark.parametrize("how", HOW)
def test_a_story_published_shows_on_every_list_and_beside_the_stories_it_relates_to(client, world, how):
    draft = make_article(
        title="Futian opens an AI hub",
        status=Article.Status.DRAFT,
        published_at=timezone.now() - timedelta(minutes=1),
        section=world.section,
        author=world.author,
        tags=["Expo"],
    )
    draft.cities.set([world.shenzhen])
    draft.ranking_entries.set([world.entry])
    for url in world.every_page():
        assert "Futian opens an AI hub" not in page_text(client, url), url
    change(how, draft, status=Article.Status.PUBLISHED)
    # Every list, the city's news, the related stories of both stories sharing its tag, and "next in section".
    for url in world.every_page():
        assert "Futian opens an AI hub" in page_text(client, url), url


def test_a_scheduled_story_appears_on_every_list_when_its_time_comes(client, world, monkeypatch):
    soon = timezone.now() + timedelta(hours=1)
    scheduled = make_article(
        title="Futian opens an AI hub", published_at=soon, section=world.section, author=world.author, tags=["Expo"]
    )
    scheduled.cities.set([world.shenzhen])
    scheduled.ranking_entries.set([world.entry])
    for url in world.every_page():
        assert "Futian opens an AI hub" not in page_text(client, url), url
    later = soon + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for url in world.every_page():
        assert "Futian opens an AI hub" in page_text(client, url), url


def test_a_scheduled_story_appears_in_the_citys_awards_when_its_time_comes(client, world, monkeypatch):
    city_url = world.shenzhen.get_absolute_url()
    soon = timezone.now() + timedelta(hours=1)
    scheduled = make_article(title="Futian's prize explained", published_at=soon)
    scheduled.recognitions.set([world.recognition])
    assert "Futian's prize explained" not in page_text(client, city_url)
    later = soon + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Futian's prize explained" in page_text(client, city_url)


@on_postgres
def test_a_second_reader_gets_the_story_page_from_fragments(client, world):
    """The proof that fragments are cached at all: the story's photos, tags, cities and facts are not read again."""
    with CaptureQueriesContext(connection) as warm:
        client.get(world.story_url)
    tables = " ".join(query["sql"] for query in warm.captured_queries)
    assert "awards_recognition" not in tables and '"articles_photo"."caption"' not in tables
    change("raw SQL", world.story, title="Shenzhen takes the prize")
    with CaptureQueriesContext(connection) as cold:
        client.get(world.story_url)
    assert len(cold.captured_queries) > len(warm.captured_queries)


@on_postgres
def test_a_search_asked_again_is_one_query_and_never_another_searchs_page(client, world):
    for n in range(12):
        make_article(title=f"Harbin story {n}")
    first_page = page_text(client, "/search/?q=harbin")
    with CaptureQueriesContext(connection) as again:
        assert page_text(client, "/search/?q=harbin") == first_page
    assert len(again.captured_queries) == 1  # the search itself, with the versions of what it found
    assert "Harbin story 0" in first_page and "Shenzhen wins an award" not in first_page
    second_page = page_text(client, "/search/?q=harbin&page=2")
    assert "Harbin story 11" in second_page and "Harbin story 0" not in second_page
    assert "Shenzhen wins an award" in page_text(client, "/search/?q=shenzhen")


@on_postgres
def test_versions_queries_are_planned_once_per_connection(client, world):
    # Left to choose, PostgreSQL plans a statement afresh for its first five runs and may go on doing so.
    raw_sql("DEALLOCATE ALL")
    connection._citynews_prepared = set()
    for _ in range(7):
        for url in ("/", "/latest/", world.story_url):
            assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE name LIKE 'citynews_versions_%%'"
        )
        statements = cursor.fetchall()
    assert len(statements) == 3
    assert [(name, custom) for name, _, custom in statements if custom] == []


@on_postgres
def test_a_versions_query_failing_after_its_prepare_leaves_the_connection_usable(client, world):
    raw_sql("DEALLOCATE ALL")
    connection._citynews_prepared = set()
    day = timezone.localdate(world.story.published_at)
    bad_time = {"slug": world.story.slug, "since": "not a time", "until": "not a time", "now": timezone.now()}
    with pytest.raises(DatabaseError), transaction.atomic():
        page_versions.read_versions(page_versions.STORY_PAGE_SQL, bad_time)  # prepared, then the EXECUTE fails
    assert page_versions.story_page(world.story.slug, day) is not None
    assert "Shenzhen wins an award" in page_text(client, world.story_url)


@on_postgres
def test_a_versions_query_can_be_a_new_connections_first_query(world):
    fresh = connections.create_connection("default")  # not connected yet, as in a worker's first request
    try:
        assert page_versions._prepared_on(fresh) == set()
        assert fresh.connection is not None
    finally:
        fresh.close()


@on_postgres
def test_cards_are_cached_one_per_story_version(client, world):
    client.get("/latest/")
    version = Article.objects.for_listing().get(pk=world.story.pk).card_version
    assert "Shenzhen wins an award" in cache.get(fragments.key("card", world.story.pk, version, 2, ""))


def test_sqlite_renders_every_fragment_postgres_caches_them():
    assert fragments.enabled() is (connection.vendor == "postgresql")


def test_a_cache_that_is_down_is_a_miss(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "citynews.cache.FailSoftCache",
            "OPTIONS": {
                "CACHE": {
                    "BACKEND": "django_redis.cache.RedisCache",
                    "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
                    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1},
                }
            },
        }
    }
    world = World()
    pages = world.read_all(client)
    assert all("Shenzhen wins an award" in text for text in pages.values())
    change("raw SQL", world.story, title="Shenzhen takes the prize")
    assert "Shenzhen takes the prize" in page_text(client, world.story_url)


def test_every_city_page_is_whole_when_the_city_has_no_awards(client):
    city = make_city(name="Hangzhou", slug="hangzhou")
    page = parse(client.get(city.get_absolute_url()))
    assert page.select_one("#awards-heading") and "No awards recorded yet." in page.get_text()
    assert City.objects.with_fragment_versions().get(pk=city.pk).pk == city.pk

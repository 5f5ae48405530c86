"""
No reader page scans a big table: every query on stories and their links has an index to use.

With sequential scans switched off, PostgreSQL still picks one when no index fits; a "Seq Scan"
on one of the big tables in such a plan is a list that would read the whole table at 100,000
stories. Small tables (sections, cities, rankings) are left to the planner.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.models import City
from tests.awards.factories import make_city
from tests.conftest import make_article, make_photo, make_section

BIG_TABLES = (
    "articles_article",
    "articles_photo",
    "taggit_taggeditem",
    "articles_article_cities",
    "articles_article_recognitions",
    "articles_article_ranking_entries",
    "articles_tag_timeline",
    "articles_city_timeline",
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's (CI runs it)"),
]


@pytest.fixture
def newsroom():
    section = make_section(slug="news", name="News")
    shenzhen = make_city(name="Shenzhen", slug="shenzhen")
    make_city(name="Futian District", slug="futian", parent=shenzhen)
    stories = []
    for n in range(30):
        story = make_article(section=section, tags=["scewc", f"topic-{n % 5}"], title=f"Smart city story {n}")
        story.cities.set(City.objects.all())
        make_photo(story, is_lead=True)
        stories.append(story)
    return stories


@pytest.fixture
def crowded_newsroom(newsroom):
    """Thousands of stories on ten tags and two cities, with planner statistics: the planner's choice on a
    few rows is not the one it makes on a real site."""
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles.models import Article

    now = timezone.now()
    stories = Article.objects.bulk_create(
        Article(title=f"Crowd {n}", slug=f"crowd-{n}", status="published", published_at=now - timedelta(minutes=n))
        for n in range(3000)
    )
    tags = [Tag.objects.get_or_create(name=f"crowd-{n}", slug=f"crowd-{n}")[0] for n in range(9)]
    tags.append(Tag.objects.get(slug="scewc"))
    article_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tags[n % 10], content_type=article_type, object_id=story.pk) for n, story in enumerate(stories)
    )
    cities = list(City.objects.all())
    Article.cities.through.objects.bulk_create(
        Article.cities.through(article_id=story.pk, city_id=cities[n % 2].pk) for n, story in enumerate(stories)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return newsroom


def plan_of(sql):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def seq_scans_on_big_tables(sql):
    plan = plan_of(sql)
    return [
        line.strip()
        for line in plan.splitlines()
        if "Seq Scan on" in line and line.split("Seq Scan on ")[1].split()[0] in BIG_TABLES
    ]


def test_the_check_sees_a_table_scan_when_there_is_one(newsroom):
    assert seq_scans_on_big_tables("SELECT id FROM articles_article WHERE byline = 'nobody'")


def test_reader_pages_use_indexes_for_every_list(client, newsroom):
    story = newsroom[0]
    local = story.get_absolute_url().split("/")
    urls = [
        "/",
        "/latest/",
        "/latest/?page=2",
        "/cities/shenzhen/news/?page=2",
        "/section/news/",
        "/tag/scewc/",
        story.get_absolute_url(),
        "/cities/shenzhen/",
        "/search/?q=smart+city",
        "/search/?q=smart+city&sort=newest",
        f"/{local[1]}/",
        f"/{local[1]}/{local[2]}/",
        "/feeds/rss/",
        "/tag/scewc/rss/",
        "/cities/shenzhen/rss/",
        "/sitemap-articles.xml",
    ]
    problems = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        for query in queries.captured_queries:
            if query["sql"].startswith("SELECT") and (scans := seq_scans_on_big_tables(query["sql"])):
                problems.setdefault(url, []).append((scans, query["sql"][:300]))
    assert problems == {}


def story_list_queries(client, url):
    """The page's queries that read stories, not those with stories in a subquery (a city page's award lines count
    their reporting stories so)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith('SELECT "articles_article"')]


@pytest.mark.parametrize(
    ("url", "index"),
    [
        ("/tag/scewc/", "tag_timeline_idx"),
        ("/tag/scewc/?page=2", "tag_timeline_idx"),
        ("/cities/shenzhen/", "city_timeline_idx"),
    ],
)
def test_tag_and_city_lists_read_their_timeline_index(client, crowded_newsroom, url, index):
    """Not the stories by time with each one's links probed: the tag's (or city's) own range of an index."""
    [story_list] = story_list_queries(client, url)
    assert index in plan_of(story_list)


def test_related_stories_read_timelines_not_the_story_index(client, crowded_newsroom):
    queries = story_list_queries(client, crowded_newsroom[0].get_absolute_url())
    related = next(query for query in queries if "articles_tag_timeline" in query)
    plan = plan_of(related)
    assert "tag_timeline_idx" in plan and "city_timeline_idx" in plan

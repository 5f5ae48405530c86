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


def seq_scans_on_big_tables(sql):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
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
        "/?page=2",
        "/section/news/",
        "/tag/scewc/",
        story.get_absolute_url(),
        "/cities/shenzhen/",
        "/search/?q=smart+city",
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

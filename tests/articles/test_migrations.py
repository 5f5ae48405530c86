"""Migrations must also apply to a database that already holds stories, not only to an empty one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_SEARCH = [("articles", "0003_article_source_updated_at")]


def test_search_migration_applies_to_a_database_with_published_stories():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_SEARCH)
    old_apps = executor.loader.project_state(BEFORE_SEARCH).apps
    Section = old_apps.get_model("articles", "Section")
    Article = old_apps.get_model("articles", "Article")
    section = Section.objects.create(name="News", slug="news")
    Article.objects.create(
        title="Shenzhen tops the ranking",
        slug="shenzhen-tops",
        body="<p>Online services of thirty-two cities were compared.</p>",
        section=section,
        status="published",
        published_at=timezone.now(),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from articles.models import Article as CurrentArticle
    from articles.search import search_articles

    story = CurrentArticle.objects.get(slug="shenzhen-tops")
    assert story.content_changed_at is not None and story.reading_minutes == 1
    assert [found.pk for found in search_articles("compared")] == [story.pk]


BEFORE_TIMELINES = [("articles", "0005_article_version_and_history")]


def test_timelines_migration_copies_existing_links():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_TIMELINES)
    old_apps = executor.loader.project_state(BEFORE_TIMELINES).apps
    Article = old_apps.get_model("articles", "Article")
    City = old_apps.get_model("awards", "City")
    Tag = old_apps.get_model("taggit", "Tag")
    TaggedItem = old_apps.get_model("taggit", "TaggedItem")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    published_at = timezone.now()
    live = Article.objects.create(title="Live", slug="live", status="published", published_at=published_at)
    draft = Article.objects.create(title="Draft", slug="draft", status="draft")
    city = City.objects.create(name="Shenzhen", slug="shenzhen", country="China")
    tag = Tag.objects.create(name="scewc", slug="scewc")
    article_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
    for story in (live, draft):
        TaggedItem.objects.create(tag=tag, content_type=article_type, object_id=story.pk)
        Article.cities.through.objects.create(article_id=story.pk, city_id=city.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from articles.models import CityTimeline, TagTimeline

    expected = {(live.pk, published_at), (draft.pk, None)}
    assert set(TagTimeline.objects.values_list("article_id", "published_at")) == expected
    assert set(CityTimeline.objects.values_list("article_id", "published_at")) == expected


BEFORE_VECTORS_IN_ROWS = [("articles", "0012_author_and_update_note_plain_text")]


def values_out_of_line():
    """How many values of the story table lie in its TOAST table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'articles_article'")
        (toast_table,) = cursor.fetchone()
        cursor.execute(f"SELECT count(DISTINCT chunk_id) FROM {toast_table}")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TOAST and column storage are PostgreSQL's")
def test_search_vectors_move_into_their_rows_and_stay_searchable():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_VECTORS_IN_ROWS)
    Article = executor.loader.project_state(BEFORE_VECTORS_IN_ROWS).apps.get_model("articles", "Article")
    # Many distinct words: a vector too big for the row as it was, and a body too varied to compress much.
    words = " ".join(f"word{number}x{number * 7919 % 10007}" for number in range(400))
    story = Article.objects.create(
        title="A long story", slug="long", body=f"<p>{words} rainfall</p>", status="published",
        published_at=timezone.now(),
    )  # fmt: skip
    # Out of line before: the body and the vector.
    assert values_out_of_line() == 2

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from articles.search import search_articles

    # The vector is back in its row; only the body, which a search never reads, is out of line.
    assert values_out_of_line() == 1
    assert [found.pk for found in search_articles("rainfall")] == [story.pk]

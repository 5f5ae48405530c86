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

"""
One query per reader page that reads the version of everything the page shows (PostgreSQL).

A page is kept whole under these versions (citynews.fragments.VersionedPageMixin): the next reader
of an unchanged page costs this query and a cache read, however much the page shows, and a publish
elsewhere on the site does not make it a cold start. Each query lists what its page shows by the
same rules as the page's own querysets (published(), the timelines, previous and next in the
section, related stories); the tests in tests/site/test_fragments.py change every kind of row a page
shows, by save, bulk update and raw SQL, and check the page on the next request.

Static SQL, written once: building the equivalent querysets in the ORM on every request costs more
than the rest of the page (bench/: "app ms" of the article page, 2026-11-29).
"""

from datetime import datetime, time, timedelta

from django.db import connections
from django.utils import timezone

from citynews import fragments

from .models import CARD_VERSION_SQL, STORY_VERSION_SQL, Article

ARTICLE_TYPE = "(SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'article')"
_SECTION = fragments.row_version_sql("articles_section")
SECTIONS = f"(SELECT string_agg(id || ':' || {_SECTION}, ',' ORDER BY id) FROM articles_section)"
LIVE = "status = 'published' AND published_at <= %(now)s"

# Related stories: ArticleQuerySet.related_to(), the newest on each of the story's tag and city timelines.
RELATED_LIMIT = 5  # related_to()'s four, plus the story itself, which is on its own timelines
STORY_PAGE_SQL = f"""
WITH story AS (
    SELECT id, section_id, published_at, {STORY_VERSION_SQL} AS version FROM articles_article
    WHERE slug = %(slug)s AND published_at >= %(since)s AND published_at < %(until)s AND {LIVE}
),
on_its_timelines AS (
    SELECT newest.article_id FROM story
    JOIN taggit_taggeditem item ON item.object_id = story.id AND item.content_type_id = {ARTICLE_TYPE}
    CROSS JOIN LATERAL (
        SELECT article_id FROM articles_tag_timeline timeline
        WHERE timeline.tag_id = item.tag_id AND timeline.published_at <= %(now)s
        ORDER BY timeline.published_at DESC, timeline.article_id DESC LIMIT {RELATED_LIMIT}
    ) newest
    UNION
    SELECT newest.article_id FROM story
    JOIN articles_article_cities link ON link.article_id = story.id
    CROSS JOIN LATERAL (
        SELECT article_id FROM articles_city_timeline timeline
        WHERE timeline.city_id = link.city_id AND timeline.published_at <= %(now)s
        ORDER BY timeline.published_at DESC, timeline.article_id DESC LIMIT {RELATED_LIMIT}
    ) newest
),
related AS (
    SELECT id || '.' || {CARD_VERSION_SQL} AS version FROM articles_article
    WHERE id IN (SELECT article_id FROM on_its_timelines) AND {LIVE}
    ORDER BY published_at DESC, id DESC LIMIT {RELATED_LIMIT}
),
beside AS (
    (SELECT other.id || '.' || {fragments.row_version_sql("other")} AS version
     FROM articles_article other, story
     WHERE other.section_id = story.section_id AND other.status = 'published' AND other.published_at <= %(now)s
       AND (other.published_at, other.id) < (story.published_at, story.id)
     ORDER BY other.published_at DESC, other.id DESC LIMIT 1)
    UNION ALL
    (SELECT other.id || '.' || {fragments.row_version_sql("other")}
     FROM articles_article other, story
     WHERE other.section_id = story.section_id AND other.status = 'published' AND other.published_at <= %(now)s
       AND (other.published_at, other.id) > (story.published_at, story.id)
     ORDER BY other.published_at, other.id LIMIT 1)
)
SELECT story.id, story.version,
    (SELECT string_agg(version, ',') FROM related),
    (SELECT string_agg(version, ',') FROM beside),
    {SECTIONS}
FROM story
"""


def story_page(slug, day):
    """The versions a live story's page shows at (``slug`` published on ``day``), or None if there is no such story."""
    since = timezone.make_aware(datetime.combine(day, time.min))
    until = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return _versions(STORY_PAGE_SQL, {"slug": slug, "since": since, "until": until, "now": timezone.now()})


def _versions(sql, params):
    with connections[Article.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # None: not found (the page answers 404 itself), or more than one match (the page decides what that is).
    return "|".join(str(value) for value in rows[0]) if len(rows) == 1 else None

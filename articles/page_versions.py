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

import functools
import hashlib
import re
from datetime import datetime, time, timedelta

from django.db import DatabaseError, connections
from django.utils import timezone

from citynews import fragments

from . import search
from .models import STORY_VERSION_SQL, Article

ARTICLE_TYPE = "(SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'article')"
_SECTION = fragments.row_version_sql("articles_section")
SECTIONS = f"coalesce((SELECT string_agg(id || ':' || {_SECTION}, ',' ORDER BY id) FROM articles_section), '')"
# A story card's version on a page: the story's and its lead photo's. Its section's is in every page's SECTIONS.
CARD_SQL = f"""concat_ws('.', articles_article.id, {fragments.row_version_sql("articles_article")},
    (SELECT {fragments.row_version_sql("photo")} FROM articles_photo photo
     WHERE photo.article_id = articles_article.id AND photo.is_lead))"""
LIVE = "articles_article.status = 'published' AND articles_article.published_at <= %(now)s"

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
    SELECT {CARD_SQL} AS version FROM articles_article
    WHERE id IN (SELECT article_id FROM on_its_timelines) AND {LIVE}
    ORDER BY published_at DESC, id DESC LIMIT {RELATED_LIMIT}
),
beside AS (
    -- Laterals, so that each side is a range of the section's index from the story's own place.
    SELECT older.version FROM story CROSS JOIN LATERAL (
        SELECT other.id || '.' || {fragments.row_version_sql("other")} AS version FROM articles_article other
        WHERE other.section_id = story.section_id AND other.status = 'published'
          AND other.published_at <= story.published_at
          AND (other.published_at, other.id) < (story.published_at, story.id)
        ORDER BY other.published_at DESC, other.id DESC LIMIT 1
    ) older
    UNION ALL
    SELECT newer.version FROM story CROSS JOIN LATERAL (
        SELECT other.id || '.' || {fragments.row_version_sql("other")} AS version FROM articles_article other
        WHERE other.section_id = story.section_id AND other.status = 'published' AND other.published_at <= %(now)s
          AND other.published_at >= story.published_at
          AND (other.published_at, other.id) > (story.published_at, story.id)
        ORDER BY other.published_at, other.id LIMIT 1
    ) newer
)
SELECT story.id, story.version,
    coalesce((SELECT string_agg(version, ',') FROM related), ''),
    coalesce((SELECT string_agg(version, ',') FROM beside), ''),
    {SECTIONS}
FROM story
"""


# A list of story cards (ArticleListView and the pages built on it): the row the list belongs to, if any, and
# the page of stories in the list's order with one more, which tells whether another page follows.
STORY_LISTS = {
    "latest": (
        "SELECT NULL::bigint AS id, '' AS version",
        "articles_article",
        "TRUE",
        ("articles_article.published_at", "articles_article.id"),
    ),
    "section": (
        f"SELECT id, {fragments.row_version_sql('articles_section')} FROM articles_section WHERE slug = %(slug)s",
        "articles_article",
        "articles_article.section_id = entity.id",
        ("articles_article.published_at", "articles_article.id"),
    ),
    "author": (
        f"SELECT id, {fragments.row_version_sql('articles_author')} FROM articles_author WHERE slug = %(slug)s",
        "articles_article",
        "articles_article.author_id = entity.id",
        ("articles_article.published_at", "articles_article.id"),
    ),
    # ArticleQuerySet.tagged(): the tag's timeline; the page also names a city the tag may be (awards).
    "tag": (
        f"SELECT id, {fragments.row_version_sql('taggit_tag')} || '/' || {fragments.AWARDS_VERSION_SQL}"
        " FROM taggit_tag WHERE slug = %(slug)s",
        "articles_tag_timeline timeline JOIN articles_article ON articles_article.id = timeline.article_id",
        "timeline.tag_id = entity.id AND timeline.published_at <= %(now)s",
        ("timeline.published_at", "timeline.article_id"),  # the timeline's own index order
    ),
}


def story_list_sql(entity, source, condition, order):
    """``order``: the list's time and id columns, newest first."""
    time_column, id_column = order
    return f"""
WITH entity (id, version) AS ({entity}),
shown AS (
    -- A lateral, so that the list is read in its index's order from the entity's id and stops at the limit.
    SELECT page.* FROM entity CROSS JOIN LATERAL (
        SELECT {CARD_SQL} AS version, {time_column} AS published_at,
            {id_column} AS id
        FROM {source}
        WHERE {LIVE} AND {condition}
        ORDER BY {time_column} DESC, {id_column} DESC LIMIT %(limit)s OFFSET %(offset)s
    ) page
)
SELECT entity.version, coalesce((SELECT string_agg(version, ',' ORDER BY published_at DESC, id DESC) FROM shown), ''),
    {SECTIONS}
FROM entity
"""


STORY_LIST_SQL = {name: story_list_sql(*parts) for name, parts in STORY_LISTS.items()}


def story_list(name, page_number, page_size, slug=None):
    """The versions a page of the ``name`` list shows at, or None (no such section, tag or author)."""
    offset = (page_number - 1) * page_size
    params = {"slug": slug, "now": timezone.now(), "limit": page_size + 1, "offset": offset}
    return read_versions(STORY_LIST_SQL[name], params)


# The front page (citynews.frontpage.front_page): the editors' picks that have not ended, the newest stories,
# each section's newest, the awards panel. Each part reads as many stories as the page may use of it. A section's
# block shows its newest stories but those shown above, which are all among the picks and the newest read here:
# so the block's stories are those of the picks and the newest (versioned already) and, after them, the
# section's newest of the others, of which it shows at most a block's worth.
FRONT_PAGE_SQL = f"""
WITH picks AS (
    SELECT {CARD_SQL} || '.' || {fragments.row_version_sql("pick")} AS version,
           pick.position, articles_article.published_at, articles_article.id
    FROM articles_frontpagepick pick JOIN articles_article ON articles_article.id = pick.article_id
    WHERE {LIVE} AND (pick.ends_at IS NULL OR pick.ends_at > %(now)s)
    ORDER BY pick.position, articles_article.published_at DESC, articles_article.id DESC LIMIT %(picks)s
),
newest AS (
    SELECT {CARD_SQL} AS version, published_at, id FROM articles_article
    WHERE {LIVE} ORDER BY published_at DESC, id DESC LIMIT %(newest)s
),
per_section AS (
    SELECT block.version, block.published_at, block.id FROM articles_section section
    CROSS JOIN LATERAL (
        SELECT {CARD_SQL} AS version, published_at, id FROM articles_article
        WHERE articles_article.section_id = section.id AND {LIVE}
            AND articles_article.id NOT IN (SELECT id FROM picks UNION ALL SELECT id FROM newest)
        ORDER BY published_at DESC, id DESC LIMIT %(per_section)s
    ) block
)
SELECT coalesce((SELECT string_agg(version, ',' ORDER BY position, published_at DESC, id DESC) FROM picks), ''),
    coalesce((SELECT string_agg(version, ',' ORDER BY published_at DESC, id DESC) FROM newest), ''),
    coalesce((SELECT string_agg(version, ',' ORDER BY id) FROM per_section), ''),
    {fragments.AWARDS_VERSION_SQL}, {SECTIONS}
"""


def front_page(picks, newest, per_section):
    """The versions the front page shows at, reading ``picks``, ``newest`` and ``per_section`` stories of each
    section besides those: the stories' of each part, the award tables' (4th) and the sections'."""
    params = {"now": timezone.now(), "picks": picks, "newest": newest, "per_section": per_section}
    return read_versions(FRONT_PAGE_SQL, params)


# The search page (articles.search). Best match: the live stories matching the query, the newest MAX_CANDIDATES of
# them in their rank's order, how many there are, and the versions of the cards of the page asked for. Newest
# first: the page's matches with one more, which tells whether another page follows. Each query is the search
# itself, so the page is kept only as long as the same stories match in the same order.
_MATCHES = f"""{LIVE}
    AND articles_article.search_vector @@ websearch_to_tsquery('{search.SEARCH_CONFIG}', %(query)s)"""
SEARCH_PAGE_SQL = {
    "relevance": f"""
WITH candidates AS (
    SELECT articles_article.id, articles_article.published_at,
        ts_rank(articles_article.search_vector, websearch_to_tsquery('{search.SEARCH_CONFIG}', %(query)s)) AS rank
    FROM articles_article WHERE {_MATCHES}
    ORDER BY articles_article.published_at DESC, articles_article.id DESC LIMIT {search.MAX_CANDIDATES}
),
ranked AS (
    SELECT id, row_number() OVER (ORDER BY rank DESC, published_at DESC, id DESC) AS place FROM candidates
)
SELECT (SELECT count(*) FROM candidates)::text,
    coalesce((SELECT string_agg({CARD_SQL}, ',' ORDER BY ranked.place) FROM ranked
              JOIN articles_article ON articles_article.id = ranked.id
              WHERE ranked.place > %(offset)s AND ranked.place <= %(offset)s + %(limit)s), ''),
    {fragments.AWARDS_VERSION_SQL}, {SECTIONS}
""",
    "newest": f"""
WITH shown AS (
    SELECT {CARD_SQL} AS version, articles_article.published_at, articles_article.id
    FROM articles_article WHERE {_MATCHES}
    ORDER BY articles_article.published_at DESC, articles_article.id DESC LIMIT %(limit)s + 1 OFFSET %(offset)s
)
SELECT coalesce((SELECT string_agg(version, ',' ORDER BY published_at DESC, id DESC) FROM shown), ''),
    {fragments.AWARDS_VERSION_SQL}, {SECTIONS}
""",
}


def search_page(query, sort, page_number, page_size):
    """The versions the results page ``page_number`` of a search for ``query`` (cleaned) in ``sort`` order shows."""
    params = {"query": query, "now": timezone.now(), "offset": (page_number - 1) * page_size, "limit": page_size}
    # Planned for each query, never prepared: a plan made for no query in particular could walk the whole
    # table for a rare word (its best plan is the full-text index), or the index for a common one.
    return read_versions(SEARCH_PAGE_SQL[sort], params, prepare=False)


def story_page(slug, day):
    """The versions a live story's page shows at (``slug`` published on ``day``), or None if there is no such story."""
    since = timezone.make_aware(datetime.combine(day, time.min))
    until = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return read_versions(STORY_PAGE_SQL, {"slug": slug, "since": since, "until": until, "now": timezone.now()})


def read_versions(sql, params, prepare=True):
    """The one row of versions ``sql`` reads, or None. Prepared once per connection unless told otherwise."""
    connection = connections[Article.objects.db]
    rows = _run_prepared(connection, sql, params) if prepare else _run(connection, sql, params)
    # None: not found (the page answers 404 itself), or more than one match (the page decides what that is).
    return rows[0] if len(rows) == 1 else None


def _run(connection, sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _run_prepared(connection, sql, params):
    name, positional, order = _prepared(sql)
    execute = f"EXECUTE {name} ({', '.join(['%s'] * len(order))})"
    try:
        # The cursor first: opening it may replace a connection that failed its health check by a new session,
        # which holds no statement yet.
        with connection.cursor() as cursor:
            if name not in _prepared_on(connection):
                # In the same round trip: a page costs the same queries on a connection's first request as later.
                execute = f"PREPARE {name} AS {positional.replace('%', '%%')}; {execute}"
            cursor.execute(execute, [params[key] for key in order])
            rows = cursor.fetchall()
    except DatabaseError:
        # The PREPARE may have run before the failure: the next request asks the session what it holds.
        connection._citynews_prepared = None
        raise
    _prepared_on(connection).add(name)
    return rows


# Prepared once per connection: planning these queries cost PostgreSQL more than running them (article page:
# 1.0 ms against 0.6 ms, EXPLAIN ANALYZE at 100,000 stories), on every reader's request. The connection asks
# for the generic plan every time (plan_cache_mode, citynews.settings): left to choose, PostgreSQL went on
# planning the front page's and the story lists' afresh for each request.
@functools.cache
def _prepared(sql):
    """A name for ``sql``, its text with $1, $2... for its %(name)s parameters, and the names in that order."""
    order = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
    positional = re.sub(r"%\((\w+)\)s", lambda match: f"${order.index(match.group(1)) + 1}", sql)
    return f"citynews_versions_{hashlib.sha256(sql.encode()).hexdigest()[:16]}", positional, order


def _prepared_on(connection):
    """The statements prepared on ``connection``'s current session (a new session after a reconnect has none;
    after a failed query, the session is asked)."""
    connection.ensure_connection()  # asked with no cursor open, it must not read a connection not made yet
    session = connection.connection
    if getattr(connection, "_citynews_prepared_session", None) is not session:
        connection._citynews_prepared_session = session
        connection._citynews_prepared = set()
    if connection._citynews_prepared is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements")
            connection._citynews_prepared = {name for (name,) in cursor.fetchall()}
    return connection._citynews_prepared

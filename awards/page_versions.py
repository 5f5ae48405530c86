"""
The one query of a city's or a ranking's page that reads the version of everything the page shows
(PostgreSQL), as articles.page_versions does for the stories' pages: the page is kept whole under
them (citynews.fragments.VersionedPageMixin).
"""

from django.utils import timezone

from articles.page_versions import CARD_SQL, LIVE, SECTIONS, read_versions
from citynews import fragments

from .models import REPORTING_STORIES_SQL

# The city's newest stories: ArticleQuerySet.about_city(), the newest on the timelines of the city and its
# districts. The city, its districts and its awards and ranks are award tables: their version covers them.
CITY_PAGE_SQL = f"""
WITH news AS (
    SELECT {CARD_SQL} AS version, published_at, id FROM articles_article
    WHERE {LIVE} AND articles_article.id IN (
        SELECT newest.article_id FROM awards_city city
        JOIN awards_city family ON family.id = city.id OR family.parent_id = city.id
        CROSS JOIN LATERAL (
            SELECT article_id FROM articles_city_timeline timeline
            WHERE timeline.city_id = family.id AND timeline.published_at <= %(now)s
            ORDER BY timeline.published_at DESC, timeline.article_id DESC LIMIT %(limit)s
        ) newest
        WHERE city.slug = %(slug)s
    )
    ORDER BY published_at DESC, id DESC LIMIT %(limit)s
)
SELECT awards_city.id, {fragments.AWARDS_VERSION_SQL}, coalesce({REPORTING_STORIES_SQL.replace("%s", "%(now)s")}, ''),
    coalesce((SELECT string_agg(version, ',' ORDER BY published_at DESC, id DESC) FROM news), ''), {SECTIONS}
FROM awards_city WHERE awards_city.slug = %(slug)s
"""


def city_page(slug, stories):
    """The versions a city's page shows at, reading its ``stories`` newest stories; None if there is no such city."""
    return read_versions(CITY_PAGE_SQL, {"slug": slug, "now": timezone.now(), "limit": stories})


# A ranking's page: its table (award tables) and the live stories that report any of its entries. The entries' ids
# as an array, not a join: joined, the planner hashes the whole table of links (1.6 ms against 1.0 on bench data).
RANKING_PAGE_SQL = f"""
WITH stories AS (
    SELECT {CARD_SQL} AS version, published_at, id FROM articles_article
    WHERE {LIVE} AND articles_article.id IN (
        SELECT link.article_id FROM articles_article_ranking_entries link
        WHERE link.rankingentry_id = ANY(ARRAY(
            SELECT entry.id FROM awards_rankingentry entry
            WHERE entry.ranking_id = (SELECT id FROM awards_ranking WHERE slug = %(slug)s AND year = %(year)s)))
    )
    ORDER BY published_at DESC, id DESC LIMIT %(limit)s
)
SELECT awards_ranking.id, {fragments.AWARDS_VERSION_SQL},
    coalesce((SELECT string_agg(version, ',' ORDER BY published_at DESC, id DESC) FROM stories), ''), {SECTIONS}
FROM awards_ranking WHERE slug = %(slug)s AND year = %(year)s
"""


def ranking_page(slug, year, stories):
    """The versions a ranking's page shows at, with up to ``stories`` reporting stories; None if there is none."""
    return read_versions(RANKING_PAGE_SQL, {"slug": slug, "year": year, "now": timezone.now(), "limit": stories})

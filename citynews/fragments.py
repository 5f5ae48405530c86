"""
Rendered fragments of readers' pages, cached under keys made of the versions of what they show.

A story card, a story's main part, a city's awards and ranks, a ranking's table: each is rendered
once and kept under a key holding the version of every row it shows. A change to any of those rows
gives the fragment a new key, so the next request renders it afresh; nothing is ever deleted to
invalidate, and a publish, which retires whole cached pages (citynews.pagecache), leaves every
fragment it did not touch warm.

Where the versions come from (PostgreSQL):
- a row's own version is its ``xmin`` (the id of the transaction that wrote this version of the row)
  with its ``ctid`` (where the version lies; a second change in the same transaction writes another
  one elsewhere). Any change moves them, a save, a bulk update or raw SQL, with no trigger and no
  shared row to lock. They are read in the same query as the row, so a key always matches the data
  it was read with;
- the links of a story (its photos, tags, cities and reported facts) are listed with their ids and
  versions in the story's own query (``ArticleQuerySet.with_fragment_versions``);
- the award and ranking tables, which many pages show, share one version kept by statement-level
  triggers (citynews.models.FragmentDimension), read as a scalar subquery of the page's query.

Which stories a list shows is never cached here: lists are queried on every request (drafts never
leak, and a scheduled story appears on time); only the markup of each story in them is.

On SQLite (the embedded default) nothing is cached: every fragment is rendered on every request.
A cache that is down is a miss (citynews.cache), so the page is rendered as if nothing was cached.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.utils import timezone
from markupsafe import Markup

from .models import FragmentDimension

KEY_PREFIX = "fragment:1"

AWARDS_VERSION_SQL = "(SELECT version::text FROM citynews_fragment_dimension WHERE name = 'awards')"


def enabled(using="default"):
    return settings.FRAGMENT_CACHE_SECONDS > 0 and connections[using].vendor == "postgresql"


def row_version_sql(table):
    """SQL for the version of the row of ``table`` (a name or alias in the query): any change to the row moves it."""
    return f"({table}.xmin::text || {table}.ctid::text)"


def awards_version():
    """The award and ranking tables' shared version, as an annotation of the page's own query."""
    return RawSQL(AWARDS_VERSION_SQL, ())


def current_awards_version():
    """The award and ranking tables' version, for a page whose own queries do not carry it (one query)."""
    return FragmentDimension.objects.filter(name="awards").values_list("version", flat=True).first()


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def key(kind, *versions):
    """The cache key of a ``kind`` of fragment showing rows at these versions; None (never cached) when a version
    is unknown, e.g. a query that did not read it or a dimension row that is missing."""
    if any(version is None for version in versions):
        return None
    # Times are shown in the active time zone. Hashed: a page's versions run to kilobytes.
    versions = "|".join([*map(str, versions), timezone.get_current_timezone_name()])
    return f"{KEY_PREFIX}:{kind}:{hashlib.sha256(versions.encode()).hexdigest()}"


def cached(fragment_key, render):
    """What ``render()`` returns, kept under ``fragment_key`` (None or False: not cacheable, always rendered)."""
    if not fragment_key or not enabled():
        return render()
    value = _cache().get(fragment_key)
    if value is None:
        value = render()
        _cache().set(fragment_key, value, settings.FRAGMENT_CACHE_SECONDS)
    return value


def cached_markup_for_each(items, key_of, render):
    """Markup for each of ``items``, in order: the cached ones in one round trip, the others rendered by
    ``render(missing_items)`` (a list of markup, in order) and kept. ``key_of(item)`` is None for an item
    read without its versions: then every item is rendered."""
    if not items:
        return []
    keys = [key_of(item) for item in items] if enabled() else [None]
    if None in keys:
        return [Markup(html) for html in render(items)]
    found = _cache().get_many(keys)
    missing = [index for index, fragment_key in enumerate(keys) if fragment_key not in found]
    if missing:
        markup = render([items[index] for index in missing])
        rendered = {keys[index]: str(html) for index, html in zip(missing, markup, strict=True)}
        _cache().set_many(rendered, settings.FRAGMENT_CACHE_SECONDS)
        found.update(rendered)
    return [Markup(found[fragment_key]) for fragment_key in keys]


class VersionedPageMixin:
    """A reader's page kept whole under the versions of everything it shows, read by one query.

    ``page_versions()`` returns them (articles.page_versions; a row of them, kept in ``versions_shown`` for
    the page's own use), or None when the page cannot be kept
    (not found, or a request the page decides on by itself). Only anonymous readers' requests with no
    query parameter but ``page`` use it: an editor's page may show what readers do not, and made-up
    parameters must not fill the cache. The page cache (citynews.pagecache) answers before this, with
    no query at all, until a publish retires it; then only the pages whose versions changed are drawn
    again.
    """

    versions_shown = None

    def page_versions(self):
        return None

    def get(self, request, *args, **kwargs):
        if not (enabled() and self.keeps_whole_page(request)):
            return super().get(request, *args, **kwargs)
        self.versions_shown = self.page_versions()
        address = f"{request.get_host()}{request.get_full_path()}"
        fragment_key = self.versions_shown and key("page", address, *self.versions_shown)
        if not fragment_key:
            return super().get(request, *args, **kwargs)
        content = _cache().get(fragment_key)
        if content is not None:
            return HttpResponse(content)
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            response.render()
            _cache().set(fragment_key, response.content, settings.FRAGMENT_CACHE_SECONDS)
        return response

    @staticmethod
    def keeps_whole_page(request):
        return settings.SESSION_COOKIE_NAME not in request.COOKIES and set(request.GET) <= {"page"}

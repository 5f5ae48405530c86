"""
Readers' pages and parts of them, cached under keys made of the versions of what they show.

Two levels, both keyed by versions, so nothing is ever deleted to invalidate:
- whole pages (``VersionedPageMixin``): the story, list, city and front pages read the versions of
  everything they show with one static query (articles/page_versions.py, awards/page_versions.py)
  and are kept whole under them. The next reader of an unchanged page costs that query and one
  cache read;
- fragments inside them (``cached``, ``cached_markup_for_each``): a story card, a story's main part
  and meta, a city's awards and ranks, the front page's awards panel. When a page changes (a story
  published on it), only the fragments whose versions moved are drawn again.
The page cache (citynews.pagecache) answers before both with no query at all, but a publish retires
all of it at once; these keep warm everything the publish did not touch, and a retired page whose
versions did not move is answered from the page cache's own copy.

Where the versions come from (PostgreSQL):
- a row's own version is its ``xmin`` (the id of the transaction that wrote this version of the row)
  with its ``ctid`` (where the version lies; a second change in the same transaction writes another
  one elsewhere). Any change moves them, a save, a bulk update or raw SQL, with no trigger and no
  shared row to lock. They are read in the same query as the row, so a key always matches the data
  it was read with;
- a story's links (its photos, tags, cities and reported facts) are listed with their ids and
  versions in the story's own query (``ArticleQuerySet.for_story_page``);
- the award and ranking tables, which many pages show, share one version kept by statement-level
  triggers (citynews.models.FragmentDimension), read as a scalar subquery of the page's query.
Which stories a list shows is read on every request, with the live rule and the time of the request,
so drafts never leak and a scheduled story appears on time. Every key also holds the release (a
digest of the code and of the static files' manifest), the active time zone and the script prefix.

On SQLite (the embedded default) nothing is kept: every page is drawn on every request. A cache that
is down is a miss (citynews.cache): the page is drawn as if nothing was kept.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.urls import get_script_prefix
from django.utils import timezone
from markupsafe import Markup

from . import metrics
from .models import FragmentDimension

KEY_PREFIX = "fragment:1"
# What the code draws is part of every key: a deploy that changes a template, a view or a static file's name
# must not serve what the previous release drew.
RELEASE_SOURCES = ("templates", "articles", "awards", "citynews")

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


@functools.cache
def release():
    """A digest of the code that draws readers' pages and of the static files' manifest, read once per process."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(path for folder in RELEASE_SOURCES for path in (base / folder).rglob("*")):
        if path.suffix in {".py", ".html", ".svg", ".xml"} and "migrations" not in path.parts:
            digest.update(path.relative_to(base).as_posix().encode() + path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def key(kind, *versions):
    """The cache key of a ``kind`` of fragment showing rows at these versions; None (never cached) when a version
    is unknown, e.g. a query that did not read it or a dimension row that is missing."""
    if any(version is None for version in versions):
        return None
    # Times are shown in the active time zone, and links under the prefix the site is served at (SCRIPT_NAME).
    # Hashed: a page's versions run to kilobytes.
    versions = "|".join([*map(str, versions), timezone.get_current_timezone_name(), get_script_prefix()])
    return f"{KEY_PREFIX}:{release()}:{kind}:{hashlib.sha256(versions.encode()).hexdigest()}"


def cached(fragment_key, render):
    """What ``render()`` returns, kept under ``fragment_key`` (None or False: not cacheable, always rendered)."""
    if not fragment_key or not enabled():
        return render()
    value = _cache().get(fragment_key)
    _count(fragment_key, hits=int(value is not None), misses=int(value is None))
    if value is None:
        value = render()
        _cache().set(fragment_key, value, settings.FRAGMENT_CACHE_SECONDS)
    return value


def _count(fragment_key, hits, misses):
    kind = fragment_key.split(":")[3]
    if hits:
        metrics.fragment_lookups.labels(kind=kind, result="hit").inc(hits)
    if misses:
        metrics.fragment_lookups.labels(kind=kind, result="miss").inc(misses)


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
    _count(keys[0], hits=len(keys) - len(missing), misses=len(missing))
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
    query parameter but ``whole_page_parameters`` use it: an editor's page may show what readers do not, and made-up
    parameters must not fill the cache. The page cache (citynews.pagecache) answers before this, with
    no query at all, until a publish retires it; then only the pages whose versions changed are drawn
    again.
    """

    versions_shown = None
    # The query parameters a kept page may have: any other is drawn afresh and not kept.
    whole_page_parameters = {"page"}

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
        retired = getattr(request, "retired_page", None)
        if retired is not None and retired.versions_key == fragment_key:
            # The page cache's copy, retired by a change this page does not show: it is this page (citynews.pagecache).
            content = retired.content
        else:
            content = _cache().get(fragment_key)
        _count(fragment_key, hits=int(content is not None), misses=int(content is None))
        if content is not None:
            response = HttpResponse(content)
        else:
            response = super().get(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            response.render()
            _cache().set(fragment_key, response.content, settings.FRAGMENT_CACHE_SECONDS)
        # The page cache stores the key with the page, to answer it again after a change elsewhere.
        response.versions_key = fragment_key
        return response

    def keeps_whole_page(self, request):
        return settings.SESSION_COOKIE_NAME not in request.COOKIES and set(request.GET) <= self.whole_page_parameters

"""
Whole-page caching for anonymous readers, shared by every worker and every server.

Any change to published content bumps one "content generation" number; every cached page carries
the generation it was built under and is served only while that is still the current one, so a
publish, edit or unpublish retires every cached page at once without tracking which pages a story
appears on. Scheduled stories need no invalidation: no page is cached past the next scheduled
publication time.

The generation's truth is a database row (citynews.models.ContentGeneration); the cache holds a
copy for GENERATION_COPY_SECONDS, so a hit costs no query. The cache may fail (citynews.cache): a
save while it is down still writes the row, and the copy is dropped as soon as this process
reaches the cache again, so no page cached before the outage outlives a change made during it.

A request carrying a session cookie (an editor, a logged-in reader) is never answered from the
cache and its response is never stored, so nobody's personal page reaches anyone else.

A retired page is not thrown away: a page kept whole under its versions (citynews.fragments) is stored
with their key, and when its view reads the same versions again after a change elsewhere, the
retired page is answered and stored again under the new generation, with no other cache read.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, router, transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from . import fragments, metrics
from .cache import cache_available_again
from .models import ContentGeneration

GENERATION_KEY = "content:generation"
# How long the cache's copy of the generation is trusted before the database row is read again: the
# longest a process that never saw a cache outage can serve a page retired during it.
GENERATION_COPY_SECONDS = 60
# (the generation it was computed under, the time): read in the same round trip as the page.
NEXT_GO_LIVE_KEY = "content:next-go-live"
# The entries' layout: (generation, status, headers, content, versions key or None).
PAGE_KEY_PREFIX = "page:2"
CACHEABLE_STATUSES = {200, 301, 404}
CONTENT_APPS = {"articles", "awards", "taggit"}


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def bump_generation(**kwargs):
    """Retire every cached page: a new generation, in the database row and in the cache's copy."""
    generation = time.time_ns()
    store_generation(generation)
    page_cache().set(GENERATION_KEY, generation, timeout=GENERATION_COPY_SECONDS)


def retire_cached_pages_until_commit():
    """A new generation in the cache only: pages rendered before an uncommitted change is committed."""
    page_cache().set(GENERATION_KEY, time.time_ns(), timeout=GENERATION_COPY_SECONDS)


def bump_on_content_change(sender, **kwargs):
    """Signal receiver: only models readers can see retire the cache (not sessions, users...).

    Now, and again once the change is committed: a reader's page rendered in between, from the
    database as it was before the commit, must not outlive it in the cache. The row is written
    only after the commit, so that concurrent saves do not queue behind its lock.
    """
    if sender._meta.app_label in CONTENT_APPS:
        retire_cached_pages_until_commit()
        # Robust: a failure after the commit must not skip the other on-commit callbacks
        # (a deleted photo's files) nor turn a saved change into an error page.
        transaction.on_commit(bump_generation, using=kwargs.get("using"), robust=True)


def store_generation(generation):
    rows = ContentGeneration.objects.using(router.db_for_write(ContentGeneration))
    if not rows.filter(pk=1).update(value=generation):
        rows.update_or_create(pk=1, defaults={"value": generation})


def stored_generation():
    rows = ContentGeneration.objects.using(router.db_for_write(ContentGeneration))
    return rows.get_or_create(pk=1, defaults={"value": time.time_ns()})[0].value


def current_generation():
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        try:
            generation = stored_generation()
        except DatabaseError:
            # The view will meet the outage too and answer the 503 page; nothing is cached meanwhile.
            return time.time_ns()
        # add(), not set(): a bump made meanwhile by another worker wins.
        cache.add(GENERATION_KEY, generation, timeout=GENERATION_COPY_SECONDS)
    return generation


@receiver(cache_available_again, dispatch_uid="pagecache.reread_generation")
def reread_generation_after_outage(cache, **kwargs):
    """Changes saved while this process could not reach the cache bumped only the database row."""
    cache.delete(GENERATION_KEY)


def seconds_until_next_go_live(generation, cached=None):
    """Seconds until the next scheduled story goes live or a front-page pick ends (None if neither), cached
    per generation. ``cached``: the cache's (generation, time) if the caller read it already."""
    from articles.models import Article, FrontPagePick

    cache = page_cache()
    now = timezone.now()
    if cached is None:
        cached = cache.get(NEXT_GO_LIVE_KEY)
    computed_under, next_time = cached if cached is not None else (None, None)
    if computed_under != generation or (next_time is not None and next_time <= now):
        next_go_live = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True)
        next_pick_end = (
            FrontPagePick.objects.filter(ends_at__gt=now).order_by("ends_at").values_list("ends_at", flat=True)
        )
        next_time = min(filter(None, [next_go_live.first(), next_pick_end.first()]), default=None)
        timeout = settings.PAGE_CACHE_SECONDS
        if next_time is not None:
            timeout = min(timeout, max(1, int((next_time - now).total_seconds())))
        cache.set(NEXT_GO_LIVE_KEY, (generation, next_time), timeout)
    if next_time is None:
        return None
    return (next_time - now).total_seconds()


@dataclass(frozen=True)
class RetiredPage:
    """A cached page retired by a change: the key of the versions it showed (None if its view keeps no
    versions) and its content."""

    versions_key: str | None
    content: bytes


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_cacheable_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True)
            return response

        key = self.key_for(request)
        cache = page_cache()
        # One round trip for all three: the page, the generation it must have been built under, and how long
        # a page may be kept (needed on a miss).
        found = cache.get_many([GENERATION_KEY, key, NEXT_GO_LIVE_KEY])
        generation = found.get(GENERATION_KEY) or current_generation()
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            _, status, headers, content, _ = cached
            metrics.page_cache_lookups.labels(result="hit").inc()
            request.served_from_page_cache = True
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            # ConditionalGetMiddleware sits inside this one and never sees a hit: answer 304s here.
            return (
                get_conditional_response(
                    request,
                    etag=response.get("ETag"),
                    last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                    response=response,
                )
                or response
            )

        metrics.page_cache_lookups.labels(result="miss").inc()
        if cached is not None:
            # Retired by a change: its view answers it again if it shows the same versions (citynews.fragments).
            request.retired_page = RetiredPage(versions_key=cached[4], content=cached[3])
        response = self.get_response(request)
        timeout = self.timeout_for(response, generation, found.get(NEXT_GO_LIVE_KEY))
        self.add_public_headers(response, generation)
        if timeout:
            # Stored with the page, not computed by ConditionalGetMiddleware on every hit (which, inside this
            # middleware, has usually set it on this miss already).
            if not response.has_header("ETag"):
                set_response_etag(response)
            headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
            # Stored with the generation read before rendering: a change made meanwhile makes it stale at once.
            versions_key = getattr(response, "versions_key", None)
            cache.set(key, (generation, response.status_code, headers, response.content, versions_key), timeout)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(settings.PAGE_CACHE_SKIP_PREFIXES)
            # Only pagination (and the API's filters) vary a cached page: any other parameter (a search, a
            # tracking tag) is served fresh, so nobody can fill the shared cache with made-up addresses.
            and set(request.GET) <= AnonymousPageCacheMiddleware.cacheable_params(request.path)
        )

    @staticmethod
    def cacheable_params(path):
        prefixes = settings.PAGE_CACHE_QUERY_PARAMS
        return prefixes[max((prefix for prefix in prefixes if path.startswith(prefix)), key=len)]

    @staticmethod
    def key_for(request):
        raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        # The release, as in every fragment's key: a deploy serves no page the previous code drew.
        return f"{PAGE_KEY_PREFIX}:{fragments.release()}:{hashlib.sha256(raw.encode()).hexdigest()}"

    @staticmethod
    def timeout_for(response, generation, next_go_live=None):
        if (
            response.status_code not in CACHEABLE_STATUSES
            or response.streaming
            or response.cookies
            or "private" in response.get("Cache-Control", "")
            or "no-cache" in response.get("Cache-Control", "")
            or "no-store" in response.get("Cache-Control", "")
        ):
            return 0
        timeout = settings.PAGE_CACHE_SECONDS
        until_go_live = seconds_until_next_go_live(generation, next_go_live)
        if until_go_live is not None:
            timeout = min(timeout, int(until_go_live))
        return max(timeout, 0)

    @staticmethod
    def add_public_headers(response, generation):
        if response.status_code != 200 or "Cache-Control" in response:
            return
        # The last content change is a truthful Last-Modified for every page.
        response.setdefault("Last-Modified", http_date(generation / 1e9))
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CDN_MAX_AGE)

"""
Whole-page caching for anonymous readers, shared by every worker and every server.

Any change to published content bumps one "content generation" number kept in the shared
cache; every cached page carries the generation it was built under and is served only while
that is still the current one, so a publish, edit or unpublish retires every cached page at once
without tracking which pages a story appears on. Scheduled stories need no invalidation: no
page is cached past the next scheduled publication time.

A request carrying a session cookie (an editor, a logged-in reader) is never answered from the
cache and its response is never stored, so nobody's personal page reaches anyone else.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

GENERATION_KEY = "content:generation"
NEXT_GO_LIVE_KEY = "content:next-go-live:{generation}"
CACHEABLE_STATUSES = {200, 301, 404}
CONTENT_APPS = {"articles", "awards", "taggit"}
_MISSING = object()


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def bump_generation(**kwargs):
    """Retire every cached page: called on any save or delete of content readers can see."""
    page_cache().set(GENERATION_KEY, time.time_ns(), timeout=None)


def bump_on_content_change(sender, **kwargs):
    """Signal receiver: only models readers can see retire the cache (not sessions, users...).

    Now, and again once the change is committed: a reader's page rendered in between, from the
    database as it was before the commit, must not outlive it in the cache.
    """
    if sender._meta.app_label in CONTENT_APPS:
        bump_generation()
        # Robust: a cache that fails after the commit must not skip the other on-commit callbacks
        # (articles/uncommitted_files.py) nor turn a saved change into an error page.
        transaction.on_commit(bump_generation, using=kwargs.get("using"), robust=True)


def current_generation():
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        # add(), not set(): when two workers race, both end up using the same number.
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def seconds_until_next_go_live(generation):
    """Seconds until the next scheduled story goes live or a front-page pick ends (None if neither), cached
    per generation."""
    from articles.models import Article, FrontPagePick

    cache = page_cache()
    key = NEXT_GO_LIVE_KEY.format(generation=generation)
    now = timezone.now()
    next_time = cache.get(key, _MISSING)
    if next_time is _MISSING or (next_time is not None and next_time <= now):
        next_go_live = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True)
        next_pick_end = (
            FrontPagePick.objects.filter(ends_at__gt=now).order_by("ends_at").values_list("ends_at", flat=True)
        )
        next_time = min(filter(None, [next_go_live.first(), next_pick_end.first()]), default=None)
        timeout = settings.PAGE_CACHE_SECONDS
        if next_time is not None:
            timeout = min(timeout, max(1, int((next_time - now).total_seconds())))
        cache.set(key, next_time, timeout)
    if next_time is None:
        return None
    return (next_time - now).total_seconds()


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
        # One round trip for both: the page, and the generation it must have been built under.
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or current_generation()
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            _, status, headers, content = cached
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

        response = self.get_response(request)
        timeout = self.timeout_for(response, generation)
        self.add_public_headers(response, generation)
        if timeout:
            # The ETag is computed once here, not by ConditionalGetMiddleware on every hit.
            set_response_etag(response)
            headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
            # Stored with the generation read before rendering: a change made meanwhile makes it stale at once.
            cache.set(key, (generation, response.status_code, headers, response.content), timeout)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(settings.PAGE_CACHE_SKIP_PREFIXES)
            # Only pagination and a ranking's order vary a cached page: any other parameter (a search,
            # a tracking tag) is served fresh, so nobody can fill the shared cache with made-up addresses.
            and set(request.GET) <= {"page", "sort"}
        )

    @staticmethod
    def key_for(request):
        raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return f"page:{hashlib.sha256(raw.encode()).hexdigest()}"

    @staticmethod
    def timeout_for(response, generation):
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
        until_go_live = seconds_until_next_go_live(generation)
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

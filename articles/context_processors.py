"""What every page's frame (templates/base.html) needs: the site's name, its fixed links, the sections menu."""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from citynews.pagecache import current_generation, page_cache

from .models import Section

# The links in the header and footer of every page, by the name templates use: site_urls.rss.
SITE_URL_NAMES = {
    "home": "articles:home",
    "latest": "articles:latest",
    "search": "articles:search",
    "sections": "articles:section_list",
    "archive": "articles:archive",
    "rss": "articles:rss",
    "atom": "articles:atom",
    "cities": "awards:cities",
    "programmes": "awards:programmes",
    "rankings": "awards:rankings",
}


def navigation_sections():
    """The sections menu on every page, kept in the shared cache until any content changes."""
    key = f"nav:sections:{current_generation()}"
    sections = page_cache().get(key)
    if sections is None:
        sections = list(Section.objects.all())
        page_cache().set(key, sections, timeout=24 * 3600)
    return sections


def navigation_links():
    """The sections menu as (address, name) pairs, remembered by each process for the content generation.

    A new generation (any content change, from any server) makes a new key; until then the menu
    costs one cache read for the generation instead of a read, an unpickling and a reverse() per section.
    """
    return _navigation_links(current_generation(), get_script_prefix(), get_urlconf())


@lru_cache(maxsize=8)
def _navigation_links(generation, script_prefix, urlconf):
    return tuple((section.get_absolute_url(), section.name) for section in navigation_sections())


def site_urls():
    """The fixed links of every page, reversed once per process rather than ten times per request.

    Still reversed from the URLconf, for the script prefix the site is served under (a deployment
    at /news/ gets /news/feeds/rss/) and for the request's own URLconf if a middleware set one.
    """
    return _site_urls(get_script_prefix(), get_urlconf())


@lru_cache(maxsize=16)
def _site_urls(script_prefix, urlconf):
    # reverse() reads the script prefix itself: it is an argument here only to key the cache.
    return {key: reverse(name, urlconf=urlconf) for key, name in SITE_URL_NAMES.items()}


@receiver(setting_changed, dispatch_uid="articles.site_urls_follow_urlconf")
def forget_site_urls(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _site_urls.cache_clear()
        _navigation_links.cache_clear()


def site(request):
    # Lazy: only pages that draw the navigation read it (error pages render without a database).
    return {
        "site_name": settings.SITE_NAME,
        "newsroom_email": settings.NEWSROOM_EMAIL,
        "site_urls": SimpleLazyObject(site_urls),
        "nav_links": SimpleLazyObject(navigation_links),
    }

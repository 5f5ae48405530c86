"""What every reader's page frame (templates/base.html) needs besides links: the site's name and the sections menu."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from citynews.pagecache import current_generation, page_cache

from .models import Section


def navigation_sections():
    """The sections menu on every page, kept in the shared cache until any content changes."""
    key = f"nav:sections:{current_generation()}"
    sections = page_cache().get(key)
    if sections is None:
        sections = list(Section.objects.all())
        page_cache().set(key, sections, timeout=24 * 3600)
    return sections


def site(request):
    # Lazy: only pages that draw the navigation read it (error pages render without a database).
    return {
        "site_name": settings.SITE_NAME,
        "newsroom_email": settings.NEWSROOM_EMAIL,
        "nav_sections": SimpleLazyObject(navigation_sections),
    }

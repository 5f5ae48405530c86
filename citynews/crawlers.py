"""What crawlers and browsers ask for at the site's root: robots.txt, favicon.ico and the sitemap index over every
app's sitemaps."""

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles.sitemaps import ArchiveSitemap, ArticleSitemap, NewsSitemap, SectionSitemap
from awards.sitemaps import AwardSitemap, CitySitemap, RankingSitemap

# The index's table of contents: /sitemap-<key>.xml for each.
SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "pages": ArchiveSitemap,
    "cities": CitySitemap,
    "awards": AwardSitemap,
    "rankings": RankingSitemap,
    "news": NewsSitemap,
}


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        # Result pages for every possible query are an endless space for crawlers.
        "Disallow: /search/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap-index')}",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap-news')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon_ico(request):
    """Browsers, feed readers and bookmarks ask for /favicon.ico whatever a page links: the icon is a static file."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))

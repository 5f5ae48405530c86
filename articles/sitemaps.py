"""
Sitemaps of live stories and sections, and the Google News sitemap of the last two days.

The site's sitemap index lists them with the awards data's (citynews/crawlers.py).
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from citynews.text import xml_text

from .models import Article, Section

NEWS_WINDOW = timedelta(days=2)


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "substantive_update_at", "status")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article):
        # The same time the story's page, JSON-LD and feeds give: publication, or the last update an editor marked.
        return article.updated_for_readers


class SectionSitemap(Sitemap):
    def items(self):
        live = Article.objects.published()
        return Section.objects.annotate(
            last_story_change=Max(
                Coalesce("articles__substantive_update_at", "articles__published_at"), filter=Q(articles__in=live)
            )
        ).order_by("position", "name")

    def lastmod(self, section):
        return section.last_story_change


class ArchiveSitemap(Sitemap):
    """The pages that list stories: latest, sections index, archive index."""

    def items(self):
        return ["articles:home", "articles:latest", "articles:section_list", "articles:archive"]

    def location(self, name):
        return reverse(name)


class NewsSitemap(ArticleSitemap):
    """Stories that went live in the last two days, for Google News (at most 1,000)."""

    limit = 1000

    def items(self):
        return (
            super()
            .items()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("slug", "title", "published_at", "substantive_update_at", "status")
        )

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            # The template's only text: without what XML cannot carry, even in a row older than the text rule.
            url["title"] = xml_text(url["item"].title)
        return urls

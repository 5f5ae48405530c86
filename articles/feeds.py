"""
RSS 2.0 and Atom feeds of live stories: the whole site, one section, one tag (a city's: awards/feeds.py).

Items carry the full sanitised body (``content:encoded`` in RSS, ``<content>``
in Atom), the lead photo as an enclosure and the publication time.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from taggit.models import Tag

from .models import Article, Section

FEED_SIZE = 20


class FullContentRssFeed(Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class FullContentAtomFeed(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    feed_type = FullContentRssFeed
    description = "News on smart-city awards and city rankings."

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: latest stories"

    def link(self, obj=None):
        return reverse("articles:home")

    def articles(self, obj):
        """The feed's stories, newest first (``items`` takes the first FEED_SIZE)."""
        return Article.objects.published().for_listing(with_body=True).prefetch_related("tags")

    def items(self, obj=None):
        return self.articles(obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_extra_kwargs(self, item):
        # Stored sanitised (Article.save), so it is safe to hand to feed readers as HTML.
        return {"content": item.body}

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_published_change

    def item_author_name(self, item):
        return item.byline or item.source_name or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item):
        photo = item.lead_photo
        if photo is None:
            return []
        return [Enclosure(photo.image.url, str(photo.file_size), photo.content_type)]

    def get_feed(self, obj, request):
        # Enclosures need absolute addresses on the host the feed was fetched from, like item links.
        feed = super().get_feed(obj, request)
        for item in feed.items:
            item["enclosures"] = [
                Enclosure(request.build_absolute_uri(enclosure.url), enclosure.length, enclosure.mime_type)
                for enclosure in item["enclosures"]
            ]
        return feed


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = FullContentAtomFeed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return f"{settings.SITE_NAME}: {section.name}"

    def description(self, section):
        return section.description or f"Latest stories in {section.name}."

    def link(self, section):
        return section.get_absolute_url()

    def articles(self, section):
        return super().articles(section).filter(section=section)


class SectionAtomFeed(SectionFeed):
    feed_type = FullContentAtomFeed
    subtitle = SectionFeed.description


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        # Like the tag page: a tag only drafts use does not exist for readers.
        if not Article.objects.published().tagged(tag).exists():
            raise Http404("No published articles with this tag.")
        return tag

    def title(self, tag):
        return f"{settings.SITE_NAME}: stories tagged “{tag.name}”"

    def description(self, tag):
        return f"Latest stories tagged “{tag.name}”."

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def articles(self, tag):
        return super().articles(tag).tagged(tag)


class TagAtomFeed(TagFeed):
    feed_type = FullContentAtomFeed
    subtitle = TagFeed.description

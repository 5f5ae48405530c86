"""
RSS 2.0 and Atom feeds of live stories: the whole site, one section, one tag (a city's: awards/feeds.py).

Items carry the full sanitised body (``content:encoded`` in RSS, ``<content>``
in Atom), the lead photo as an enclosure and the publication time.

Feed readers render an item's description (RSS ``<description>``, Atom
``<summary type="html">``) and an RSS channel's description as HTML, while the
story's standfirst, or the text taken from its body, is plain text: the feed
writers below escape those fields as HTML once before the XML writer escapes
them again, and drop from every field what XML 1.0 cannot carry
(``citynews.text``).

Items also carry the lead photo as Media RSS ``media:content`` and
``media:thumbnail``, and the time of the last update an editor marked. A feed's
own ``lastBuildDate`` / ``<updated>`` is the newest of its items' times, so it
agrees with the stories, their pages and the sitemap. The channel carries the
site's logo.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from taggit.models import Tag

from citynews.text import as_html, xml_text

from .models import Article, Author, Section
from .previews import LOGO_PATH

FEED_SIZE = 20
MEDIA_RSS = "http://search.yahoo.com/mrss/"


def add_media_elements(handler, item):
    """Media RSS: the lead photo's largest rendition as ``media:content``, its smallest as ``media:thumbnail``."""
    media = item.get("media")
    if not media:
        return
    handler.addQuickElement(
        "media:content",
        attrs={"url": media["url"], "medium": "image", "type": media["type"], "width": str(media["width"]),
               "height": str(media["height"])},
    )  # fmt: skip
    handler.addQuickElement("media:thumbnail", attrs={"url": media["thumbnail"]})


def _xml_safe(value):
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(part) for part in value)
    return xml_text(value)


class PlainTextRule:
    """A feed writer that applies the text rule to whatever the feed hands it.

    ``html_feed_fields`` and ``html_item_fields`` are the fields its format declares to be HTML:
    plain text goes into them escaped. The item's ``content`` is the sanitised body, HTML already.
    """

    html_feed_fields = ()
    html_item_fields = ("description",)

    @staticmethod
    def _apply(fields, html_fields):
        return {
            name: as_html(value) if name in html_fields and isinstance(value, str) else _xml_safe(value)
            for name, value in fields.items()
        }

    def __init__(self, **fields):
        super().__init__(**self._apply(fields, self.html_feed_fields))

    def add_item(self, **fields):
        super().add_item(**self._apply(fields, self.html_item_fields))


class FullContentRssFeed(PlainTextRule, Rss201rev2Feed):
    html_feed_fields = ("description",)

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:media": MEDIA_RSS,
        }

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.startElement("image", {})
        handler.addQuickElement("url", self.feed["logo"])
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", self.feed["link"])
        handler.addQuickElement("width", "144")  # the largest RSS 2.0 allows
        handler.addQuickElement("height", "144")
        handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        add_media_elements(handler, item)


class FullContentAtomFeed(PlainTextRule, Atom1Feed):
    # The subtitle and titles are Atom text constructs; the summary is declared type="html".
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("logo", self.feed["logo"])
        handler.addQuickElement("icon", self.feed["logo"])

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        add_media_elements(handler, item)


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
        return {"content": item.rendered_body, "media": self.media(item)}

    def media(self, item):
        photo = item.lead_photo
        if photo is None or not photo.renditions:
            return None
        largest = photo.renditions[-1]
        # Made absolute in get_feed(), on the host the feed was fetched from.
        return {"url": photo.largest_url, "thumbnail": photo.thumbnail_url, "type": "image/webp",
                "width": largest["width"], "height": largest["height"]}  # fmt: skip

    def feed_extra_kwargs(self, obj):
        return {"logo": static(LOGO_PATH)}

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_for_readers

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
        feed.feed["logo"] = request.build_absolute_uri(feed.feed["logo"])
        for item in feed.items:
            if item.get("media"):
                item["media"] = {
                    **item["media"],
                    "url": request.build_absolute_uri(item["media"]["url"]),
                    "thumbnail": request.build_absolute_uri(item["media"]["thumbnail"]),
                }
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


class AuthorFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{settings.SITE_NAME}: stories by {author.name}"

    def description(self, author):
        return f"Latest stories by {author.name}."

    def link(self, author):
        return author.get_absolute_url()

    def articles(self, author):
        return super().articles(author).filter(author=author)


class AuthorAtomFeed(AuthorFeed):
    feed_type = FullContentAtomFeed
    subtitle = AuthorFeed.description

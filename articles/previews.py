"""What a page looks like to other sites: canonical address, social-card fields, breadcrumbs, schema.org JSON-LD.

Each reader page gives its template a ``PageMeta``; ``includes/page_meta.html`` prints it (canonical link,
Open Graph and Twitter tags, one JSON-LD script per item) and ``includes/breadcrumbs.html`` shows the trail.
The schema.org data is built here, in Python, from the same values the page shows.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

SCHEMA = "https://schema.org"
LOGO_PATH = "img/logo.png"  # 512 × 512 PNG: Google asks for a raster publisher logo
LOGO_SIZE = 512
DEFAULT_CARD_PATH = "img/social-card.png"  # 1200 × 630, for pages without a photo of their own
DEFAULT_CARD_SIZE = (1200, 630)


def absolute(url):
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


@dataclass(frozen=True)
class SocialImage:
    url: str  # absolute
    width: int
    height: int
    alt: str = ""
    content_type: str = "image/jpeg"


def photo_images(photo):
    """The JPEG crops of ``photo`` (16:9, 4:3, 1:1), widest first; an older photo without them gives its largest
    rendition."""
    if photo is None or not photo.image:
        return []
    if photo.social_crops:
        return [SocialImage(absolute(url), width, height, photo.alt_text) for url, width, height in photo.social_images]
    if photo.renditions:
        largest = photo.renditions[-1]
        return [
            SocialImage(absolute(photo.largest_url), largest["width"], largest["height"], photo.alt_text, "image/webp")
        ]
    return [SocialImage(absolute(photo.image.url), photo.width, photo.height, photo.alt_text, photo.content_type)]


def default_card():
    width, height = DEFAULT_CARD_SIZE
    return SocialImage(absolute(static(DEFAULT_CARD_PATH)), width, height, f"{settings.SITE_NAME} logo", "image/png")


def social_image(article):
    """The image a social card shows for ``article``: its 16:9 JPEG crop, or None without a lead photo."""
    images = photo_images(article.lead_photo)
    return images[0] if images else None


def organisation_data():
    """The publisher: this site, with its logo."""
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": f"{settings.SITE_URL}/",
        "logo": {"@type": "ImageObject", "url": absolute(static(LOGO_PATH)), "width": LOGO_SIZE, "height": LOGO_SIZE},
    }


def website_data():
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": f"{settings.SITE_URL}/",
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{settings.SITE_URL}{reverse('articles:search')}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        },
    }


def author_data(article):
    """A linked author (Person, or Organization for a desk or agency), a plain byline as a Person, or the site."""
    if article.author is not None:
        return author_entity(article.author)
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    return organisation_data()


def author_entity(author):
    data = {
        "@type": "Organization" if author.is_organisation else "Person",
        "name": author.name,
        "url": absolute(author.get_absolute_url()),
    }
    if author.website:
        data["sameAs"] = [author.website]
    return data


def news_article_data(article):
    """schema.org ``NewsArticle`` for ``article``, with the properties Google documents for articles."""
    url = absolute(article.get_absolute_url())
    data = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        # In the newsroom's zone, as the page and its meta tags give them: one string for one time everywhere.
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "dateModified": timezone.localtime(article.updated_for_readers).isoformat(),
        "author": [author_data(article)],
        "publisher": organisation_data(),
        "timeRequired": f"PT{article.reading_minutes}M",
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.section:
        data["articleSection"] = article.section.name
    cities = article.cities.all()
    if cities:
        data["about"] = [
            {"@type": "City", "name": city.name, "url": absolute(city.get_absolute_url())} for city in cities
        ]
    photo = article.lead_photo
    images = photo_images(photo)
    if images:
        data["image"] = [image_object(image, caption=photo.caption) for image in images]
    return data


def image_object(image, caption=""):
    data = {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}
    if caption:
        data["caption"] = caption
    return data


def breadcrumb_list(trail):
    """schema.org ``BreadcrumbList`` for [(name, path), ...], the last item being the page itself."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": absolute(path)}
            for index, (name, path) in enumerate(trail, start=1)
        ],
    }


def collection_page_data(name, path, items, description=""):
    """A list page: ``CollectionPage`` whose main entity is an ``ItemList`` of the listed pages, in order."""
    url = absolute(path)
    return {
        "@context": SCHEMA,
        "@type": "CollectionPage",
        "name": name,
        "url": url,
        **({"description": description} if description else {}),
        "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME, "url": f"{settings.SITE_URL}/"},
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": index, "url": absolute(item.get_absolute_url()), "name": str(item)}
                for index, item in enumerate(items, start=1)
            ],
        },
    }


@dataclass
class PageMeta:
    """Everything a page tells other sites about itself; one per reader page."""

    canonical: str
    title: str
    description: str
    og_type: str = "website"
    images: list = field(default_factory=list)
    breadcrumbs: list = field(default_factory=list)  # [(name, path)], the page itself last
    json_ld: list = field(default_factory=list)
    published: object = None  # datetimes, for article:published_time / modified_time
    modified: object = None
    properties: list = field(default_factory=list)  # more Open Graph (property, content): article:tag, ...
    noindex: bool = False

    @classmethod
    def for_page(cls, path, title, description, breadcrumbs, json_ld=(), image_article=None, **kwargs):
        """Meta for ``path``; the social image is ``image_article``'s lead photo, or the site's card."""
        images = photo_images(image_article.lead_photo) if image_article is not None else []
        return cls(
            canonical=absolute(path),
            title=title or settings.SITE_NAME,
            description=description,
            images=images[:1] or [default_card()],
            breadcrumbs=list(breadcrumbs),
            json_ld=list(json_ld),
            **kwargs,
        )

    @property
    def image(self):
        return self.images[0] if self.images else None

    @property
    def structured_data(self):
        """The page's JSON-LD items, its BreadcrumbList last (a trail needs the page and at least one above it)."""
        if len(self.breadcrumbs) >= 2:
            return [*self.json_ld, breadcrumb_list(self.breadcrumbs)]
        return self.json_ld


def trail(*steps):
    """A breadcrumb trail from the front page: ``trail(("Sections", "/sections/"), (section.name, url))``."""
    return [("Home", reverse("articles:home")), *steps]

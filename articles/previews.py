"""What an article looks like to other sites: canonical address, social-card fields, schema.org JSON-LD."""

from django.conf import settings


def absolute(url):
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def social_image(article):
    """The lead photo as (absolute URL, alt text, width, height), or None."""
    photo = article.lead_photo
    if photo is None or not photo.image:
        return None
    if photo.renditions:
        largest = photo.renditions[-1]
        return absolute(photo.largest_url), photo.alt_text, largest["width"], largest["height"]
    return absolute(photo.image.url), photo.alt_text, photo.width, photo.height


def news_article_data(article):
    """schema.org ``NewsArticle`` for ``article``, as a dict ready for ``json_ld``."""
    url = absolute(article.get_absolute_url())
    publisher = {"@type": "Organization", "name": settings.SITE_NAME, "url": f"{settings.SITE_URL}/"}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.last_published_change.isoformat(),
        "author": {"@type": "Person", "name": article.byline} if article.byline else publisher,
        "publisher": publisher,
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
    image = social_image(article)
    if image:
        image_url, alt_text, width, height = image
        data["image"] = [
            {"@type": "ImageObject", "url": image_url, "caption": alt_text, "width": width, "height": height}
        ]
    return data


def sharing_context(article):
    """What a live story's <head> shows other sites: its canonical address, social image and JSON-LD."""
    if not article.is_live:
        return {"canonical_url": None, "social_image": None, "structured_data": None}
    return {
        "canonical_url": absolute(article.get_absolute_url()),
        "social_image": social_image(article),
        "structured_data": news_article_data(article),
    }

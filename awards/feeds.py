"""A city's RSS and Atom feeds: the stories its page lists, with the site feeds' full content (articles/feeds.py)."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from articles.feeds import FEED_SIZE, FullContentAtomFeed, LatestArticlesFeed
from articles.models import Article

from .models import City


class CityFeed(LatestArticlesFeed):
    """Stories about a city or one of its districts, as its page lists them."""

    def get_object(self, request, slug):
        return get_object_or_404(City.objects.with_relations(), slug=slug)

    def title(self, city):
        return f"{settings.SITE_NAME}: {city.name}"

    def description(self, city):
        return f"Latest stories about {city.name}."

    def link(self, city):
        return city.get_absolute_url()

    def articles(self, city):
        return (
            Article.objects.published().for_listing(with_body=True).prefetch_related("tags").about_city(city, FEED_SIZE)
        )


class CityAtomFeed(CityFeed):
    feed_type = FullContentAtomFeed
    subtitle = CityFeed.description

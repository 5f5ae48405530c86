"""The reader pages the benchmark measures, one URL each, chosen from the data."""

from django.urls import NoReverseMatch, reverse

from articles.models import Article
from awards.models import City, Ranking


def optional(label, name, **kwargs):
    try:
        return [(label, reverse(name, kwargs=kwargs or None))]
    except NoReverseMatch:
        return []


def reader_pages():
    latest = Article.objects.published().for_listing().first()
    tag = latest.tags.order_by("slug").first()
    city = City.objects.filter(slug__startswith="bench-city-", parent=None).order_by("pk").first()
    ranking = Ranking.objects.filter(slug="bench-ranking-0").order_by("-year").first()
    return [
        ("home", "/"),
        ("article", latest.get_absolute_url()),
        ("tag", f"/tag/{tag.slug}/"),
        ("city", city.get_absolute_url()),
        ("ranking", ranking.get_absolute_url()),
        *[(label, f"{url}?q=smart+city") for label, url in optional("search (2 words)", "articles:search")],
        *optional("RSS feed", "articles:rss"),
        ("API stories", "/api/v1/stories/"),
        ("API cities", "/api/v1/cities/"),
        ("API recognitions", "/api/v1/recognitions/"),
        ("API ranking entries", f"/api/v1/ranking-entries/?ranking={ranking.slug}&year={ranking.year}"),
    ]

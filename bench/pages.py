"""The reader pages the benchmark measures, one URL each, and the many URLs of its mixed load, chosen from the data."""

from django.urls import NoReverseMatch, reverse
from taggit.models import Tag, TaggedItem

from articles.models import Article, Section
from awards.models import City, Ranking

# The mixed load's share of the site: enough distinct pages that a publish costs the page cache a real refill.
MIXED_ARTICLES = 5000
MIXED_TAGS = 300


def optional(label, name, **kwargs):
    try:
        return [(label, reverse(name, kwargs=kwargs or None))]
    except NoReverseMatch:
        return []


def bench_cities():
    return City.objects.filter(slug__startswith="bench-city-", parent=None).order_by("pk")


def reader_pages():
    latest = Article.objects.published().for_listing().first()
    tag = latest.tags.order_by("slug").first()
    section = latest.section or Section.objects.order_by("pk").first()
    city = bench_cities().first()
    ranking = Ranking.objects.filter(slug="bench-ranking-0").order_by("-year").first()
    return [
        ("home", "/"),
        ("latest", reverse("articles:latest")),
        ("section", section.get_absolute_url()),
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


def reader_urls():
    """What readers ask for, for the mixed load: the newest stories, the tag pages of the most used tags,
    every city, every section, the front page and the latest list."""
    articles = Article.objects.published().order_by("-published_at").only("slug", "published_at")
    used_tags = (
        Tag.objects.filter(pk__in=TaggedItem.objects.filter(object_id__in=articles.values("pk")).values("tag_id"))
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    return [
        "/",
        reverse("articles:latest"),
        *(section.get_absolute_url() for section in Section.objects.order_by("pk")),
        *(city.get_absolute_url() for city in bench_cities()),
        *(f"/tag/{slug}/" for slug in used_tags[:MIXED_TAGS]),
        *(article.get_absolute_url() for article in articles[:MIXED_ARTICLES]),
    ]

"""The reader pages the benchmark measures, one URL each, chosen from the data."""

from articles.models import Article


def reader_pages():
    latest = Article.objects.published().for_listing().first()
    tag = latest.tags.order_by("slug").first()
    return [
        ("home", "/"),
        ("article", latest.get_absolute_url()),
        ("tag", f"/tag/{tag.slug}/"),
    ]

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import sitemaps
from articles.models import Article
from tests.conftest import make_article, make_section

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def url_entries(root):
    return {url.findtext("s:loc", namespaces=NS): url for url in root.findall("s:url", NS)}


def test_index_lists_every_section(client):
    make_article()
    root = xml(client, "/sitemap.xml")
    locations = [el.findtext("s:loc", namespaces=NS) for el in root.findall("s:sitemap", NS)]
    assert locations == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-cities.xml",
        "http://testserver/sitemap-awards.xml",
        "http://testserver/sitemap-rankings.xml",
        "http://testserver/sitemap-news.xml",
    ]


def test_article_sitemap_has_live_stories_with_lastmod(client):
    live = make_article()
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    entries = url_entries(xml(client, "/sitemap-articles.xml"))
    assert list(entries) == [f"http://testserver{live.get_absolute_url()}"]
    lastmod = entries[f"http://testserver{live.get_absolute_url()}"].findtext("s:lastmod", namespaces=NS)
    # The time the page and its JSON-LD give: the publication, or the last update an editor marked.
    assert lastmod == timezone.localtime(live.updated_for_readers).date().isoformat()
    assert f"http://testserver{draft.get_absolute_url()}" not in entries
    assert f"http://testserver{scheduled.get_absolute_url()}" not in entries


def test_lastmod_moves_on_published_changes_only():
    two_days_ago = timezone.now() - timedelta(days=2)
    article = make_article(published_at=two_days_ago)
    first_change = article.content_changed_at
    assert first_change >= two_days_ago

    article.title = "Corrected headline"
    article.save()
    assert article.content_changed_at > first_change
    live_change = article.content_changed_at

    # Saving again with nothing new for readers (as load_demo or a double click does) is no change.
    reloaded = Article.objects.get(pk=article.pk)
    reloaded.save()
    reloaded.refresh_from_db()
    assert reloaded.content_changed_at == live_change

    article.status = Article.Status.DRAFT
    article.title = "Rewrite in progress"
    article.save()
    article.refresh_from_db()
    assert article.content_changed_at == live_change

    future = timezone.now() + timedelta(days=3)
    scheduled = make_article(published_at=future)
    assert scheduled.content_changed_at == future


def test_admin_publish_action_dates_the_change(admin_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    scheduled_draft = make_article(status=Article.Status.DRAFT, published_at=timezone.now() + timedelta(days=1))
    before = timezone.now()
    response = admin_client.post(
        "/admin/articles/article/", {"action": "publish", "_selected_action": [draft.pk, scheduled_draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    scheduled_draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    # Dated when it went live: the publish time, give or take the milliseconds of the save itself.
    assert before <= draft.published_at <= draft.content_changed_at <= timezone.now()
    assert scheduled_draft.content_changed_at == scheduled_draft.published_at


def test_article_sitemap_is_paginated(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    articles = [make_article() for _ in range(3)]
    root = xml(client, "/sitemap.xml")
    locations = [el.findtext("s:loc", namespaces=NS) for el in root.findall("s:sitemap", NS)]
    assert "http://testserver/sitemap-articles.xml?p=2" in locations
    first = url_entries(xml(client, "/sitemap-articles.xml"))
    second = url_entries(xml(client, "/sitemap-articles.xml?p=2"))
    assert len(first) == 2 and len(second) == 1
    assert set(first) | set(second) == {f"http://testserver{a.get_absolute_url()}" for a in articles}
    assert client.get("/sitemap-articles.xml?p=3").status_code == 404


def test_section_sitemap_lastmod_ignores_drafts(client):
    section = make_section(slug="awards")
    live = make_article(section=section, published_at=timezone.now() - timedelta(days=5))
    make_article(section=section, status=Article.Status.DRAFT, published_at=None)
    entries = url_entries(xml(client, "/sitemap-sections.xml"))
    entry = entries["http://testserver/section/awards/"]
    assert entry.findtext("s:lastmod", namespaces=NS) == timezone.localtime(live.published_at).date().isoformat()


def test_news_sitemap_has_the_last_two_days(client):
    recent = make_article(title="Fresh <news>", published_at=timezone.now() - timedelta(hours=3))
    make_article(title="Old", published_at=timezone.now() - timedelta(days=3))
    make_article(title="Draft", status=Article.Status.DRAFT, published_at=None)
    make_article(title="Soon", published_at=timezone.now() + timedelta(hours=3))
    root = xml(client, "/sitemap-news.xml")
    (url,) = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == f"http://testserver{recent.get_absolute_url()}"
    news = url.find("news:news", NS)
    assert news.findtext("news:title", namespaces=NS) == "Fresh <news>"
    assert news.findtext("news:publication/news:name", namespaces=NS) == "citynews"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    published = news.findtext("news:publication_date", namespaces=NS)
    assert published == timezone.localtime(recent.published_at).isoformat()


def test_robots_txt(client, settings):
    settings.SITE_URL = "https://citynews.example"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /preview/", "Disallow: /search/"} <= set(lines)
    assert "Sitemap: https://citynews.example/sitemap.xml" in lines
    assert "Sitemap: https://citynews.example/sitemap-news.xml" in lines


def test_sitemap_query_count_is_fixed(client, django_assert_max_num_queries):
    make_article()
    with django_assert_max_num_queries(2) as one:
        client.get("/sitemap-articles.xml")
    for _ in range(30):
        make_article()
    with django_assert_max_num_queries(2) as many:
        client.get("/sitemap-articles.xml")
    assert len(one.captured_queries) == len(many.captured_queries)

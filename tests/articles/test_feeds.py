from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import make_article, make_photo, make_section, parse

pytestmark = pytest.mark.django_db


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def test_rss_has_live_stories_with_full_content_dates_and_enclosure(client):
    older = make_article(title="Older", published_at=timezone.now() - timedelta(days=2), tags=["metro"])
    newer = make_article(
        title="Newer <b>&</b> bolder",
        body="<p>Full <strong>body</strong> text.</p><script>alert(1)</script>",
        byline="A. Writer",
        published_at=timezone.now() - timedelta(hours=1),
    )
    photo = make_photo(newer, is_lead=True)
    make_article(title="Draft", status=Article.Status.DRAFT, published_at=None)
    make_article(title="Scheduled", published_at=timezone.now() + timedelta(days=1))

    response, feed = fetch(client, "/feeds/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == [newer.title, older.title]
    first = feed.entries[0]
    assert first.link == f"http://testserver{newer.get_absolute_url()}"
    assert first.published_parsed[:6] == newer.published_at.utctimetuple()[:6]
    assert first.author == "A. Writer"
    body = first.content[0].value
    assert "<strong>body</strong>" in body and "<script" not in body
    (enclosure,) = first.enclosures
    assert enclosure.href == f"http://testserver{photo.image.url}"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == photo.file_size == photo.image.size > 0
    assert feed.entries[1].enclosures == []
    assert [tag.term for tag in feed.entries[1].tags] == ["metro"]


def test_atom_has_the_same_entries(client):
    article = make_article(title="Atom story", body="<p>Atom <em>body</em>.</p>")
    photo = make_photo(article, is_lead=True)
    response, feed = fetch(client, "/feeds/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.version == "atom10"
    (entry,) = feed.entries
    assert entry.title == "Atom story"
    assert entry.content[0].value == "<p>Atom <em>body</em>.</p>"
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    assert entry.enclosures[0].href.endswith(photo.image.url)
    assert entry.enclosures[0].length == str(photo.file_size)


def test_section_feed_only_has_its_section(client):
    section = make_section(name="Rankings", slug="rankings")
    inside = make_article(title="Inside", section=section)
    make_article(title="Outside")
    make_article(title="Draft inside", section=section, status=Article.Status.DRAFT, published_at=None)
    for url in ["/section/rankings/rss/", "/section/rankings/atom/"]:
        _, feed = fetch(client, url)
        assert [entry.title for entry in feed.entries] == [inside.title]
        assert "Rankings" in feed.feed.title
    assert client.get("/section/nope/rss/").status_code == 404


def test_tag_feed_only_has_its_tag_and_hides_draft_only_tags(client):
    tagged = make_article(title="Tagged", tags=["lighthouse"])
    make_article(title="Untagged")
    make_article(title="Secret", status=Article.Status.DRAFT, published_at=None, tags=["secret-plan"])
    for url in ["/tag/lighthouse/rss/", "/tag/lighthouse/atom/"]:
        _, feed = fetch(client, url)
        assert [entry.title for entry in feed.entries] == [tagged.title]
    assert client.get("/tag/secret-plan/rss/").status_code == 404
    assert client.get("/tag/missing/atom/").status_code == 404


def test_autodiscovery_links(client):
    section = make_section(name="Awards", slug="awards")
    make_article(section=section, tags=["smart-grid"])
    home = parse(client.get("/"))
    assert [(link["type"], link["href"]) for link in home.select("head link[rel=alternate]")] == [
        ("application/rss+xml", "/feeds/rss/"),
        ("application/atom+xml", "/feeds/atom/"),
    ]
    section_links = [link["href"] for link in parse(client.get("/section/awards/")).select("head link[rel=alternate]")]
    assert section_links == ["/feeds/rss/", "/feeds/atom/", "/section/awards/rss/", "/section/awards/atom/"]
    tag_links = [link["href"] for link in parse(client.get("/tag/smart-grid/")).select("head link[rel=alternate]")]
    assert tag_links[2:] == ["/tag/smart-grid/rss/", "/tag/smart-grid/atom/"]


def test_feed_query_count_is_fixed(client, django_assert_max_num_queries):
    make_article(tags=["a"])
    with django_assert_max_num_queries(3) as one:
        client.get("/feeds/rss/")
    for n in range(30):
        article = make_article(tags=["a", f"t{n}"])
        make_photo(article, is_lead=True)
    with django_assert_max_num_queries(3) as many:
        _, feed = fetch(client, "/feeds/rss/")
    assert len(feed.entries) == 20
    assert len(one.captured_queries) == len(many.captured_queries)

"""Feeds say the same times as the pages: publication, and the update an editor marked; a channel image and
Media RSS per item. Parsed with feedparser, as a reader's feed app would."""

from datetime import UTC, timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Author
from tests.conftest import make_article, make_photo

pytestmark = pytest.mark.django_db


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return feedparser.parse(response.content)


def utc_tuple(moment):
    return moment.astimezone(UTC).timetuple()[:6]


@pytest.fixture
def stories():
    two_days_ago = timezone.now().replace(microsecond=0) - timedelta(days=2)
    quiet = make_article(title="Quietly fixed", published_at=two_days_ago)
    updated = make_article(title="Updated story", published_at=two_days_ago - timedelta(days=1))
    make_photo(updated, is_lead=True)
    # A typo fixed today is not news: the feed must not call the feed or the item updated today.
    quiet.body = "<p>Typo fixed.</p>"
    quiet.save()
    return quiet, updated


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/"])
def test_feed_and_items_are_updated_when_an_editor_marks_an_update_not_on_every_save(client, stories, url):
    quiet, updated = stories
    feed = fetch(client, url)
    assert not feed.bozo, feed.bozo_exception
    # The newest content change readers were told about: the newer publication.
    assert feed.feed.updated_parsed[:6] == utc_tuple(quiet.published_at)
    entries = {entry.title: entry for entry in feed.entries}
    assert entries["Quietly fixed"].published_parsed[:6] == utc_tuple(quiet.published_at)
    if url.endswith("atom/"):
        assert entries["Quietly fixed"].updated_parsed[:6] == utc_tuple(quiet.published_at)

    updated.mark_substantive_update("New figures from the bureau.")
    updated.save()
    updated.refresh_from_db()
    feed = fetch(client, url)
    assert feed.feed.updated_parsed[:6] == utc_tuple(updated.substantive_update_at)
    if url.endswith("atom/"):
        entry = next(entry for entry in feed.entries if entry.title == "Updated story")
        assert entry.updated_parsed[:6] == utc_tuple(updated.substantive_update_at)
        assert entry.published_parsed[:6] == utc_tuple(updated.published_at)


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/"])
def test_feeds_carry_a_channel_image_and_media_rss_per_item(client, stories, url):
    _, with_photo = stories
    feed = fetch(client, url)
    logo = feed.feed.image.href if url.endswith("rss/") else feed.feed.logo
    assert logo.startswith("http://testserver/static/") and logo.endswith(".png")
    entry = next(entry for entry in feed.entries if entry.title == "Updated story")
    photo = with_photo.lead_photo
    assert entry.media_content == [
        {
            "url": f"http://testserver{photo.largest_url}",
            "medium": "image",
            "type": "image/webp",
            "width": str(photo.renditions[-1]["width"]),
            "height": str(photo.renditions[-1]["height"]),
        }
    ]
    assert entry.media_thumbnail == [{"url": f"http://testserver{photo.thumbnail_url}"}]
    plain = next(entry for entry in feed.entries if entry.title == "Quietly fixed")
    assert "media_content" not in plain


def test_sitemap_lastmod_is_the_same_time_as_the_page(client, stories):
    quiet, updated = stories
    updated.mark_substantive_update()
    updated.save()
    updated.refresh_from_db()
    body = client.get("/sitemap-articles.xml").content.decode()
    assert f"<lastmod>{timezone.localtime(quiet.published_at).date().isoformat()}</lastmod>" in body
    assert f"<lastmod>{timezone.localtime(updated.substantive_update_at).date().isoformat()}</lastmod>" in body


def test_an_authors_page_and_feed_list_their_stories(client):
    author = Author.objects.create(name="Li Wei", slug="li-wei", bio="Covers rankings.")
    mine = make_article(title="By Li Wei", author=author)
    make_article(title="By someone else")
    feed = fetch(client, "/authors/li-wei/rss/")
    assert [entry.title for entry in feed.entries] == ["By Li Wei"]
    response = client.get("/authors/li-wei/")
    assert [article.title for article in response.context_data["object_list"]] == ["By Li Wei"]
    assert client.get(mine.get_absolute_url()).content.decode().count('href="/authors/li-wei/" rel="author"') == 1
    assert client.get("/authors/nobody/").status_code == 404

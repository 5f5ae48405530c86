"""The anonymous page cache: hits, invalidation on every kind of change, and isolation."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.conftest import make_article, make_editor, make_section, parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def titles(response):
    return [a.get_text(strip=True) for a in parse(response).select("main .card__title a")]


def test_second_anonymous_request_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    make_article(title="Cached story")
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "public" in second["Cache-Control"] and second["Last-Modified"]


@pytest.mark.parametrize("change", ["edit", "unpublish", "delete", "publish", "retag"])
def test_every_change_shows_at_once_on_every_page(client, change):
    section = make_section(slug="awards", name="Awards")
    story = make_article(title="Original title", section=section, tags=["shenzhen"])
    draft = make_article(title="Waiting draft", section=section, tags=["shenzhen"], status="draft", published_at=None)
    pages = ["/", "/section/awards/", "/tag/shenzhen/", story.get_absolute_url()]
    for url in pages:
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"

    if change == "edit":
        story.title = "Corrected title"
        story.save()
        expected = ["Corrected title"]
    elif change == "unpublish":
        Article.objects.filter(pk=story.pk).unpublish()
        expected = []
    elif change == "delete":
        story.delete()
        expected = []
    elif change == "publish":
        Article.objects.filter(pk=draft.pk).publish()
        expected = ["Waiting draft", "Original title"]
    else:
        story.tags.set(["futian"])
        expected = ["Original title"]

    assert titles(client.get("/")) == expected
    assert titles(client.get("/section/awards/")) == expected
    tag_page = client.get("/tag/shenzhen/")
    tagged = [title for title in expected if change != "retag"]
    assert (titles(tag_page) if tag_page.status_code == 200 else []) == tagged


def test_scheduled_story_is_never_hidden_by_a_cached_page(client, monkeypatch):
    make_article(title="Live now", published_at=timezone.now() - timedelta(hours=1))
    make_article(title="Goes live soon", published_at=timezone.now() + timedelta(seconds=30))
    assert titles(client.get("/")) == ["Live now"]
    assert client.get("/")["X-Page-Cache"] == "hit"

    # 31 seconds later, with no save and no signal, the story's time has come.
    later = timezone.now() + timedelta(seconds=31)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later.timestamp())
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert titles(response) == ["Goes live soon", "Live now"]


def test_logged_in_pages_are_neither_served_from_nor_stored_in_the_cache(client):
    draft = make_article(title="Secret draft", status="draft", published_at=None)
    make_article(title="Public story")
    editor = Client()
    editor.force_login(make_editor())
    staff_page = editor.get(draft.get_absolute_url())
    assert staff_page.status_code == 200 and "X-Page-Cache" not in staff_page
    assert "private" in staff_page["Cache-Control"] or "no-cache" in staff_page["Cache-Control"]
    editor_home = editor.get("/")
    assert "X-Page-Cache" not in editor_home and "private" in editor_home["Cache-Control"]

    anonymous = client.get("/")
    assert anonymous["X-Page-Cache"] == "miss"
    assert "sessionid" not in anonymous.cookies and "csrftoken" not in anonymous.cookies
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_conditional_get_answers_304(client):
    make_article()
    first = client.get("/")
    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_only_pagination_varies_a_cached_page(client):
    make_article(title="Story")
    assert client.get("/?page=1")["X-Page-Cache"] == "miss"
    assert client.get("/?page=1")["X-Page-Cache"] == "hit"
    for url in ["/?utm_source=feed", "/search/?q=story", "/?page=1&junk=1"]:
        response = client.get(url)
        assert response.status_code == 200 and "X-Page-Cache" not in response, url


def test_retire_page_cache_command_retires_every_page(client):
    story = make_article(title="Before the restore")
    assert client.get("/")["X-Page-Cache"] == "miss"
    Article.objects.filter(pk=story.pk).update(title="Restored title")  # a write Django's signals never see
    assert titles(client.get("/")) == ["Before the restore"]
    call_command("retire_page_cache", stdout=StringIO())
    assert titles(client.get("/")) == ["Restored title"]


def test_a_cached_page_keeps_every_security_header_and_answers_304(client):
    make_article()
    miss = client.get("/")
    hit = client.get("/")
    assert hit["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "ETag"):
        assert hit[header] == miss[header], header
    assert client.get("/", HTTP_IF_NONE_MATCH=hit["ETag"]).status_code == 304
    assert client.get("/", HTTP_IF_MODIFIED_SINCE=hit["Last-Modified"]).status_code == 304


def test_a_change_retires_the_cache_again_when_it_is_committed(client, django_capture_on_commit_callbacks):
    from citynews.pagecache import current_generation

    story = make_article(title="Before")
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        story.title = "After"
        story.save()
        during = current_generation()
    for callback in on_commit:
        callback()
    assert current_generation() > during


def test_a_change_only_the_database_saw_retires_every_page_within_the_generation_copys_life(client, monkeypatch):
    """A server whose cache write failed still wrote the row: other servers read it once their copy expires."""
    import time

    from citynews.pagecache import GENERATION_COPY_SECONDS, store_generation

    make_article(title="Before")
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    Article.objects.filter(title="Before").update(title="After")  # no signal: nothing bumps the cache
    store_generation(time.time_ns())
    assert client.get("/")["X-Page-Cache"] == "hit"

    later = time.time() + GENERATION_COPY_SECONDS + 1
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert titles(response) == ["After"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pages are kept under their versions on PostgreSQL only")
def test_a_page_retired_by_a_change_it_does_not_show_is_answered_from_its_retired_copy(
    client, django_assert_num_queries
):
    """After a publish, a page whose versions did not move costs its versions query and nothing else: not even
    the read of the page kept under them (citynews.fragments)."""
    story = make_article(title="Untouched story", section=make_section(slug="ideas", name="Ideas"), tags=["ideas"])
    other = make_article(title="Other story", section=make_section(slug="news", name="News"), tags=["news"])
    url = story.get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss" and first.versions_key
    other.title = "Other story, corrected"
    other.save()  # retires every cached page
    caches[settings.PAGE_CACHE_ALIAS].delete(first.versions_key)
    client.get("/")  # reads when the next scheduled story goes live, once for the new generation
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again["X-Page-Cache"] == "miss" and again.content == first.content
    with django_assert_num_queries(0):
        assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_page_retired_by_a_change_it_shows_is_drawn_again_not_answered_from_its_retired_copy(client):
    story = make_article(title="First title", tags=["ideas"])
    assert titles(client.get("/tag/ideas/")) == ["First title"]
    story.title = "Second title"
    story.save()
    response = client.get("/tag/ideas/")
    assert response["X-Page-Cache"] == "miss" and titles(response) == ["Second title"]


def test_a_new_release_serves_no_page_the_previous_one_drew(client, monkeypatch):
    make_article(title="Cached story")
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    monkeypatch.setattr("citynews.fragments.release", lambda: "next-release")
    assert client.get("/")["X-Page-Cache"] == "miss"

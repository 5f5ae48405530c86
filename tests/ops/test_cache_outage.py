"""Redis stopped or hung: readers get every page, uncached and fast; editors save; nothing stale outlives it.

Each test starts its own redis-server on a free port (tests/ops/conftest.py) and kills it (SIGKILL)
or hangs it (SIGSTOP, then SIGCONT), as an operator saw happen.
"""

import logging
import time

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from tests.conftest import form_data, make_article, make_editor, parse

from .conftest import fetch, gunicorn_server, postgres_only, redis_server_available, url_of_the_test_database

pytestmark = [redis_server_available, pytest.mark.django_db(transaction=True)]

RETRY_SECONDS = 1


@pytest.fixture
def redis_cache(settings, redis_server):
    """The production cache configuration (citynews/settings.py) on the test's own redis-server."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "citynews.cache.FailSoftCache",
            "OPTIONS": {
                "RETRY_SECONDS": RETRY_SECONDS,
                "CACHE": {
                    "BACKEND": "django_redis.cache.RedisCache",
                    "LOCATION": redis_server.url,
                    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1},
                },
            },
        }
    }
    return redis_server


def reader_urls(story):
    return ["/", story.get_absolute_url(), "/search/?q=Shenzhen", "/feeds/rss/"]


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def card_titles(response):
    return [a.get_text(strip=True) for a in parse(response).select("main .card__title a")]


def save_title_in_the_admin(story, title):
    editor = Client()
    editor.force_login(make_editor())
    url = f"/admin/articles/article/{story.pk}/change/"
    data = form_data(editor.get(url))
    data["title"] = [title]
    return editor.post(url, data)


def cache_errors():
    return sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "citynews_cache_errors"
        for sample in metric.samples
        if sample.name == "citynews_cache_errors_total"
    )


def test_with_redis_killed_every_reader_page_renders_and_an_editor_saves(client, redis_cache, caplog):
    story = make_article(title="Shenzhen wins the award")
    for url in reader_urls(story):
        assert client.get(url).status_code == 200
    assert client.get("/")["X-Page-Cache"] == "hit"
    errors_before = cache_errors()

    redis_cache.kill()
    with caplog.at_level(logging.INFO, logger="citynews.cache"):
        for _ in range(3):
            for url in reader_urls(story):
                response, elapsed = timed_get(client, url)
                assert response.status_code == 200, url
                assert response.get("X-Page-Cache") != "hit", url
                assert elapsed < 1, (url, elapsed)
        saved = save_title_in_the_admin(story, "Shenzhen wins, corrected")

    assert saved.status_code == 302
    story.refresh_from_db()
    assert story.title == "Shenzhen wins, corrected"
    assert card_titles(client.get("/")) == ["Shenzhen wins, corrected"]
    assert cache_errors() > errors_before
    # Twelve pages and a save, each with several cache calls: one line says the cache is gone.
    outage_lines = [record for record in caplog.records if record.name == "citynews.cache"]
    assert [record.levelname for record in outage_lines] == ["ERROR"]
    assert "Cache unavailable" in outage_lines[0].getMessage()
    assert client.get("/readyz").content.startswith(b"ready, cache degraded (ConnectionError")


def test_with_redis_hung_pages_are_fast_and_a_change_saved_meanwhile_shows_once_it_resumes(client, redis_cache, caplog):
    story = make_article(title="Futian opens a data centre")
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"

    redis_cache.hang()
    for url in reader_urls(story):
        response, elapsed = timed_get(client, url)
        assert response.status_code == 200, url
        assert elapsed < 1, (url, elapsed)
    ready, elapsed = timed_get(client, "/readyz")
    assert ready.status_code == 200 and elapsed < 1
    assert ready.content.startswith(b"ready, cache degraded (TimeoutError")
    assert save_title_in_the_admin(story, "Futian opens two data centres").status_code == 302

    # The pages cached before the outage are still in Redis, under the generation of that time.
    redis_cache.resume()
    time.sleep(RETRY_SECONDS + 0.2)
    with caplog.at_level(logging.INFO, logger="citynews.cache"):
        home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert card_titles(home) == ["Futian opens two data centres"]
    assert "Cache available again" in caplog.text
    story_page = client.get(story.get_absolute_url())
    assert parse(story_page).h1.get_text(strip=True) == "Futian opens two data centres"
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert client.get("/readyz").content == b"ready"


@postgres_only
def test_a_hung_redis_costs_gunicorns_worker_a_timeout_not_its_life(tmp_path, redis_server):
    story = make_article(title="Shenzhen wins the award")
    url = url_of_the_test_database()
    with gunicorn_server(tmp_path, DATABASE_URL=url, REDIS_URL=redis_server.url, PAGE_CACHE_SECONDS="300") as base_url:
        assert fetch(f"{base_url}/").headers["X-Page-Cache"] == "miss"
        redis_server.hang()
        pages = [fetch(f"{base_url}{path}") for path in reader_urls(story) * 3]
        ready = fetch(f"{base_url}/readyz")
        redis_server.resume()

    assert [page.status for page in pages] == [200] * len(pages)
    assert max(page.elapsed for page in pages) < 1
    assert "Shenzhen wins the award" in pages[0].body
    assert ready.status == 200 and ready.body.startswith("ready, cache degraded (TimeoutError")

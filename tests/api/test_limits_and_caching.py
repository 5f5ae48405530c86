"""The API's HTTP manners: the page cache and its retirement, conditional requests, CORS for GET, the rate limit."""

import pytest
from django.test import Client

from articles.models import Article
from tests.awards.factories import make_city
from tests.conftest import make_article
from tests.ops.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def titles(response):
    return [story["title"] for story in response.json()["results"]]


def test_api_answers_are_cached_and_retired_like_pages(client, page_cache_on, django_assert_num_queries):
    story = make_article(title="First", tags=["shenzhen"])
    draft = make_article(title="Draft", status="draft", published_at=None, tags=["shenzhen"])
    for url in ("/api/v1/stories/", "/api/v1/stories/?tag=shenzhen&page_size=5"):
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss" and titles(first) == ["First"]
        with django_assert_num_queries(0):
            hit = client.get(url)
        assert hit["X-Page-Cache"] == "hit" and hit.content == first.content
        assert "public" in hit["Cache-Control"] and hit["Last-Modified"] and hit["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=hit["ETag"]).status_code == 304

    Article.objects.filter(pk=draft.pk).publish()
    assert titles(client.get("/api/v1/stories/")) == ["Draft", "First"]
    story.title = "Corrected"
    story.save()
    assert titles(client.get("/api/v1/stories/?tag=shenzhen&page_size=5")) == ["Draft", "Corrected"]
    # Parameters the API does not know are served fresh, never stored.
    assert "X-Page-Cache" not in client.get("/api/v1/stories/?utm_source=x")


def test_cors_is_open_for_reading_only(client, page_cache_on):
    make_city(slug="shenzhen")
    client.get("/api/v1/cities/")  # cached without an Origin header
    hit = client.get("/api/v1/cities/", HTTP_ORIGIN="https://research.example")
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Credentials" not in hit
    assert "ETag" in hit["Access-Control-Expose-Headers"]

    preflight = client.options(
        "/api/v1/cities/",
        HTTP_ORIGIN="https://research.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]

    page = client.get("/cities/", HTTP_ORIGIN="https://research.example")
    assert "Access-Control-Allow-Origin" not in page
    assert "Access-Control-Allow-Origin" not in client.get("/datasets/", HTTP_ORIGIN="https://research.example")


def test_a_client_over_its_limit_gets_a_clear_429(settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_LIMIT_WINDOW = 60
    greedy, other = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    answers = [greedy.get("/api/v1/cities/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    refused = answers[3]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Too many requests: this API allows 3 requests every 60 seconds")
    # Another client has its own count, and readers' pages have none.
    assert other.get("/api/v1/cities/").status_code == 200
    assert greedy.get("/cities/").status_code == 200


def test_a_cached_answer_counts_against_the_limit(settings, page_cache_on):
    settings.API_RATE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert [client.get("/api/v1/programmes/").status_code for _ in range(3)] == [200, 200, 429]


def test_the_limit_fails_open_when_its_cache_is_down(settings, caplog):
    # A Redis address where nothing listens: every count fails at once.
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "citynews.cache.FailSoftCache",
            "OPTIONS": {
                "CACHE": {
                    "BACKEND": "django_redis.cache.RedisCache",
                    "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
                    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1},
                }
            },
        },
    }
    settings.API_RATE_LIMIT_CACHE = "limits"
    settings.API_RATE_LIMIT = 1
    answers = [Client().get("/api/v1/cities/") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "RateLimit-Remaining" not in answers[0]
    assert "Cache unavailable" in caplog.text

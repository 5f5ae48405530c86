"""Drafts and scheduled stories stay invisible to readers on every page until their time comes."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.views import PAGE_SIZE
from tests.conftest import make_article, make_section, parse

pytestmark = pytest.mark.django_db


def listed_titles(response):
    assert response.status_code == 200
    return [a.get_text(strip=True) for a in parse(response).select("main .card__title a")]


def dated_url(article, when):
    local = timezone.localtime(when)
    return reverse(
        "articles:detail",
        kwargs={"year": local.year, "month": f"{local.month:02d}", "day": f"{local.day:02d}", "slug": article.slug},
    )


@pytest.fixture
def section():
    return make_section(name="Awards", slug="awards")


@pytest.fixture
def live_neighbour(section):
    # Keeps the section and home page non-empty, so "hidden" is not confused with "nothing at all".
    return make_article(title="Live neighbour", section=section, tags=["shared"])


@pytest.mark.parametrize(
    "hidden_fields",
    [
        pytest.param({"status": Article.Status.DRAFT, "published_at": None}, id="draft-without-time"),
        pytest.param({"status": Article.Status.DRAFT, "published_at_offset": -timedelta(hours=2)}, id="draft-past"),
        pytest.param({"status": Article.Status.PUBLISHED, "published_at_offset": timedelta(hours=1)}, id="scheduled"),
    ],
)
def test_hidden_article_is_on_no_reader_page(client, section, live_neighbour, hidden_fields):
    fields = dict(hidden_fields)
    offset = fields.pop("published_at_offset", None)
    if offset is not None:
        fields["published_at"] = timezone.now() + offset
    hidden = make_article(title="Secret story", section=section, tags=["shared", "secret-only"], **fields)

    assert listed_titles(client.get("/")) == ["Live neighbour"]
    assert listed_titles(client.get(section.get_absolute_url())) == ["Live neighbour"]
    assert listed_titles(client.get(reverse("articles:tag", args=["shared"]))) == ["Live neighbour"]
    # A tag carried only by hidden stories does not exist for readers.
    assert client.get(reverse("articles:tag", args=["secret-only"])).status_code == 404
    assert client.get(reverse("articles:preview", args=[hidden.pk])).status_code == 404
    assert client.get(dated_url(hidden, hidden.published_at or timezone.now())).status_code == 404
    assert "Secret story" not in client.get("/").content.decode()


def test_draft_is_hidden_from_every_home_page(client):
    for n in range(PAGE_SIZE + 2):
        make_article(title=f"Live {n}", published_at=timezone.now() - timedelta(hours=n + 1))
    make_article(title="Draft", status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(minutes=90))
    make_article(title="Scheduled", published_at=timezone.now() + timedelta(hours=1))

    first, second = listed_titles(client.get("/latest/")), listed_titles(client.get("/latest/?page=2"))
    assert len(first) == PAGE_SIZE and len(second) == 2
    assert first + second == [f"Live {n}" for n in range(PAGE_SIZE + 2)]
    assert client.get("/latest/?page=3").status_code == 404
    # The front page shows each live story once, and neither hidden one.
    assert sorted(listed_titles(client.get("/"))) == sorted(f"Live {n}" for n in range(PAGE_SIZE + 1))


def test_scheduled_story_appears_everywhere_once_its_time_passes(client, section, live_neighbour):
    now = timezone.now()
    scheduled = make_article(title="Scheduled", section=section, tags=["launch"], published_at=now + timedelta(hours=1))
    detail = scheduled.get_absolute_url()
    pages = ["/", section.get_absolute_url(), reverse("articles:tag", args=["launch"])]

    assert client.get(detail).status_code == 404
    assert listed_titles(client.get(pages[0])) == ["Live neighbour"]
    assert client.get(pages[2]).status_code == 404

    # Time travel, deterministically: the clock now reads two hours later; nothing in the database changes.
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=2)):
        response = client.get(detail)
        assert response.status_code == 200
        assert parse(response).select_one("main h1").get_text(strip=True) == "Scheduled"
        assert "X-Robots-Tag" not in response
        assert parse(response).select_one('meta[name="robots"]') is None
        assert listed_titles(client.get(pages[0])) == ["Scheduled", "Live neighbour"]
        assert listed_titles(client.get(pages[1])) == ["Scheduled", "Live neighbour"]
        assert listed_titles(client.get(pages[2])) == ["Scheduled"]


def test_moving_published_at_into_the_past_publishes(client, section):
    scheduled = make_article(title="Moved", section=section, published_at=timezone.now() + timedelta(hours=1))
    assert listed_titles(client.get("/")) == []
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(minutes=5))
    scheduled.refresh_from_db()
    assert listed_titles(client.get("/")) == ["Moved"]
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_unpublishing_hides_again(client):
    article = make_article(title="Retracted", tags=["retracted-tag"])
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert client.get(url).status_code == 404
    assert client.get(reverse("articles:tag", args=["retracted-tag"])).status_code == 404
    assert listed_titles(client.get("/")) == []


def assert_preview_response(response, title):
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("main h1").get_text(strip=True) == title
    assert page.select_one(".preview-banner") is not None
    assert response["X-Robots-Tag"].startswith("noindex")
    assert page.select_one('meta[name="robots"]')["content"].startswith("noindex")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= cache_control


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"status": Article.Status.DRAFT, "published_at": None}, id="draft"),
        pytest.param({"published_at_offset": timedelta(hours=1)}, id="scheduled"),
    ],
)
def test_editor_previews_hidden_story_without_caching_or_indexing(editor_client, client, fields):
    fields = dict(fields)
    if offset := fields.pop("published_at_offset", None):
        fields["published_at"] = timezone.now() + offset
    article = make_article(title="Under embargo", **fields)

    assert_preview_response(editor_client.get(reverse("articles:preview", args=[article.pk])), "Under embargo")
    # "View on site" from the admin: the dated address for a scheduled story, the preview one for a draft.
    assert_preview_response(editor_client.get(article.get_absolute_url()), "Under embargo")

    client.logout()
    assert client.get(reverse("articles:preview", args=[article.pk])).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404


def test_staff_without_change_permission_cannot_preview(client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    user = User.objects.create_user("intern", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    assert client.get(reverse("articles:preview", args=[article.pk])).status_code == 404


def test_preview_of_a_missing_article_is_404(editor_client):
    assert editor_client.get(reverse("articles:preview", args=[999_999])).status_code == 404


def test_live_article_has_no_preview_headers(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "X-Robots-Tag" not in response
    assert "Cache-Control" not in response or "no-store" not in response["Cache-Control"]
    assert parse(response).select_one('meta[name="robots"]') is None

"""Error pages in the site's own style, and no reader input that turns a page into a server error."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import include, path
from django.utils import timezone
from django.views.defaults import server_error

from articles.views import PAGE_SIZE
from tests.conftest import make_article, make_section, parse

pytestmark = pytest.mark.django_db


def explode(request):
    raise RuntimeError("A bug in a view")


# This module doubles as the URLconf for the 500 tests: the site's pages plus one view that fails.
urlpatterns = [path("boom/", explode), path("", include("citynews.urls"))]


def assert_site_page(response, status, heading):
    assert response.status_code == status
    page = parse(response)
    assert page.select_one("header.site-header .site-logo") is not None
    main = page.find("main")
    assert main is not None and main["id"] == "main"
    assert main.find("h1").get_text(strip=True) == heading
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert page.select_one('link[rel="stylesheet"]')["href"] == "/static/css/site.css"
    return page


def test_404_page_is_in_the_site_style(client, settings):
    settings.DEBUG = False
    make_section(name="Awards", slug="awards")
    page = assert_site_page(client.get("/no/such/page/"), 404, "We can’t find that page")
    assert [a.get_text() for a in page.select(".site-nav a")] == ["Latest", "Cities", "Awards", "Rankings"]
    assert [a.get_text() for a in page.select("nav.section-nav a")] == ["Awards"]
    assert page.select_one("main a")["href"] == "/"


def test_404_for_a_missing_article_uses_the_same_page(client, settings):
    settings.DEBUG = False
    response = client.get("/2026/01/01/not-a-story/")
    assert_site_page(response, 404, "We can’t find that page")


@pytest.mark.urls(__name__)
def test_500_page_renders_without_touching_the_database(client, settings, django_assert_num_queries):
    settings.DEBUG = False
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    assert_site_page(response, 500, "Something went wrong on our side")


def test_500_handler_renders_the_template_without_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = parse(response)
    assert page.select_one("header.site-header") is not None and page.find("main") is not None


@pytest.fixture
def two_pages_everywhere():
    section = make_section(name="Awards", slug="awards")
    for n in range(PAGE_SIZE + 1):
        make_article(section=section, tags=["ranking"], published_at=timezone.now() - timedelta(hours=n + 1))


@pytest.mark.parametrize("url", ["/latest/", "/section/awards/", "/tag/ranking/"])
@pytest.mark.parametrize(
    "page, status",
    [
        ("1", 200),
        ("2", 200),
        ("last", 404),  # lists never count their rows (articles.pagination), so there is no "last"
        ("", 200),
        ("3", 404),
        ("0", 404),
        ("-1", 404),
        ("abc", 404),
        ("1e9", 404),
        ("1.5", 404),
        ("1000000000", 404),
        (str(10**20), 404),
        ("9" * 400, 404),
        ("lastx", 404),
        ("\x00", 400),  # a NUL byte in an address is refused before any view (citynews.request_guards)
    ],
)
def test_any_page_number_is_a_page_or_a_404(client, two_pages_everywhere, url, page, status):
    response = client.get(url, {"page": page})
    assert response.status_code == status
    if status == 200:
        expected = 2 if page in ("2", "last") else 1
        assert response.context_data["page_obj"].number == expected
        assert len(parse(response).select("main .card")) == (1 if expected == 2 else PAGE_SIZE)


@pytest.mark.parametrize("name", ["!!!", "???", "—", "深圳", "C++"])
def test_any_tag_name_gets_a_working_tag_page(client, name):
    article = make_article(tags=[name, "!!!"] if name != "!!!" else [name])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    links = [a["href"] for a in parse(response).select(".tags a")]
    assert len(links) == len(set(article.tags.names()))
    for href in links:
        tag_page = client.get(href)
        assert tag_page.status_code == 200
        assert [a.get_text() for a in parse(tag_page).select("main .card__title a")] == [article.title]

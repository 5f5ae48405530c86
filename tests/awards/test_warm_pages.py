"""manage.py warm_pages: a new release's most read pages drawn before readers ask for them."""

import urllib.request
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.awards.factories import make_city
from tests.conftest import make_article, make_section

pytestmark = pytest.mark.django_db(transaction=True)


def page_cache_header(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["X-Page-Cache"]


def test_warm_pages_draws_the_most_read_pages_so_that_readers_get_them_from_the_cache(live_server, settings):
    settings.PAGE_CACHE_SECONDS = 300
    section = make_section(name="Ideas", slug="ideas")
    city = make_city(name="Shenzhen", slug="shenzhen")
    story = make_article(title="A story", section=section)
    make_article(title="A draft", status="draft", published_at=None)  # not asked for: five pages, not six
    out = StringIO()
    call_command("warm_pages", live_server.url, stdout=out, stderr=StringIO())
    assert "pages drawn" in out.getvalue() and out.getvalue().startswith("5 of 5")
    for path in ["/", "/latest/", section.get_absolute_url(), city.get_absolute_url(), story.get_absolute_url()]:
        assert page_cache_header(live_server.url + path) == "hit", path


def test_warm_pages_reports_pages_that_do_not_answer(live_server):
    make_article(title="A story")
    err = StringIO()
    call_command("warm_pages", live_server.url + "/no-such-prefix", stdout=StringIO(), stderr=err)
    assert ": 404" in err.getvalue()


def test_warm_pages_refuses_an_address_that_is_not_http():
    with pytest.raises(CommandError, match="not an http"):
        call_command("warm_pages", "citynews.example")

"""manage.py warm_pages against a real gunicorn: a new release's most read pages drawn before readers ask for them.

The site runs as deployed, in its own process on its own SQLite file, with the page cache on in a file cache that
the command's own process shares (as a deploy's manage.py shares the servers' Redis). A live server thread would
share the test's in-memory SQLite connection, which must not serve the command's concurrent requests.
"""

import re
import secrets

import pytest
from bs4 import BeautifulSoup

from .conftest import fetch, gunicorn_server, run_manage


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("warm-pages")
    environment = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "PAGE_CACHE_SECONDS": "300",
        "CACHE_DIR": str(tmp / "cache"),
        "REDIS_URL": "",
    }
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        result = run_manage(environment, *command)
        assert result.returncode == 0, result.stdout + result.stderr
    with gunicorn_server(tmp, **environment) as base_url:
        yield base_url, environment


def links_on(page, pattern):
    return sorted({a["href"] for a in BeautifulSoup(page.body, "html.parser").find_all("a", href=re.compile(pattern))})


def test_warm_pages_draws_the_most_read_pages_so_that_readers_get_them_from_the_page_cache(demo_site):
    base_url, environment = demo_site
    result = run_manage(environment, "warm_pages", base_url)
    assert result.returncode == 0, result.stderr
    drawn, asked = map(int, re.fullmatch(r"(\d+) of (\d+) pages drawn\.\n", result.stdout).groups())
    assert drawn == asked and result.stderr == ""

    home = fetch(f"{base_url}/")
    assert (home.status, home.headers["X-Page-Cache"]) == (200, "hit")
    sections = links_on(fetch(f"{base_url}/sections/"), r"^/section/[^/]+/$")
    cities = links_on(fetch(f"{base_url}/cities/"), r"^/cities/[^/]+/$")
    stories = links_on(fetch(f"{base_url}/latest/"), r"^/\d{4}/\d{2}/\d{2}/[^/]+/$")
    assert sections and cities and stories
    assert asked == 2 + len(sections) + len(cities) + len(stories)  # the demo has fewer than 200 stories
    for path in ["/latest/", *sections, *cities, *stories]:
        page = fetch(f"{base_url}{path}")
        assert (page.status, page.headers["X-Page-Cache"]) == (200, "hit"), path


def test_warm_pages_lists_the_pages_that_do_not_answer_and_goes_on(demo_site):
    base_url, environment = demo_site
    result = run_manage(environment, "warm_pages", f"{base_url}/no-such-prefix", "--stories", "1")
    assert result.returncode == 0, result.stderr
    assert re.match(r"0 of \d+ pages drawn\.", result.stdout)
    assert f"{base_url}/no-such-prefix/: 404" in result.stderr.splitlines()


def test_warm_pages_refuses_an_address_that_is_not_http(demo_site):
    _, environment = demo_site
    result = run_manage(environment, "warm_pages", "citynews.example")
    assert result.returncode != 0
    assert "is not an http:// or https:// address" in result.stderr

"""Branded 400, 403, 404, 500 and 503 pages; the 500 and 503 pages render with the database failing; the 429,
502, 503 and 504 pages written for nginx."""

from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.db.backends.utils import CursorWrapper
from django.templatetags.static import static
from django.test import Client

from citynews.errors import server_error
from tests.conftest import make_article, parse


def heading(response):
    return parse(response).h1.get_text(strip=True)


@pytest.fixture
def failing_database(db):
    """Every SQL statement raises the given error, as when the database is down or broken.

    Restored before the db fixture's teardown, which needs a working database.
    """
    original_execute = CursorWrapper.execute

    def fail_with(error):
        def execute(self, sql, params=None):
            raise error("the database failed")

        CursorWrapper.execute = execute

    yield fail_with
    CursorWrapper.execute = original_execute


def test_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert heading(response) == "We can’t find that page"


def test_403_page_for_staff_without_permission(client, db):
    client.force_login(User.objects.create_user("intern", password="correct horse battery", is_staff=True))
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 403
    assert heading(response) == "You don’t have access to this page"


def test_csrf_failure_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "chief", "password": "anything"})
    assert response.status_code == 403
    assert heading(response) == "This form has expired"


def test_400_page(client, db):
    response = client.get("/", HTTP_HOST="bad host name")
    assert response.status_code == 400
    assert heading(response) == "We couldn’t understand that request"


def test_500_page_renders_while_every_query_fails(db, failing_database):
    make_article()
    failing_database(ProgrammingError)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert heading(response) == "Something went wrong on our side"
    assert parse(response).find("a", string="Go to the latest stories")["href"] == "/"


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_503_page_when_the_database_connection_fails(db, failing_database, error):
    make_article()
    failing_database(error)
    response = Client().get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert heading(response) == "citynews is briefly unavailable"


def test_handler500_turns_a_database_outage_outside_any_view_into_the_503_page(rf, db, django_assert_num_queries):
    # Middleware errors never reach process_exception; Django hands them to handler500 inside its except block.
    with django_assert_num_queries(0):
        try:
            raise OperationalError("connection refused")
        except OperationalError:
            outage = server_error(rf.get("/"))
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            bug = server_error(rf.get("/"))
    assert (outage.status_code, outage["Retry-After"]) == (503, "30")
    assert heading(outage) == "citynews is briefly unavailable"
    assert bug.status_code == 500
    assert heading(bug) == "Something went wrong on our side"


def test_write_error_pages_renders_the_pages_nginx_serves_itself(db, tmp_path, django_assert_num_queries):
    with django_assert_num_queries(0):
        call_command("write_error_pages", directory=tmp_path / "errors", stdout=StringIO())
    headings = {
        429: "Too many searches at once",
        502: "citynews is briefly unavailable",
        503: "citynews is briefly unavailable",
        504: "That page took too long to load",
    }
    assert sorted(path.name for path in (tmp_path / "errors").iterdir()) == [f"{status}.html" for status in headings]
    for status, heading in headings.items():
        page = BeautifulSoup((tmp_path / "errors" / f"{status}.html").read_text(), "html.parser")
        assert page.h1.get_text(strip=True) == heading
        assert page.find("link", rel="stylesheet")["href"] == static("css/site.css")
        # nginx serves these files as they are: nothing in them may depend on a request (a CSP nonce).
        assert page.find("script") is None
        assert page.find(attrs={"nonce": True}) is None


def test_write_error_pages_needs_collectstatic_first_and_writes_nothing_without_it(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static-root-without-manifest"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with pytest.raises(CommandError, match="run `manage.py collectstatic` first"):
        call_command("write_error_pages", stdout=StringIO())
    assert not (tmp_path / "static-root-without-manifest" / "errors").exists()

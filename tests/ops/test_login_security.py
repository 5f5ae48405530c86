"""Admin login: throttled against brute force, no user enumeration, no open redirect, no forged Host."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from citynews.security import client_ip_address
from tests.conftest import parse

PASSWORD = "correct horse battery"
WRONG_LOGIN_MESSAGE = (
    "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive."
)

# Django's own list of unsafe redirect targets (tests/utils_tests/test_http.py, test_bad_urls).
UNSAFE_NEXT_URLS = (
    "http://example.com",
    "http:///example.com",
    "https://example.com",
    "ftp://example.com",
    r"\\example.com",
    r"\\\example.com",
    r"/\\/example.com",
    r"\\\example.com",
    r"\\example.com",
    r"\\//example.com",
    r"/\/example.com",
    r"\/example.com",
    r"/\example.com",
    "http:///example.com",
    r"http:/\//example.com",
    r"http:\/example.com",
    r"http:/\example.com",
    'javascript:alert("XSS")',
    "\njavascript:alert(x)",
    "java\nscript:alert(x)",
    "\x08//example.com",
    r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com",
    r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com",
    "http:999999999",
    "ftp:9999999999",
    "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
)


def log_in(client, username, password, **extra):
    return client.post("/admin/login/", {"username": username, "password": password}, **extra)


def page_text(response):
    return parse(response).main.get_text(" ", strip=True)


@pytest.fixture
def chief(db):
    return User.objects.create_superuser("chief", password=PASSWORD)


def lock_out(client, username):
    """Fail the login until the throttle answers; returns every response on the way."""
    return [log_in(client, username, "wrong guess") for _ in range(settings.AXES_FAILURE_LIMIT)]


def test_failures_below_the_limit_get_the_ordinary_form_error(client, chief):
    responses = [log_in(client, "chief", "wrong guess") for _ in range(settings.AXES_FAILURE_LIMIT - 1)]
    assert [response.status_code for response in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert parse(responses[-1]).select_one(".errornote").get_text(strip=True) == WRONG_LOGIN_MESSAGE
    assert AccessAttempt.objects.get(username="chief").failures_since_start == settings.AXES_FAILURE_LIMIT - 1


def test_lockout_answer_is_the_same_for_known_and_unknown_users(chief):
    known, unknown = Client(), Client()
    known_responses, unknown_responses = lock_out(known, "chief"), lock_out(unknown, "nobody-here")

    for responses in (known_responses, unknown_responses):
        assert [r.status_code for r in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    known_locked, unknown_locked = known_responses[-1], unknown_responses[-1]
    assert known_locked.content == unknown_locked.content
    assert known_locked["Retry-After"] == unknown_locked["Retry-After"] == "900"
    assert parse(known_locked).h1.get_text(strip=True) == "Too many failed sign-in attempts"
    assert "15 minutes" in page_text(known_locked)
    assert {a.username: a.failures_since_start for a in AccessAttempt.objects.all()} == {
        "chief": settings.AXES_FAILURE_LIMIT,
        "nobody-here": settings.AXES_FAILURE_LIMIT,
    }


def test_locked_out_pair_cannot_log_in_even_with_the_right_password(client, chief):
    lock_out(client, "chief")
    response = log_in(client, "chief", PASSWORD)
    assert response.status_code == 429
    assert "sessionid" not in response.cookies
    assert client.get("/admin/").status_code == 302  # still anonymous: sent to the login page


def test_lockout_is_per_address_so_an_attacker_cannot_lock_the_editor_out_everywhere(client, chief):
    lock_out(client, "chief")
    elsewhere = Client(REMOTE_ADDR="203.0.113.7")
    response = log_in(elsewhere, "chief", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_successful_login_resets_the_failure_count(client, chief):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "chief", "wrong guess")
    assert log_in(client, "chief", PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username="chief").count() == 0


def test_client_address_comes_from_x_forwarded_for_only_behind_our_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_ip_address(request) == "127.0.0.1"
    settings.TRUST_X_FORWARDED_FOR = True
    # nginx appends the address it saw; anything before it came from the client and is not trusted.
    assert client_ip_address(request) == "198.51.100.4"


@pytest.mark.parametrize("unsafe_next", UNSAFE_NEXT_URLS)
def test_login_never_redirects_off_site(client, chief, unsafe_next):
    response = client.post("/admin/login/", {"username": "chief", "password": PASSWORD, "next": unsafe_next})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_login_follows_a_next_on_our_site(client, chief):
    response = client.post(
        "/admin/login/", {"username": "chief", "password": PASSWORD, "next": "/admin/articles/article/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/articles/article/"


@pytest.mark.parametrize("forged_host", ["evil.example.com", "127.0.0.1.evil.example.com", "testserver:80@evil.com"])
def test_forged_host_gets_the_branded_400_page(client, db, forged_host):
    response = client.get("/", HTTP_HOST=forged_host)
    assert response.status_code == 400
    assert parse(response).h1.get_text(strip=True) == "We couldn’t understand that request"

"""Security headers on every response (reader pages, admin, media) and the production profile."""

import json
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.models import User

from tests.conftest import make_article, make_photo, parse

from .conftest import BASE_DIR


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_common_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(directives["script-src"])
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/no-such-page/", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    make_article()
    response = client.get(path)
    assert response.status_code in {200, 404}
    directives = assert_common_headers(response)
    # No inline script on these pages, so no nonce is issued either.
    assert directives["script-src"] == ["'self'"]
    # Only the admin's editor and widgets need inline CSS; readers' pages refuse it.
    assert directives["style-src"] == (["'self'", "'unsafe-inline'"] if path.startswith("/admin/") else ["'self'"])


def test_admin_change_form_gives_its_import_map_the_nonce_of_the_policy(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 200
    directives = assert_common_headers(response)
    nonces = [source for source in directives["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    inline_scripts = [script for script in parse(response).find_all("script") if not script.get("src")]
    # The editor's import map is the one inline script; it carries the nonce, so it alone may run.
    assert [script["type"] for script in inline_scripts if script.get("type") != "application/json"] == ["importmap"]
    importmap = next(script for script in inline_scripts if script.get("type") == "importmap")
    assert f"'nonce-{importmap['nonce']}'" == nonces[0]
    assert len(importmap["nonce"]) >= 16
    assert client.get("/admin/articles/article/add/")["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, db):
    User.objects.create_superuser("chief", password="correct horse battery")
    login_page = client.get("/admin/login/")
    csrf_cookie = login_page.cookies["csrftoken"]
    response = client.post(
        "/admin/login/", {"username": "chief", "password": "correct horse battery", "next": "/admin/"}
    )
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    for cookie in (csrf_cookie, session_cookie):
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def test_uploaded_photo_is_served_as_an_image_under_a_sandbox_policy(client, db):
    photo = make_photo(make_article())
    response = client.get(photo.image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Our own stricter policy for media, not replaced by the site-wide one.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import User
from django.test import Client
call_command("migrate", verbosity=0)
User.objects.create_superuser("chief", password="correct horse battery")
client = Client(HTTP_HOST="news.example.org")
plain = client.get("/admin/login/")
health = client.get("/healthz")
page = client.get("/admin/login/", secure=True)
login = client.post(
    "/admin/login/", {"username": "chief", "password": "correct horse battery", "next": "/admin/"}, secure=True
)
def cookie(response, name):
    morsel = response.cookies[name]
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]), "samesite": morsel["samesite"]}
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "health": health.status_code,
    "hsts": page.get("Strict-Transport-Security"),
    "login": login.status_code,
    "csrftoken": cookie(page, "csrftoken"),
    "sessionid": cookie(login, "sessionid"),
}))
"""


def production_environment(tmp_path):
    return {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "citynews.settings",
        "CITYNEWS_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "news.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "STATIC_MANIFEST": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


def test_production_profile_passes_check_deploy_with_no_warning(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_production_profile_refuses_to_start_without_a_secret_key(tmp_path):
    environment = production_environment(tmp_path)
    del environment["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "SECRET_KEY must be set when CITYNEWS_PRODUCTION=1" in result.stderr


def test_production_profile_sends_hsts_secure_cookies_and_redirects_to_https(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=BASE_DIR,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://news.example.org/admin/login/"]
    assert probe["health"] == 200  # load balancers probe over plain HTTP
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["login"] == 302
    assert probe["csrftoken"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert probe["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}

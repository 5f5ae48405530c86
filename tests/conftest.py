"""Fixtures and small factory functions shared by every test package."""

import io
import itertools
import json
import os
import socket
import subprocess
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Photo, Section
from articles.roles import CONTRIBUTORS, EDITORS

_counter = itertools.count(1)

# Redis database 15 of the local server, flushed by the tests that use it (never another helper's).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

SLOW_TEST_PATHS = {
    # Real servers in subprocesses (gunicorn, nginx, PostgreSQL outages, pg_dump): `make test-fast` leaves them out.
    "ops": ("tests/ops/", "tests/site/test_multi_server.py"),
}


def pytest_collection_modifyitems(items):
    for item in items:
        path = item.path.as_posix()
        for marker, prefixes in SLOW_TEST_PATHS.items():
            if any(f"/{prefix}" in path for prefix in prefixes):
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Hashed static names need collectstatic; tests use the plain storage and a private MEDIA_ROOT.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Most tests look at what a page shows, not at caching: the page cache is off unless a test
    # turns it on (tests/site/test_page_cache.py), and then it is fresh and in memory.
    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }


def image_bytes(fmt="JPEG", size=(800, 500), color=(30, 90, 160), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def make_upload(name="photo.jpg", fmt="JPEG", content_type="image/jpeg", **kwargs):
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=content_type)


def make_section(**overrides):
    n = next(_counter)
    fields = {"name": f"Section {n}", "slug": f"section-{n}"} | overrides
    return Section.objects.create(**fields)


def make_article(tags=(), **overrides):
    """A live article unless told otherwise (status=draft, or published_at in the future)."""
    n = next(_counter)
    fields = {
        "title": f"Story number {n}",
        "slug": f"story-{n}",
        "standfirst": f"Standfirst of story {n}.",
        "body": f"<p>Body of story {n}.</p>",
        "source_name": "Shenzhen Daily",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=n),
    } | overrides
    article = Article.objects.create(**fields)
    if tags:
        article.tags.set(list(tags))
    return article


def make_photo(article, **overrides):
    fields = {"alt_text": "A city square", "caption": "Caption", "credit": "Staff"} | overrides
    photo = Photo(article=article, **fields)
    if "image" not in overrides:
        photo.image = make_upload()
    photo.save()
    return photo


def make_editor(username="editor"):
    user = User.objects.create_user(username, password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def free_port():
    """A loopback port nothing listens on (once this returns)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_is_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def stop(process):
    """Ask a server to stop, and kill it if it has not within 15 seconds."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def snapshot(*models):
    """Every row of ``models``, to show that a refused request changed nothing."""
    return [list(model.objects.order_by("pk").values()) for model in models]


def parse(response):
    """The response's HTML, parsed: tests read elements, not substrings."""
    return BeautifulSoup(response.content, "html5lib", from_encoding=response.charset)


def structured_data(page, kind):
    """The one JSON-LD item of schema.org type ``kind`` on a parsed page."""
    items = [json.loads(script.string) for script in page.select('script[type="application/ld+json"]')]
    found = [item for item in items if item["@type"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {[item['@type'] for item in items]}"
    return found[0]


def meta_content(page, key):
    """The content of an Open Graph (property=) or Twitter (name=) meta tag, or None."""
    tag = page.select_one(f'meta[property="{key}"]') or page.select_one(f'meta[name="{key}"]')
    return tag["content"] if tag else None


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_editor())
    return client


def make_contributor(username="contributor"):
    user = User.objects.create_user(username, password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name=CONTRIBUTORS))
    return user


def form_data(response, selector="form#article_form"):
    """What a browser would submit from the page's form: every named field with its current value."""
    form = parse(response).select_one(selector)
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            data.setdefault(name, []).append(field.get_text())
        elif field.name == "select":
            data.setdefault(name, []).extend(o.get("value", o.get_text()) for o in field.select("option[selected]"))
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in {"submit", "file", "button"}:
            data.setdefault(name, []).append(field.get("value", ""))
    return data


@pytest.fixture
def contributor_client(client, db):
    client.force_login(make_contributor())
    return client

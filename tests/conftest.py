"""Fixtures and small factory functions shared by every test package."""

import io
import itertools
import json
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

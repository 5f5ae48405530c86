"""Fixtures and small factory functions shared by every test package."""

import http.cookiejar
import io
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from articles.models import Article, Photo, Section
from articles.roles import CONTRIBUTORS, EDITORS
from citynews.object_storage import bucket_storage

BASE_DIR = Path(__file__).resolve().parents[1]
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
        "staged_uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "staged-uploads"},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Most tests look at what a page shows, not at caching: the page cache is off unless a test
    # turns it on (tests/site/test_page_cache.py), and then it is fresh and in memory.
    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHES = {
        "default": {
            "BACKEND": "citynews.cache.FailSoftCache",
            "OPTIONS": {
                "CACHE": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
            },
        }
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


def page_queries(client, url):
    """How many SQL queries one reader's GET of ``url`` costs; the page must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


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
    """What a browser would submit from the page's form: every named field with its current value.

    ``response`` is a test client's response, or a page's HTML fetched from a real server.
    """
    page = BeautifulSoup(response, "html5lib") if isinstance(response, str) else parse(response)
    form = page.select_one(selector)
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


def accepts_connections(port):
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def wait_until_up(process, ready, name, log_path, timeout=20):
    """Poll `ready()` until it is true; fail with the server's log if the server exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{name} did not start:\n{log_path.read_text()}")
        time.sleep(0.1)


# Credentials the S3 server accepts; boto3 reads them from the environment, as in production.
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "citynews-test", "AWS_SECRET_ACCESS_KEY": "citynews-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """A real S3-compatible server (moto's standalone server, from requirements-dev.txt) on a free port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("s3") / "moto.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(process, lambda: accepts_connections(port), f"the S3 server on port {port}", log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


@dataclass
class MediaBucket:
    name: str
    endpoint: str
    origin: str
    client: object

    @property
    def public_url(self):
        return f"{self.endpoint}/{self.name}"

    def object_names(self):
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))


def new_bucket(endpoint, public=True):
    """A fresh bucket on the S3 server; ``public`` lets anyone read its objects (a bucket policy)."""
    import boto3

    name = f"citynews-media-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    if public:
        statement = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{name}/*",
        }
        client.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    return name, client


@pytest.fixture
def media_bucket(s3_endpoint, settings, monkeypatch):
    """Photos go to a fresh public bucket, configured as settings.py does for MEDIA_BUCKET."""
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    name, client = new_bucket(s3_endpoint)
    storage, origin = bucket_storage(name, endpoint_url=s3_endpoint)
    use_media_storage(settings, storage, origin)
    return MediaBucket(name, s3_endpoint, origin, client)


def use_media_storage(settings, storage, origin):
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {**directives, "img-src": [*directives["img-src"], origin]},
    }


class Browser:
    """A cookie-keeping HTTP client: one person moving between servers."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url):
        with self.opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()

    def post(self, url, data, referer):
        request = urllib.request.Request(url, data=urllib.parse.urlencode(data, doseq=True).encode())
        request.add_header("Referer", referer)
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode()

    def post_form(self, url, fields, files, referer):
        """A multipart/form-data POST, as a form with file inputs sends it; ``files``: {name: (filename, bytes)}."""
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, values in fields.items():
            for value in values if isinstance(values, list) else [values]:
                body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in files.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n".encode()
            )
            body.write(content + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(url, data=body.getvalue())
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Referer", referer)
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def csrf_token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def log_in(self, base_url, username="editor", password="correct horse battery"):
        """Sign in through the admin's login form, as a person would; returns the page landed on."""
        _, _, login_page = self.get(f"{base_url}/admin/login/")
        _, landed, _ = self.post(
            f"{base_url}/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_token(login_page)},
            referer=f"{base_url}/admin/login/",
        )
        return landed

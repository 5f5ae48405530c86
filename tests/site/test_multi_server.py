"""
Two app servers sharing one PostgreSQL, one Redis and one media bucket behave as one site.

Runs two real gunicorn processes against the test database, so it needs PostgreSQL (SQLite
cannot be shared between servers this way) and the local Redis; CI has both.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import global_settings
from django.db import connection

from articles.models import Article, Photo
from tests.conftest import (
    REDIS_URL,
    S3_CREDENTIALS,
    Browser,
    form_data,
    free_port,
    image_bytes,
    make_article,
    make_editor,
    redis_is_up,
)
from tests.ops.conftest import fetch, gunicorn_server

ROOT = Path(__file__).resolve().parents[2]


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not redis_is_up(),
        reason="needs the PostgreSQL test database and Redis on 127.0.0.1:6379 (CI runs both)",
    ),
]


@pytest.fixture
def servers(tmp_path):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "shared-secret-for-both-servers-in-this-test-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "STATIC_MANIFEST": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "citynews.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)


def test_publish_on_one_server_shows_on_the_other_and_sessions_follow_the_editor(servers, settings):
    server_a, server_b = servers
    # The servers check passwords with the real hashers, not the fast one the test settings use.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    make_editor()
    make_article(title="Story already out")
    draft = make_article(title="Story published through server A", status="draft", published_at=None)

    reader = Browser()
    assert reader.get(f"{server_b}/")[1]["X-Page-Cache"] == "miss"
    status, headers, html = reader.get(f"{server_b}/")
    assert headers["X-Page-Cache"] == "hit"
    assert "Story already out" in html and draft.title not in html

    editor = Browser()
    _, _, login_page = editor.get(f"{server_a}/admin/login/")
    status, landed, _ = editor.post(
        f"{server_a}/admin/login/?next=/admin/",
        {
            "username": "editor",
            "password": "correct horse battery",
            "csrfmiddlewaretoken": editor.csrf_token(login_page),
        },
        referer=f"{server_a}/admin/login/",
    )
    assert landed == f"{server_a}/admin/"
    # The same session works on the other server.
    status, _, changelist = editor.get(f"{server_b}/admin/articles/article/")
    assert status == 200 and draft.title in changelist

    status, _, result = editor.post(
        f"{server_b}/admin/articles/article/",
        {"action": "publish", "_selected_action": [draft.pk], "csrfmiddlewaretoken": editor.csrf_token(changelist)},
        referer=f"{server_b}/admin/articles/article/",
    )
    assert "1 article published." in result
    assert Article.objects.get(pk=draft.pk).is_live

    for server in (server_a, server_b):
        status, headers, html = reader.get(f"{server}/")
        assert draft.title in html, f"{server} still serves the page from before the publish"


def image_status(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("image/") and response.read()
        return response.status


def photo_addresses(html):
    """Every address of a photo on a story page: src, each srcset candidate, og:image."""
    page = BeautifulSoup(html, "html5lib")
    addresses = []
    for img in page.select("main img"):
        addresses += [img["src"], *(candidate.split()[0] for candidate in img["srcset"].split(", "))]
    return [*addresses, page.select_one('meta[property="og:image"]')["content"]]


def test_two_servers_with_their_own_folders_and_one_bucket_serve_every_photo_from_both(
    tmp_path, settings, s3_endpoint, media_bucket
):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the servers check real passwords
    make_editor()
    db = connection.settings_dict
    shared = {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_BUCKET": media_bucket.name,
        "MEDIA_ENDPOINT_URL": s3_endpoint,
        **S3_CREDENTIALS,
    }
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
    with gunicorn_server(folders[0], **shared) as server_a, gunicorn_server(folders[1], **shared) as server_b:
        editor = Browser()
        editor.log_in(server_a)
        _, _, add_page = editor.get(f"{server_a}/admin/articles/article/add/")
        fields = form_data(add_page) | {
            "title": "Night ferries return",
            "slug": "night-ferries-return",
            "status": "published",
            "photos-0-alt_text": "A ferry at the pier",
            "photos-0-is_lead": "on",
            "_save": "Save",
        }
        _, landed, result = editor.post_form(
            f"{server_a}/admin/articles/article/add/",
            fields,
            {"photos-0-image": ("ferry.jpg", image_bytes("JPEG", size=(1000, 600)))},
            referer=f"{server_a}/admin/articles/article/add/",
        )
        assert landed == f"{server_a}/admin/articles/article/", result
        photo = Photo.objects.get(article__slug="night-ferries-return")
        story_path = photo.article.get_absolute_url()

        served = {}
        for server in (server_a, server_b, server_a, server_b):
            addresses = photo_addresses(fetch(f"{server}{story_path}").body)
            served[server] = sorted(set(addresses))
            assert all(address.startswith(f"{media_bucket.public_url}/photos/") for address in addresses)
            assert {image_status(address) for address in addresses} == {200}

    assert served[server_a] == served[server_b]
    # The original (src), every rendition, and the 16:9 JPEG crop as og:image.
    assert len(served[server_a]) == 1 + len(photo.renditions) + 1
    assert not any((folder / "media").exists() for folder in folders), "no server kept a photo of its own"

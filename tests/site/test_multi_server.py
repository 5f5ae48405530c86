"""
Two app servers sharing one PostgreSQL and one Redis behave as one site.

Runs two real gunicorn processes against the test database, so it needs PostgreSQL (SQLite
cannot be shared between servers this way) and the local Redis; CI has both.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import global_settings
from django.db import connection

from articles.models import Article
from tests.conftest import REDIS_URL, free_port, make_article, make_editor, redis_is_up

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

    def csrf_token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


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

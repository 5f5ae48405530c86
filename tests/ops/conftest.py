"""Helpers for operations tests: a real gunicorn (deploy/gunicorn.conf.py) in a subprocess, and plain HTTP.

Free ports and stopping servers are shared with every test package (tests/conftest.py).
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import free_port, stop

BASE_DIR = Path(__file__).resolve().parents[2]

postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs the real PostgreSQL server: run with DATABASE_URL=postgres://... (CI does)",
)


@dataclass
class Fetched:
    status: int
    headers: dict
    body: str
    elapsed: float


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(url, timeout=15):
    started = time.monotonic()
    try:
        with _opener.open(url, timeout=timeout) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return Fetched(status, dict(headers.items()), body.decode(), time.monotonic() - started)


@contextmanager
def gunicorn_server(tmp_path, **environment):
    """gunicorn with our deploy configuration and one worker, serving until the block ends."""
    port = free_port()
    env = os.environ | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "-",
        "STATIC_MANIFEST": "0",
        "DEBUG": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(BASE_DIR),
        # These servers are about the database: every request must reach it, not the page cache.
        "PAGE_CACHE_SECONDS": "0",
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    env.update(environment)
    log_path = tmp_path / f"gunicorn-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "deploy" / "gunicorn.conf.py")],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if fetch(f"{base_url}/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield base_url
    finally:
        stop(process)

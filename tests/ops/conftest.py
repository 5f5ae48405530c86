"""Helpers for operations tests: a real gunicorn (deploy/gunicorn.conf.py) in a subprocess, and plain HTTP."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings

from tests.conftest import BASE_DIR, free_port

redis_server_available = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs Debian's redis-server (CI has it: .ci/run starts Redis)"
)

postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs the real PostgreSQL server: run with DATABASE_URL=postgres://... (CI does)",
)


def url_of_the_test_database():
    """The test database as a DATABASE_URL, for servers the tests start."""
    from django.db import connection

    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
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


def stop(process):
    """Ask a server to stop, and kill it if it has not within 15 seconds."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RedisServer:
    """A redis-server of the test's own on a free port, to stop, hang and resume at will."""

    def __init__(self, directory):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not start")
            time.sleep(0.05)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def hang(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.resume()
            stop(self.process)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()

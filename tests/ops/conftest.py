"""Helpers for operations tests: a real gunicorn (deploy/gunicorn.conf.py) and nginx in subprocesses, and HTTP(S).

Free ports and stopping servers are shared with every test package (tests/conftest.py).
"""

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
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

from tests.conftest import BASE_DIR, accepts_connections, free_port, stop, wait_until_up

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


def run_manage(environment, *command):
    """manage.py in a subprocess, with ``environment`` over this process's: a deployed site's own command line."""
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=os.environ | environment,
        capture_output=True,
        text=True,
        timeout=180,
    )


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
        wait_until_up(process, lambda: fetch(f"{base_url}/healthz", timeout=2).status == 200, "gunicorn", log_path)
        yield base_url
    finally:
        stop(process)


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


# nginx: the site's host name as deploy/nginx.conf ships it, and the two programs its tests need.
HOST = "news.example.org"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
OPENSSL = shutil.which("openssl")
# nginx 1.25.1 and later accept `listen ... http2` with this warning; 1.22 (Debian 12) has no other form.
LISTEN_HTTP2_DEPRECATED = '"listen ... http2" directive is deprecated'


@pytest.fixture(scope="module")
def nginx():
    missing = [name for name, path in (("nginx", NGINX), ("openssl", OPENSSL)) if path is None]
    if not missing:
        return NGINX
    reason = f"{' and '.join(missing)} not found: install Debian's nginx-light (and openssl) to test deploy/nginx.conf"
    if os.environ.get("REQUIRE_NGINX") == "1":
        pytest.fail(f"REQUIRE_NGINX=1 but {reason}", pytrace=False)
    print(f"\nSkipping the nginx tests: {reason}")
    pytest.skip(reason)


def nginx_mime_types(nginx):
    """The mime.types file of this nginx build (Debian: /etc/nginx/mime.types)."""
    build = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=30).stderr
    conf_path = re.search(r"--conf-path=(\S+)", build)
    mime_types = Path(conf_path.group(1) if conf_path else "/etc/nginx/nginx.conf").parent / "mime.types"
    assert mime_types.is_file(), f"nginx's mime.types is not at {mime_types}"
    return mime_types


@dataclass
class Ports:
    http: int
    https: int
    app: int

    @classmethod
    def free(cls, app):
        http = free_port()
        https = free_port()
        while https == http:
            https = free_port()
        return cls(http, https, app)


def substitute(text, replacements, name="deploy/nginx.conf"):
    """Replace each shipped value that must be there exactly once; fail if the file no longer has it."""
    for shipped, replacement in replacements:
        found = text.count(shipped)
        if found != 1:
            pytest.fail(
                f"{name} should contain {shipped!r} once, found it {found} times: bring the tests up to date with it",
                pytrace=False,
            )
        text = text.replace(shipped, replacement)
    return text


def listen_on(ports):
    """Replacements moving deploy/nginx.conf's listeners to loopback on free ports (IPv6 dropped: a test
    machine may have none; the IPv4 listeners carry the same options)."""
    return [
        ("listen 80 default_server;", f"listen 127.0.0.1:{ports.http} default_server;"),
        ("listen [::]:80 default_server;", ""),
        ("listen 443 ssl http2 default_server;", f"listen 127.0.0.1:{ports.https} ssl http2 default_server;"),
        ("listen [::]:443 ssl http2 default_server;", ""),
        ("listen 80;", f"listen 127.0.0.1:{ports.http};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports.https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{ports.app} "),
    ]


def self_signed_certificate(directory, host=HOST):
    """A certificate for `host` and 127.0.0.1 that the tests' client trusts."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
        + ["-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host},IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@contextmanager
def running_nginx(nginx, main_config, prefix, ports):
    """nginx with `main_config` (which must not daemonise) until the block ends; fails with its log if it
    does not start listening."""
    output = prefix / f"nginx-output-{ports.https}.log"
    with open(output, "wb") as out:
        command = [nginx, "-p", str(prefix), "-c", str(main_config), "-g", "daemon off;"]
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        for port in (ports.http, ports.https):
            wait_until_up(process, lambda port=port: accepts_connections(port), "nginx", output)
        yield process
    finally:
        stop(process)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class _NamedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 that names the site in TLS (SNI), as a browser does: nginx refuses handshakes
    for unknown names."""

    def __init__(self, port, server_name, context, timeout):
        super().__init__("127.0.0.1", port, context=context, timeout=timeout)
        self.server_name = server_name
        self.tls_context = context

    def connect(self):
        http.client.HTTPConnection.connect(self)
        self.sock = self.tls_context.wrap_socket(self.sock, server_hostname=self.server_name)


@dataclass
class NginxClient:
    """Requests to an nginx on ports.http and ports.https, whose certificate is `cert`."""

    ports: Ports
    cert: Path

    def tls_context(self):
        return ssl.create_default_context(cafile=self.cert)

    def connection(self, https=True, timeout=15, server_name=HOST):
        if https:
            return _NamedHTTPSConnection(self.ports.https, server_name, self.tls_context(), timeout)
        return http.client.HTTPConnection("127.0.0.1", self.ports.http, timeout=timeout)

    def request(self, method, path, *, https=True, headers=None, body=None, timeout=15, server_name=HOST):
        connection = self.connection(https, timeout, server_name)
        try:
            connection.request(method, path, body=body, headers={"Host": HOST} | (headers or {}))
            response = connection.getresponse()
            return Response(response.status, response.msg, response.read())
        finally:
            connection.close()

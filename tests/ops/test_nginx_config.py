"""
deploy/nginx.conf checked by nginx itself: `nginx -t`, then a real nginx in front of a real gunicorn
running the production profile, asked over HTTPS for what deploy/README.md promises.

The shipped file is copied with its machine-specific values (the certificate, the two roots, the
upstream address and the listen ports) replaced by exact string substitution. A value that is no
longer in the file fails the test, so it cannot quietly check some other configuration. The copy
is included in the http context of a minimal main configuration, as Debian's nginx.conf includes
sites-enabled/.

Without nginx the tests skip and say why, unless REQUIRE_NGINX=1 (CI), where that is a failure.
"""

import gzip
import http.client
import os
import re
import runpy
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone

from tests.conftest import free_port, stop

from .conftest import BASE_DIR, gunicorn_server

SHIPPED = BASE_DIR / "deploy" / "nginx.conf"
HOST = "news.example.org"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
OPENSSL = shutil.which("openssl")
MB = 1024 * 1024
DEMO_SLUG = "shenzhen-wins-enabling-technologies-award-scewc-2020"
MEDIA_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}
# nginx 1.25.1 and later accept `listen ... http2` with this warning; 1.22 (Debian 12) has no other form.
LISTEN_HTTP2_DEPRECATED = '"listen ... http2" directive is deprecated'

MAIN_CONFIG = """\
{user}daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include {mime_types};
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""


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


def substitute(text, replacements):
    """Replace each shipped value that must be there exactly once; fail if the file no longer has it."""
    for shipped, replacement in replacements:
        found = text.count(shipped)
        if found != 1:
            pytest.fail(
                f"deploy/nginx.conf should contain {shipped!r} once, found it {found} times: "
                "bring tests/ops/test_nginx_config.py up to date with the file",
                pytrace=False,
            )
        text = text.replace(shipped, replacement)
    return text


def site_config(cert, key, srv, ports):
    """deploy/nginx.conf with this machine's certificate, roots, upstream and ports."""
    text = substitute(
        SHIPPED.read_text(),
        [
            ("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(cert)),
            ("/etc/letsencrypt/live/news.example.org/privkey.pem", str(key)),
            ("alias /srv/citynews/staticfiles/;", f"alias {srv}/staticfiles/;"),
            ("root /srv/citynews;", f"root {srv};"),
            ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{ports.app} "),
            ("listen 80;", f"listen 127.0.0.1:{ports.http};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports.https} ssl http2;"),
            # A test machine may have no IPv6; the IPv4 listeners above carry the same options.
            ("listen [::]:80;", ""),
            ("listen [::]:443 ssl http2;", ""),
        ],
    )
    directives = "\n".join(line.partition("#")[0] for line in text.splitlines())
    leftovers = [value for value in ("/srv/", "/etc/letsencrypt", "listen 80", "listen 443") if value in directives]
    assert not leftovers, f"deploy/nginx.conf has values this test does not substitute: {leftovers}"
    return text


def write_configs(nginx, directory, cert, key, srv, ports):
    """The site's copy and a main configuration around it in `directory`; returns the main file."""
    build = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=30).stderr
    conf_path = re.search(r"--conf-path=(\S+)", build)
    mime_types = Path(conf_path.group(1) if conf_path else "/etc/nginx/nginx.conf").parent / "mime.types"
    assert mime_types.is_file(), f"nginx's mime.types is not at {mime_types}"
    site = directory / "citynews.conf"
    site.write_text(site_config(cert, key, srv, ports))
    main = directory / "nginx.conf"
    # As root, nginx would run its workers as nobody, who cannot read the private test directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main.write_text(MAIN_CONFIG.format(user=user, tmp=directory, mime_types=mime_types, site=site))
    return main


def self_signed_certificate(directory):
    """A certificate for news.example.org and 127.0.0.1 that the test's client trusts."""
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
        + ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_nginx_accepts_the_shipped_configuration(nginx, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    main = write_configs(nginx, tmp_path, cert, key, tmp_path / "site-root", Ports.free(app=free_port()))
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True, timeout=60
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "test is successful" in output
    warnings = [line for line in output.splitlines() if "[warn]" in line and LISTEN_HTTP2_DEPRECATED not in line]
    assert warnings == []


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Site:
    """nginx on ports.http and ports.https in front of gunicorn on ports.app, serving the demo story."""

    ports: Ports
    cert: Path
    srv: Path
    app_access_log: Path

    def connection(self, https=True, timeout=15):
        if https:
            context = ssl.create_default_context(cafile=self.cert)
            return http.client.HTTPSConnection("127.0.0.1", self.ports.https, context=context, timeout=timeout)
        return http.client.HTTPConnection("127.0.0.1", self.ports.http, timeout=timeout)

    def request(self, method, path, *, https=True, headers=None, body=None, timeout=15):
        connection = self.connection(https, timeout)
        try:
            connection.request(method, path, body=body, headers={"Host": HOST} | (headers or {}))
            response = connection.getresponse()
            return Response(response.status, response.msg, response.read())
        finally:
            connection.close()

    def app_saw(self, method, path):
        """Whether gunicorn logged this request, that is, whether nginx passed it on."""
        # gunicorn logs a request after answering it, and its one worker answers in turn: once a
        # marker request sent now is in the log, every earlier request that reached it is too.
        marker = f"/healthz?marker={secrets.token_hex(8)}"
        assert self.request("GET", marker).status == 200
        deadline = time.monotonic() + 10
        while marker not in (log := self.app_access_log.read_text()):
            assert time.monotonic() < deadline, f"gunicorn did not log {marker}"
            time.sleep(0.05)
        return f'"{method} {path} HTTP/1.1"' in log


def wait_for_ports(process, ports, log):
    deadline = time.monotonic() + 15
    for port in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start:\n{log()}")
                time.sleep(0.1)


@pytest.fixture(scope="module")
def site(nginx, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    srv = tmp / "site-root"  # stands for /srv/citynews
    cert, key = self_signed_certificate(tmp)
    app_access_log = tmp / "gunicorn-access.log"
    # The app as deploy/README.md runs it behind this file, on a database of its own.
    environment = {
        "CITYNEWS_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # 127.0.0.1 is for the harness's health probe straight to gunicorn; nginx forwards news.example.org.
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "SERVE_MEDIA": "0",
        "TRUST_X_FORWARDED_FOR": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
        "STATIC_ROOT": str(srv / "staticfiles"),
        "MEDIA_ROOT": str(srv / "media"),
        "STATIC_MANIFEST": "1",
        "GUNICORN_ACCESS_LOG": str(app_access_log),
    }
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"], ["load_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=os.environ | environment,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    with gunicorn_server(tmp, **environment) as app_url:
        ports = Ports.free(app=int(app_url.rsplit(":", 1)[1]))
        main = write_configs(nginx, tmp, cert, key, srv, ports)
        output = tmp / "nginx-output.log"
        with open(output, "wb") as out:
            process = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(main)], stdout=out, stderr=subprocess.STDOUT)

        def log():
            error_log = tmp / "error.log"
            return output.read_text() + (error_log.read_text() if error_log.exists() else "")

        try:
            wait_for_ports(process, [ports.http, ports.https], log)
            yield Site(ports, cert, srv, app_access_log)
        finally:
            stop(process)


@pytest.fixture(scope="module")
def story_page(site):
    home = site.request("GET", "/")
    assert home.status == 200
    link = BeautifulSoup(home.body, "html.parser").select_one(f'a[href$="/{DEMO_SLUG}/"]')
    assert link is not None, "the home page does not link the demo story"
    page = site.request("GET", link["href"])
    assert page.status == 200
    return BeautifulSoup(page.body, "html.parser")


def test_plain_http_is_redirected_to_https_by_nginx(site):
    path = "/2020/11/20/a-story/?utm_source=feed"
    response = site.request("GET", path, https=False)
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}{path}"
    assert not site.app_saw("GET", path)


def test_https_serves_the_certificate_and_offers_http2(site):
    context = ssl.create_default_context(cafile=site.cert)
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", site.ports.https), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"
        assert tls.version() in {"TLSv1.2", "TLSv1.3"}


def test_reader_pages_come_through_with_the_apps_headers(site, story_page):
    home = site.request("GET", "/")
    assert home.status == 200
    assert home.headers["Content-Type"] == "text/html; charset=utf-8"
    assert home.headers["Server"] == "nginx"  # server_tokens off: no version
    # The production profile answers rather than redirecting to https, so nginx told it the request
    # came over TLS (X-Forwarded-Proto); and the Host it forwarded passed ALLOWED_HOSTS.
    assert home.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert home.headers["X-Frame-Options"] == "DENY"
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
    assert site.app_saw("GET", "/")
    assert story_page.h1.get_text(strip=True) == (
        "Shenzhen wins Enabling Technologies Award at Smart City Expo World Congress"
    )


def test_hashed_static_files_are_served_by_nginx_from_the_static_root_for_a_year(site, story_page):
    href = story_page.find("link", rel="stylesheet")["href"]
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", href)
    response = site.request("GET", href)
    assert response.status == 200
    assert response.body == (site.srv / "staticfiles" / href.removeprefix("/static/")).read_bytes()
    assert response.headers["Content-Type"] == "text/css"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers.get_all("Cache-Control") == ["max-age=31536000", "public, immutable"]
    expires = parsedate_to_datetime(response.headers["Expires"]) - timezone.now()
    assert 364 <= expires.days <= 365
    assert not site.app_saw("GET", href)

    assert "Content-Encoding" not in response.headers  # the client did not ask for gzip
    assert response.headers["Vary"] == "Accept-Encoding"

    compressed = site.request("GET", href, headers={"Accept-Encoding": "gzip"})
    assert compressed.status == 200
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert compressed.headers["Vary"] == "Accept-Encoding"
    assert compressed.headers.get_all("Cache-Control") == ["max-age=31536000", "public, immutable"]
    # The .gz collectstatic wrote, sent as it is: smaller, and the same stylesheet once unpacked.
    assert compressed.body == (site.srv / "staticfiles" / (href.removeprefix("/static/") + ".gz")).read_bytes()
    assert len(compressed.body) < len(response.body) / 2
    assert gzip.decompress(compressed.body) == response.body

    missing = site.request("GET", "/static/css/no-such-file.css")
    assert missing.status == 404
    assert not site.app_saw("GET", "/static/css/no-such-file.css")


def test_uploaded_photos_are_served_by_nginx_as_images_under_the_sandbox_policy(site, story_page):
    lead = story_page.find("img", src=re.compile(r"^/media/"))
    urls = [lead["src"]] + [candidate.split()[0] for candidate in lead["srcset"].split(",")]
    content_types = {".jpg": "image/jpeg", ".webp": "image/webp"}
    assert {Path(url).suffix for url in urls} == set(content_types)
    for url in urls:
        response = site.request("GET", url)
        assert response.status == 200, url
        assert response.body == (site.srv / url.lstrip("/")).read_bytes()
        assert response.headers["Content-Type"] == content_types[Path(url).suffix]
        assert {name: response.headers[name] for name in MEDIA_HEADERS} == MEDIA_HEADERS
        assert response.headers.get_all("Cache-Control") == ["max-age=31536000", "public, immutable"]
        assert not site.app_saw("GET", url)


@pytest.mark.parametrize("name", ["planted.html", "planted.svg", "planted.txt", "planted.jpg.html", ""])
def test_nothing_but_images_is_served_from_media(site, name):
    planted = "<html><script>alert(document.cookie)</script></html>"
    if name:
        (site.srv / "media" / "photos" / name).write_text(planted)
    response = site.request("GET", f"/media/photos/{name}")
    assert response.status == 404
    assert planted.encode() not in response.body
    assert not site.app_saw("GET", f"/media/photos/{name}")


def test_html_under_a_photo_name_is_still_an_image_to_the_browser(site):
    (site.srv / "media" / "photos" / "disguised.jpg").write_text("<html><script>alert(1)</script></html>")
    response = site.request("GET", "/media/photos/disguised.jpg")
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert {name: response.headers[name] for name in MEDIA_HEADERS} == MEDIA_HEADERS


def body_limit():
    return int(re.search(r"client_max_body_size (\d+)m;", SHIPPED.read_text()).group(1)) * MB


def test_a_body_over_the_limit_gets_413_from_nginx(site):
    connection = site.connection()
    try:
        # Only the announced length: nginx must refuse on it alone, before any of the body arrives.
        connection.putrequest("POST", "/admin/login/?over-the-limit", skip_host=True)
        connection.putheader("Host", HOST)
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(body_limit() + 1))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert b"413 Request Entity Too Large" in response.read()
    finally:
        connection.close()
    assert not site.app_saw("POST", "/admin/login/?over-the-limit")


def test_a_photo_upload_just_over_the_apps_cap_reaches_the_app(site):
    # An upload form as the admin posts it, with a photo 1 MB over PHOTO_MAX_BYTES. The Origin and a
    # well-formed CSRF cookie make Django read the whole form before it finds the token wrong.
    boundary = "citynews-nginx-test"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{"b" * 32}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    body += b"\0" * (settings.PHOTO_MAX_BYTES + MB) + f"\r\n--{boundary}--\r\n".encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Origin": f"https://{HOST}",
        "Cookie": f"csrftoken={'a' * 32}",
    }
    response = site.request("POST", "/admin/articles/photo/add/", body=body, headers=headers, timeout=30)
    # The app's own answer, with its headers, rather than nginx's 413.
    assert response.status == 403
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert site.app_saw("POST", "/admin/articles/photo/add/")


def test_a_slow_client_does_not_hold_the_only_gunicorn_worker(site):
    # gunicorn runs one sync worker here. Were this half-sent form passed on as it arrives, that
    # worker would wait for the rest, and the reader below would wait with it. The Origin and a
    # well-formed CSRF cookie take Django's CSRF check past the headers to reading the form.
    slow = site.connection()
    try:
        slow.putrequest("POST", "/admin/login/", skip_host=True)
        slow.putheader("Host", HOST)
        slow.putheader("Origin", f"https://{HOST}")
        slow.putheader("Cookie", f"csrftoken={'a' * 32}")
        slow.putheader("Content-Type", "application/x-www-form-urlencoded")
        slow.putheader("Content-Length", "1000")
        slow.endheaders(b"username=")
        started = time.monotonic()
        assert site.request("GET", "/healthz", timeout=10).status == 200
        assert time.monotonic() - started < 5
    finally:
        slow.close()


def test_limits_in_the_file_agree_with_the_readme_the_app_and_gunicorn(monkeypatch):
    assert body_limit() == 20 * MB  # as deploy/README.md says
    assert body_limit() > settings.PHOTO_MAX_BYTES  # a photo and the form around it fit
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    gunicorn_timeout = runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))["timeout"]
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", SHIPPED.read_text()).group(1))
    # gunicorn's own timeout is the one that applies, so a slow request gets its error, not nginx's 504.
    assert gunicorn_timeout < read_timeout <= gunicorn_timeout + 10

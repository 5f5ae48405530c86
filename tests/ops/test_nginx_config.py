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
import json
import os
import re
import runpy
import secrets
import socket
import ssl
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from .conftest import (
    BASE_DIR,
    HOST,
    LISTEN_HTTP2_DEPRECATED,
    NginxClient,
    Ports,
    free_port,
    gunicorn_server,
    listen_on,
    nginx_mime_types,
    run_manage,
    running_nginx,
    self_signed_certificate,
    substitute,
)

SHIPPED = BASE_DIR / "deploy" / "nginx.conf"
MB = 1024 * 1024
DEMO_SLUG = "shenzhen-wins-enabling-technologies-award-scewc-2020"
MEDIA_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}

MAIN_CONFIG = """\
{user}worker_processes 1;
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


def microcache_seconds():
    return int(re.search(r"proxy_cache_valid 200 301 404 (\d+)s;", SHIPPED.read_text()).group(1))


def site_config(cert, key, srv, ports, cache, extra=()):
    """deploy/nginx.conf with this machine's certificate, roots, cache directory, upstream and ports."""
    text = substitute(
        SHIPPED.read_text(),
        [
            ("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(cert)),
            ("/etc/letsencrypt/live/news.example.org/privkey.pem", str(key)),
            ("alias /srv/citynews/staticfiles/;", f"alias {srv}/staticfiles/;"),
            ("alias /srv/citynews/staticfiles/errors/;", f"alias {srv}/staticfiles/errors/;"),
            ("root /srv/citynews;", f"root {srv};"),
            ("root /var/www/html;", f"root {srv}/webroot;"),
            ("proxy_cache_path /var/cache/nginx/citynews ", f"proxy_cache_path {cache} "),
            *listen_on(ports),
            *extra,
        ],
    )
    directives = "\n".join(line.partition("#")[0] for line in text.splitlines())
    leftovers = [
        value for value in ("/srv/", "/etc/letsencrypt", "/var/", "listen 80", "listen 443") if value in directives
    ]
    assert not leftovers, f"deploy/nginx.conf has values this test does not substitute: {leftovers}"
    return text


def write_configs(nginx, directory, cert, key, srv, ports, extra=()):
    """The site's copy and a main configuration around it in `directory`; returns the main file."""
    site = directory / f"citynews-{ports.https}.conf"
    site.write_text(site_config(cert, key, srv, ports, directory / f"nginx-cache-{ports.https}", extra))
    main = directory / f"nginx-{ports.https}.conf"
    # As root, nginx would run its workers as nobody, who cannot read the private test directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main.write_text(MAIN_CONFIG.format(user=user, tmp=directory, mime_types=nginx_mime_types(nginx), site=site))
    return main


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
class Site(NginxClient):
    """nginx on ports.http and ports.https in front of gunicorn on ports.app, serving the demo story."""

    srv: Path
    app_access_log: Path
    environment: dict

    def app_saw(self, method, path):
        """Whether gunicorn logged this request, that is, whether nginx passed it on."""
        return self.app_requests(method, path) > 0

    def app_requests(self, method, path, status=None):
        """How many times gunicorn logged this request (answered with `status`, if given), once every
        request sent so far is in its log."""
        # gunicorn logs a request after answering it, and its one worker answers in turn: once a
        # marker request sent now is in the log, every earlier request that reached it is too.
        marker = f"/healthz?marker={secrets.token_hex(8)}"
        assert self.request("GET", marker).status == 200
        deadline = time.monotonic() + 10
        while marker not in (log := self.app_access_log.read_text()):
            assert time.monotonic() < deadline, f"gunicorn did not log {marker}"
            time.sleep(0.05)
        return sum(
            (logged_method, logged_path) == (method, path) and status in (None, logged_status)
            for logged_method, logged_path, logged_status in access_log_requests(log)
        )

    def manage(self, *command):
        """A manage.py command on the app's own database and settings; returns its output."""
        return manage(self.environment, *command)


def access_log_requests(log):
    """(method, path, status) of each request in gunicorn's access log (one JSON line each, citynews/logs.py)."""
    for line in log.splitlines():
        if line.strip():
            entry = json.loads(line)
            yield entry["method"], entry["path"], entry["status"]


def manage(environment, *command):
    result = run_manage(environment, *command)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


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
        # The app's own page cache on, as in production (gunicorn_server turns it off by default);
        # manage.py commands below share it, so a publish retires its pages.
        "PAGE_CACHE_SECONDS": "300",
        "CACHE_DIR": str(tmp / "cache"),
    }
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
        ["write_error_pages"],
        ["load_demo"],
    ):
        manage(environment, *command)

    with gunicorn_server(tmp, **environment) as app_url:
        ports = Ports.free(app=int(app_url.rsplit(":", 1)[1]))
        main = write_configs(nginx, tmp, cert, key, srv, ports)
        with running_nginx(nginx, main, tmp, ports):
            yield Site(ports, cert, srv, app_access_log, environment)


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
    assert response.headers["Server"] == "nginx"  # server_tokens off: no version
    assert not site.app_saw("GET", path)


def test_https_serves_the_certificate_and_offers_http2(site):
    context = ssl.create_default_context(cafile=site.cert)
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", site.ports.https), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=HOST) as tls,
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


def header_tokens(response, name):
    """The comma-separated values of every `name` header, lower-cased (Vary may come in several lines)."""
    return {token.strip().lower() for value in response.headers.get_all(name) or [] for token in value.split(",")}


def test_health_checks_answer_over_plain_http_for_load_balancers(site):
    for path, body in (("/healthz", b"ok"), ("/readyz", b"ready")):
        response = site.request("GET", path, https=False)
        assert (response.status, response.body) == (200, body), path
        assert response.headers["Server"] == "nginx"
        assert "no-store" in response.headers["Cache-Control"]
    assert site.app_saw("GET", "/readyz")


def test_certbot_renewals_are_answered_over_plain_http_from_the_webroot(site):
    challenge = site.srv / "webroot" / ".well-known" / "acme-challenge" / "token-123"
    challenge.parent.mkdir(parents=True, exist_ok=True)
    challenge.write_text("token-123.thumbprint")
    response = site.request("GET", "/.well-known/acme-challenge/token-123", https=False)
    assert (response.status, response.body) == (200, b"token-123.thumbprint")
    assert not site.app_saw("GET", "/.well-known/acme-challenge/token-123")


def test_unknown_hosts_are_dropped_without_an_answer(site):
    for https in (False, True):
        # nginx's 444: the connection is closed, no status line, nothing for the app to log.
        with pytest.raises(http.client.RemoteDisconnected):
            site.request("GET", "/?unknown-host", https=https, headers={"Host": "scanner.example.com"})
    # Over TLS, a server name that is not the site's (or none, as for a bare address) is refused at the handshake.
    for server_name in ("scanner.example.com", "127.0.0.1"):
        with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
            site.request("GET", "/?unknown-name", server_name=server_name)
    assert not site.app_saw("GET", "/?unknown-host")
    assert not site.app_saw("GET", "/?unknown-name")


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/", "text/html; charset=utf-8"),
        (f"/2020/11/20/{DEMO_SLUG}/", "text/html; charset=utf-8"),
        ("/feeds/rss/", "application/rss+xml; charset=utf-8"),
        ("/feeds/atom/", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml"),
        ("/sitemap-articles.xml", "application/xml"),
        ("ranking.csv", "text/csv; charset=utf-8"),
    ],
)
def test_pages_feeds_and_sitemaps_are_compressed_with_vary_accept_encoding(site, path, content_type):
    if path == "ranking.csv":  # the demo ranking's table, linked from its page
        rankings = BeautifulSoup(site.request("GET", "/rankings/").body, "html.parser")
        first = next(a["href"] for a in rankings.select("main a") if re.fullmatch(r"/rankings/[^/]+/\d+/", a["href"]))
        ranking = BeautifulSoup(site.request("GET", first).body, "html.parser")
        path = ranking.select_one("a[href$='/csv']")["href"]
    plain = site.request("GET", path)
    assert plain.status == 200
    assert plain.headers["Content-Type"] == content_type
    assert "Content-Encoding" not in plain.headers
    # On the uncompressed answer too: a shared cache must not hand it to a client that asked for gzip, or back.
    assert "accept-encoding" in header_tokens(plain, "Vary")

    compressed = site.request("GET", path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed.status == 200
    assert compressed.headers["Content-Type"] == content_type
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "accept-encoding" in header_tokens(compressed, "Vary")
    unpacked = gzip.decompress(compressed.body)
    assert len(compressed.body) < len(unpacked)
    if content_type.startswith("text/html"):
        # Each render of a page carries its own CSP nonce: compare what the reader sees.
        assert BeautifulSoup(unpacked, "html.parser").title == BeautifulSoup(plain.body, "html.parser").title
    else:
        assert unpacked == plain.body


def cache_status(response):
    return response.headers["X-Cache-Status"]


def fresh_path(base="/sections/"):
    """A page address nobody has asked for yet, so the microcache holds nothing for it."""
    return f"{base}?reader={secrets.token_hex(6)}"


def test_a_repeated_anonymous_request_is_answered_by_nginx_from_the_microcache(site):
    path = fresh_path()
    first = site.request("GET", path)
    second = site.request("GET", path, headers={"Cookie": "theme=dark; _ga=GA1.2.3"})  # not a session
    assert (first.status, cache_status(first)) == (200, "MISS")
    assert (second.status, cache_status(second)) == (200, "HIT")
    assert second.body == first.body
    assert site.app_requests("GET", path) == 1


def test_a_burst_of_readers_of_an_uncached_page_reaches_the_app_once(site):
    path = fresh_path()
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: site.request("GET", path), range(8)))
    assert [response.status for response in responses] == [200] * 8
    assert len({response.body for response in responses}) == 1
    # proxy_cache_lock: the first miss goes to the app, the others wait for its answer.
    assert site.app_requests("GET", path) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": "sessionid=0123456789abcdef"},
        {"Cookie": f"csrftoken={'a' * 32}"},
        {"Cookie": "theme=dark; sessionid=0123456789abcdef"},
        {"Authorization": "Basic ZWRpdG9yOnNlY3JldA=="},
    ],
)
def test_a_request_with_a_session_or_csrf_cookie_bypasses_the_microcache(site, headers):
    assert settings.SESSION_COOKIE_NAME == "sessionid" and settings.CSRF_COOKIE_NAME == "csrftoken"
    path = fresh_path()
    editor = site.request("GET", path, headers=headers)
    reader = site.request("GET", path)
    editor_again = site.request("GET", path, headers=headers)
    assert cache_status(editor) == "BYPASS"
    assert cache_status(reader) == "MISS"  # the editor's response was not stored
    assert cache_status(editor_again) == "BYPASS"  # nor is the reader's copy served to an editor
    assert site.app_requests("GET", path) == 3


def test_responses_marked_private_or_no_store_are_never_stored(site):
    path = fresh_path("/healthz")  # never_cache: private, no-store, no-cache
    first = site.request("GET", path)
    second = site.request("GET", path)
    assert "private" in first.headers["Cache-Control"]
    assert [cache_status(first), cache_status(second)] == ["MISS", "MISS"]
    assert site.app_requests("GET", path) == 2


def test_the_admin_is_never_cached(site):
    responses = [site.request("GET", "/admin/login/") for _ in range(2)]
    assert [(response.status, cache_status(response)) for response in responses] == [(200, "BYPASS")] * 2
    assert all(response.headers["Set-Cookie"].startswith("csrftoken=") for response in responses)


def staff_session(site):
    """A signed-in superuser's session cookie value, made in the app's own database."""
    code = (
        "import secrets; from django.contrib.auth.models import User; from django.test import Client; "
        "user = User.objects.create_superuser(f'editor-{secrets.token_hex(4)}', password=None); "
        "client = Client(); client.force_login(user); print(client.cookies['sessionid'].value)"
    )
    return site.manage("shell", "-c", code).splitlines()[-1]


def create_story(site, title, status, published_at="None"):
    code = (
        "from django.utils import timezone; from datetime import timedelta; from articles.models import Article; "
        f"article = Article.objects.create(title={title!r}, slug={slugify(title)!r}, standfirst='Standfirst.', "
        f"body='<p>Body.</p>', source_name='Shenzhen Daily', status={status!r}, published_at={published_at}); "
        "print(article.pk, article.get_absolute_url())"
    )
    pk, url = site.manage("shell", "-c", code).splitlines()[-1].split()
    return pk, url


def test_a_preview_is_never_cached(site):
    title = f"Draft for the preview {secrets.token_hex(4)}"
    pk, _ = create_story(site, title, "draft")
    scheduled_title = f"Scheduled for tomorrow {secrets.token_hex(4)}"
    _, scheduled_url = create_story(site, scheduled_title, "published", "timezone.now() + timedelta(days=1)")
    editor = {"Cookie": f"sessionid={staff_session(site)}"}
    for url, shown in ((f"/preview/{pk}/", title), (scheduled_url, scheduled_title)):
        preview = site.request("GET", url, headers=editor)
        assert preview.status == 200, url
        assert BeautifulSoup(preview.body, "html.parser").h1.get_text(strip=True) == shown
        assert cache_status(preview) == "BYPASS"
        assert "no-store" in preview.headers["Cache-Control"]
        # A reader asking for the same address right after gets the app's 404, not the editor's page.
        reader = site.request("GET", url)
        assert reader.status == 404, url
        assert shown.encode() not in reader.body
        assert cache_status(reader) != "HIT"


def test_a_publish_shows_once_the_microcache_seconds_have_passed(site):
    title = f"Published through the microcache {secrets.token_hex(4)}"
    pk, _ = create_story(site, title, "draft")
    path = "/?page=1"
    assert title.encode() not in site.request("GET", path).body  # now in the microcache
    site.manage("shell", "-c", f"from articles.models import Article; Article.objects.filter(pk={pk}).publish()")
    published = time.monotonic()

    right_after = site.request("GET", path)
    assert time.monotonic() - published < microcache_seconds()
    assert cache_status(right_after) == "HIT"
    assert title.encode() not in right_after.body

    statuses = []
    while title.encode() not in (response := site.request("GET", path)).body:
        statuses.append(cache_status(response))
        assert time.monotonic() - published < microcache_seconds() + 5, f"not shown yet: {statuses}"
        time.sleep(0.2)
    # Readers kept getting the old page until it expired, then one stale answer while nginx refreshed it.
    assert set(statuses) <= {"HIT", "STALE", "UPDATING"}
    assert {"STALE", "UPDATING"} & set(statuses)


def test_an_expired_page_is_revalidated_by_etag_in_the_background(site):
    path = fresh_path()
    first = site.request("GET", path)
    assert cache_status(first) == "MISS"
    assert first.headers["ETag"]
    # nginx counts the seconds of proxy_cache_valid in whole seconds of its clock: a page lives 5 to 6.
    time.sleep(microcache_seconds() + 1.5)
    stale = site.request("GET", path)
    assert cache_status(stale) in {"STALE", "UPDATING"}
    assert stale.body == first.body
    # nginx asked the app with If-None-Match, and the app answered that nothing changed.
    deadline = time.monotonic() + 5
    while not site.app_requests("GET", path, status=304):
        assert time.monotonic() < deadline, "nginx did not revalidate the expired page"
        time.sleep(0.2)
    refreshed = site.request("GET", path)
    assert cache_status(refreshed) == "HIT"
    assert refreshed.body == first.body


@contextmanager
def nginx_in_front_of(nginx, site, tmp_path, app_port, extra=()):
    """Another nginx with the shipped file, the site's static root, and its upstream at `app_port`."""
    cert, key = self_signed_certificate(tmp_path)
    ports = Ports.free(app=app_port)
    main = write_configs(nginx, tmp_path, cert, key, site.srv, ports, extra)
    with running_nginx(nginx, main, tmp_path, ports):
        yield NginxClient(ports, cert)


def assert_branded_error_page(client, site, response, status, heading):
    assert response.status == status
    assert response.headers["Content-Type"] == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Server"] == "nginx"
    # The page write_error_pages rendered from templates/<status>.html, as it is.
    assert response.body == (site.srv / "staticfiles" / "errors" / f"{status}.html").read_bytes()
    page = BeautifulSoup(response.body, "html.parser")
    assert page.h1.get_text(strip=True) == heading
    stylesheet = client.request("GET", page.find("link", rel="stylesheet")["href"])
    assert (stylesheet.status, stylesheet.headers["Content-Type"]) == (200, "text/css")


def test_nginx_answers_with_our_502_page_while_the_app_is_down(nginx, site, tmp_path):
    with nginx_in_front_of(nginx, site, tmp_path, app_port=free_port()) as client:
        response = client.request("GET", "/some/story/")
        assert_branded_error_page(client, site, response, 502, "citynews is briefly unavailable")


def test_nginx_answers_with_our_504_page_when_the_app_is_too_slow(nginx, site, tmp_path):
    # A listener that accepts connections and never answers: a gunicorn whose workers are all stuck.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        extra = [("proxy_read_timeout 35s;", "proxy_read_timeout 1s;")]
        with nginx_in_front_of(nginx, site, tmp_path, silent.getsockname()[1], extra) as client:
            response = client.request("GET", "/some/story/")
            assert_branded_error_page(client, site, response, 504, "That page took too long to load")


def search_limit():
    rate, burst = re.search(
        r"zone=citynews_search:10m rate=(\d+)r/s;.*limit_req zone=citynews_search burst=(\d+) nodelay;",
        SHIPPED.read_text(),
        re.DOTALL,
    ).groups()
    return int(rate), int(burst)


def test_a_client_searching_faster_than_a_person_types_gets_our_429_page(nginx, site, tmp_path):
    rate, burst = search_limit()
    # An nginx of its own, so its count starts at zero and no other test of this module is limited.
    with nginx_in_front_of(nginx, site, tmp_path, site.ports.app) as client:
        started = time.monotonic()
        # One address asked again: after the first, the microcache answers in a millisecond, and still it counts.
        responses = [client.request("GET", "/search/?q=shenzhen") for _ in range(burst + 10)]
        elapsed = time.monotonic() - started
        statuses = [response.status for response in responses]
        passed = statuses.count(200)
        assert statuses[: burst + 1] == [200] * (burst + 1)
        assert passed <= burst + 1 + rate * elapsed + 1
        assert set(statuses) == {200, 429}
        limited = next(response for response in responses if response.status == 429)
        assert_branded_error_page(client, site, limited, 429, "Too many searches at once")
        # Only searching is limited: the same client reads on.
        assert client.request("GET", "/latest/").status == 200
        assert client.request("GET", f"/2020/11/20/{DEMO_SLUG}/").status == 200


def test_the_error_pages_exist_for_every_status_nginx_maps(site):
    mapped = re.findall(r"error_page (\d+) /citynews-errors/(\d+)\.html;", SHIPPED.read_text())
    assert sorted(status for status, _ in mapped) == ["429", "502", "503", "504"]
    for status, name in mapped:
        assert status == name
        page = BeautifulSoup((site.srv / "staticfiles" / "errors" / f"{name}.html").read_bytes(), "html.parser")
        assert page.find("link", rel="stylesheet")["href"].startswith("/static/css/site.")


def test_while_the_app_is_down_readers_get_the_microcache_s_last_copy(nginx, site, tmp_path):
    app = ExitStack()
    app_url = app.enter_context(gunicorn_server(tmp_path, **(site.environment | {"GUNICORN_ACCESS_LOG": "-"})))
    with app, nginx_in_front_of(nginx, site, tmp_path, int(app_url.rsplit(":", 1)[1])) as client:
        path = fresh_path()
        cached = client.request("GET", path)
        assert (cached.status, cache_status(cached)) == (200, "MISS")
        app.close()  # gunicorn stops
        time.sleep(microcache_seconds() + 1.5)
        while_down = client.request("GET", path)
        assert (while_down.status, cache_status(while_down)) == (200, "STALE")
        assert while_down.body == cached.body
        # A page nginx does not hold gets our 502 page.
        assert client.request("GET", fresh_path()).status == 502


def test_the_apps_own_503_passes_through_nginx_as_the_app_sends_it(nginx, site, tmp_path):
    # An app whose database cannot be opened answers its own 503 page (citynews.middleware).
    unreachable = {"DATABASE_URL": f"sqlite:///{tmp_path}/no-such-directory/site.sqlite3"}
    unreachable |= {"DATABASE_UNAVAILABLE_RETRY_AFTER": "17", "GUNICORN_ACCESS_LOG": "-"}
    with (
        gunicorn_server(tmp_path, **(site.environment | unreachable)) as app_url,
        nginx_in_front_of(nginx, site, tmp_path, int(app_url.rsplit(":", 1)[1])) as client,
    ):
        response = client.request("GET", fresh_path())
    assert response.status == 503
    assert response.headers["Retry-After"] == "17"  # the app's, not nginx's 30
    assert response.headers["X-Frame-Options"] == "DENY"  # the app's security headers came with it
    assert BeautifulSoup(response.body, "html.parser").h1.get_text(strip=True) == "citynews is briefly unavailable"

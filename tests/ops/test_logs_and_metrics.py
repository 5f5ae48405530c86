"""What an operator reads: gunicorn's JSON log lines, request ids, the reader's address, errors by email, metrics."""

import gzip
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import include, path

from tests.conftest import make_article

from .conftest import BASE_DIR, free_port, gunicorn_server

pytestmark = pytest.mark.django_db

METRICS_TOKEN = "metrics-token-for-the-test-0123456789"


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers.items()), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read().decode()


def log_lines(tmp_path):
    """Every line gunicorn and Django wrote (stdout and stderr), each parsed as JSON."""
    (log_file,) = tmp_path.glob("gunicorn-*.log")
    lines = [line for line in log_file.read_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def access_lines(lines, path):
    return [line for line in lines if line["logger"] == "gunicorn.access" and line["path"] == path]


def metric_total(metrics_text, name, **labels):
    total = 0.0
    for line in metrics_text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            total += float(match[3])
    return total


def nowhere_database():
    return f"postgres://postgres@127.0.0.1:{free_port()}/citynews"


def test_gunicorn_writes_one_json_line_per_event_with_request_id_and_the_readers_address(tmp_path):
    with gunicorn_server(tmp_path, DATABASE_URL=nowhere_database(), TRUST_X_FORWARDED_FOR="1") as base_url:
        given = get(f"{base_url}/healthz?given=1", {"X-Request-ID": "nginx-4f2a9c", "X-Forwarded-For": "203.0.113.9"})
        made = get(f"{base_url}/healthz?made=1")
        forged = get(f"{base_url}/healthz?forged=1", {"X-Request-ID": 'bad id"<script>'})

    lines = log_lines(tmp_path)
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert given[1]["X-Request-ID"] == "nginx-4f2a9c"
    assert re.fullmatch(r"[0-9a-f]{32}", made[1]["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", forged[1]["X-Request-ID"])

    (given_line,) = access_lines(lines, "/healthz?given=1")
    assert given_line["request_id"] == "nginx-4f2a9c"
    assert (given_line["client"], given_line["status"]) == ("203.0.113.9", 200)
    (made_line,) = access_lines(lines, "/healthz?made=1")
    assert made_line["request_id"] == made[1]["X-Request-ID"]
    assert made_line["client"] == "127.0.0.1"
    assert made_line["level"] == "INFO" and made_line["method"] == "GET" and made_line["duration_ms"] >= 0
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)


def test_without_a_trusted_proxy_x_forwarded_for_is_not_the_readers_address(tmp_path):
    with gunicorn_server(tmp_path, DATABASE_URL=nowhere_database(), TRUST_X_FORWARDED_FOR="0") as base_url:
        get(f"{base_url}/healthz?forwarded=1", {"X-Forwarded-For": "203.0.113.9"})
    (line,) = access_lines(log_lines(tmp_path), "/healthz?forwarded=1")
    assert line["client"] == "127.0.0.1"


def test_a_database_outage_logs_each_identical_error_once_per_interval(tmp_path):
    with gunicorn_server(tmp_path, DATABASE_URL=nowhere_database(), LOG_REPEAT_SECONDS="60") as base_url:
        statuses = [get(f"{base_url}/?page={n}")[0] for n in range(1, 21)]

    lines = log_lines(tmp_path)
    assert statuses == [503] * 20
    assert len([line for line in lines if line["logger"] == "gunicorn.access" and line["status"] == 503]) == 20
    errors = [line for line in lines if line["level"] == "ERROR"]
    # Our middleware's line and Django's own request log, once each rather than twenty times.
    assert sorted(line["logger"] for line in errors) == ["citynews.middleware", "django.request"]
    first = next(line for line in errors if line["logger"] == "citynews.middleware")
    assert first["request_id"] and first["client"] == "127.0.0.1"
    assert "Database unavailable while serving /" in first["message"]


def test_metrics_add_up_every_worker_and_need_the_token(tmp_path):
    with gunicorn_server(
        tmp_path, DATABASE_URL=nowhere_database(), WEB_CONCURRENCY="2", METRICS_TOKEN=METRICS_TOKEN
    ) as base_url:
        for _ in range(12):
            get(f"{base_url}/readyz")
        for _ in range(3):
            get(f"{base_url}/")
        refused = get(f"{base_url}/metrics")
        wrong = get(f"{base_url}/metrics", {"Authorization": "Bearer not-the-token"})
        status, headers, metrics_text = get(f"{base_url}/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert (refused[0], wrong[0], status) == (401, 401, 200)
    assert "citynews_http_requests_total" not in refused[2]
    assert headers["Content-Type"].startswith("text/plain")
    # Twelve readiness probes (the database is down), whichever of the two workers answered each.
    assert metric_total(metrics_text, "citynews_http_requests_total", view="readyz", status="503") == 12
    assert metric_total(metrics_text, "citynews_http_request_duration_seconds_count", view="readyz") == 12
    assert metric_total(metrics_text, "citynews_http_requests_total", view="articles:home", status="503") == 3
    assert metric_total(metrics_text, "citynews_database_errors_total") == 15
    pids = {line["message"] for line in log_lines(tmp_path) if "Booting worker" in line["message"]}
    assert len(pids) == 2


# In-process: the test client, with a URLconf whose one view fails as a bug would.


class BrokenStory(Exception):
    pass


def failing_view(request):
    raise BrokenStory(request.GET["reason"])


urlpatterns = [path("broken/", failing_view), path("", include("citynews.urls"))]


def test_a_500_is_mailed_to_admins_once_per_interval(settings, db):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = [("Night desk", "ops@example.org")]
    reader = Client(raise_request_exception=False)
    reason = f"bug {uuid.uuid4().hex}"

    responses = [reader.get("/broken/", {"reason": reason}) for _ in range(5)]

    assert [response.status_code for response in responses] == [500] * 5
    assert all(re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"]) for response in responses)
    (message,) = mail.outbox
    assert message.to == ["ops@example.org"]
    assert "Internal Server Error: /broken/" in message.subject
    assert "BrokenStory" in message.body and reason in message.body


def test_metrics_endpoint_is_off_without_a_token_and_counts_page_cache_hits_and_misses(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404

    settings.METRICS_TOKEN = METRICS_TOKEN
    settings.PAGE_CACHE_SECONDS = 300
    make_article(title="Counted story")
    scrape = lambda: client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")  # noqa: E731
    assert client.get("/metrics").status_code == 401
    before = scrape().content.decode()
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    after = scrape()
    assert after.status_code == 200 and "no-cache" in after["Cache-Control"]
    for result in ("hit", "miss"):
        counted = metric_total(after.content.decode(), "citynews_page_cache_lookups_total", result=result)
        assert counted == metric_total(before, "citynews_page_cache_lookups_total", result=result) + 1
    home_views = metric_total(after.content.decode(), "citynews_http_requests_total", status="200", method="GET")
    assert home_views >= 2


class SentryIngest(http.server.BaseHTTPRequestHandler):
    """Stands in for sentry.io on loopback: keeps the envelopes the SDK posts."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            pytest.fail("the SDK compressed with brotli; the test reads gzip only")
        self.received.append((self.path, body.decode("utf-8", "replace")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_with_sentry_dsn_set_a_500_reaches_sentry(tmp_path):
    ingest = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SentryIngest)
    threading.Thread(target=ingest.serve_forever, daemon=True).start()
    reason = f"bug {uuid.uuid4().hex}"
    script = f"""
import django, sentry_sdk
django.setup()
from django.test import Client
from django.test.utils import override_settings
with override_settings(ROOT_URLCONF="tests.ops.test_logs_and_metrics", ALLOWED_HOSTS=["testserver"]):
    print(Client(raise_request_exception=False).get("/broken/", {{"reason": {reason!r}}}).status_code)
sentry_sdk.flush(timeout=5)
"""
    try:
        finished = subprocess.run(
            [sys.executable, "-c", script],
            cwd=BASE_DIR,
            env=os.environ
            | {
                "DJANGO_SETTINGS_MODULE": "citynews.settings",
                "SENTRY_DSN": f"http://publickey@127.0.0.1:{ingest.server_port}/42",
                "DATABASE_URL": nowhere_database(),
                "STATIC_MANIFEST": "0",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        ingest.shutdown()
    assert finished.stdout.strip() == "500", finished.stderr
    envelopes = [body for path, body in SentryIngest.received if path == "/api/42/envelope/"]
    assert any("BrokenStory" in body and reason in body for body in envelopes)


def test_a_page_from_the_cache_carries_its_own_requests_id(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    make_article(title="Cached story")
    miss = client.get("/", HTTP_X_REQUEST_ID="first-request")
    hit = client.get("/", HTTP_X_REQUEST_ID="second-request")
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert (miss["X-Request-ID"], hit["X-Request-ID"]) == ("first-request", "second-request")

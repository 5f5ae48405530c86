"""
The citynews benchmark: `make bench`.

Builds (or tops up) a large dataset on PostgreSQL, starts gunicorn with the production settings (2 sync
workers) and measures reader pages with wrk, each against two floors served by the same gunicorn in the
same run: a plain Django view, and a view running one query and a tiny template. One run reports:

1. cold: no page cache, no fragment cache (PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0), every page
   built from the database; as a share of the one-query floor and of the plain floor.
2. after a publish: the page cache retired (PAGE_CACHE_SECONDS=0), the fragments warm
   (FRAGMENT_CACHE_SECONDS=86400; the discarded warm-up run fills them); as a share of the one-query floor.
3. cached: page cache on (PAGE_CACHE_SECONDS=300, fragments on); as a share of the plain floor.
4. nginx: a copy of deploy/nginx.conf (plain HTTP on a free port, its microcache directives unchanged) in
   front of state 3's gunicorn; a few reader pages through the microcache as a share of a static file
   nginx serves itself.
5. regain: state 3's gunicorn under a mixed load of thousands of reader URLs picked at random
   (bench/mixed.lua): the page cache is filled with every URL once, the load warms for 20 s and its steady
   rate is measured over 10 s; then a story is saved as an editor would (retiring the page cache) and
   consecutive 5-second wrk windows show the rate and the page-cache hit share as it comes back; the
   regain time is the end of the first window at 90% of the steady rate (5-second resolution).

Each page's queries, PostgreSQL's time for them and the app's own CPU time per request are measured
in-process, with fragments off and again with them warm (override_settings(FRAGMENT_CACHE_SECONDS=...):
the app must read that setting when it renders, not copy it at import), and a third time with every
fragment warm but no page kept whole: the cost a design that stored each part on save would leave. The
prototypes for the cold target (bench/alternatives.py) are measured in-process too. The report ends with
the targets, met or not. It is printed and written to bench/results/; progress goes to stderr.

Needs wrk and nginx (Debian: apt-get install wrk nginx-light). All states share one Redis database
(BENCH_REDIS_URL), which the benchmark does not empty: the caches it turns off are not read, and the
warm-up runs fill the ones it turns on.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/citynews_bench),
BENCH_ARTICLES (100000), BENCH_DURATION seconds per page and state (10), BENCH_CONNECTIONS (16),
BENCH_PORT for gunicorn (8765; nginx takes free ports), BENCH_REDIS_URL (redis://127.0.0.1:6379/14; empty
for the file cache), BENCH_REGAIN_SECONDS how long the regain windows run after the publish (60).

The app is run with DATABASE_URL, REDIS_URL, PAGE_CACHE_SECONDS and FRAGMENT_CACHE_SECONDS set per state
(and the production settings: CITYNEWS_PRODUCTION=1, DEBUG=0, CITYNEWS_BENCH=1 for the floor views).
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/citynews_bench")
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REGAIN_SECONDS = int(os.environ.get("BENCH_REGAIN_SECONDS", "60"))
RESULTS = ROOT / "bench" / "results"
MIXED_SCRIPT = ROOT / "bench" / "mixed.lua"
SHIPPED_NGINX = ROOT / "deploy" / "nginx.conf"
STATIC_ROOT = ROOT / "bench" / "static"
MEDIA_ROOT = ROOT / "bench" / "media"
PLAIN = "plain view (floor)"
ONE_QUERY = "one query + template"
FRAGMENTS_ON = 86400  # a day: the app's default
# The file nginx serves itself in state 4, its own floor (collectstatic keeps the unhashed name too).
STATIC_FILE = "css/site.css"
NGINX_PAGES = ("home", "article", "tag", "city", "section", "latest")

# The regain measurement: how long the mixed load warms the page cache, how long its steady rate is
# measured, and the length of each window after the publish.
REGAIN_WARM_SECONDS = 20
REGAIN_STEADY_SECONDS = 10
REGAIN_WINDOW_SECONDS = 5
REGAINED_SHARE = 0.9
# Below this share of page-cache hits, the "steady" rate is not that of a full cache (the report says so).
FULL_CACHE_SHARE = 0.95

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "CITYNEWS_PRODUCTION": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "DEBUG": "0",
    "CITYNEWS_BENCH": "1",
    "API_RATE_LIMIT": "0",  # wrk is one client: the API's per-client limit would answer it with 429s
    "MEDIA_ROOT": str(MEDIA_ROOT),
    "STATIC_ROOT": str(STATIC_ROOT),
    "LOG_LEVEL": "WARNING",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "WEB_CONCURRENCY": "2",
    "GUNICORN_ACCESS_LOG": "",
    "GUNICORN_LOG_LEVEL": "warning",
    # Off unless a state turns them on: the in-process measurements start cold.
    "PAGE_CACHE_SECONDS": "0",
    "FRAGMENT_CACHE_SECONDS": "0",
}

# The targets: (state, pages, floor, share of the floor the pages must reach).
SEARCH = "search (2 words)"
PAGES_AT_A_THIRD = ("home", "section", "tag", SEARCH)
PAGES_AT_A_QUARTER = ("article", "city")
PAGE_CACHED = ("home", "section", "tag", "article", "city")  # search is never page-cached (its q parameter)
TARGETS = [
    ("cold", PAGES_AT_A_THIRD, ONE_QUERY, 1 / 3),
    ("cold", PAGES_AT_A_QUARTER, ONE_QUERY, 1 / 4),
    ("after publish", PAGES_AT_A_THIRD + PAGES_AT_A_QUARTER, ONE_QUERY, 1 / 2),
    ("cached", PAGE_CACHED, PLAIN, 0.85),
]
# The issue's own line for search (two common words, at CONNECTIONS connections) names no state: the report
# gives it in every state.
SEARCH_TARGET = 1 / 4
NGINX_TARGET = 0.5  # a page through the microcache, as a share of the static file
REGAIN_TARGET_SECONDS = 30


def progress(message):
    """Where a long run is, on stderr (the report goes to stdout)."""
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def manage(*args, env=None):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env or ENV, check=True)


def ensure_database():
    import psycopg2

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


# In-process measurements ------------------------------------------------------------------------------


def setup_django():
    """Django in this process, with the benchmark's settings and both caches off."""
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citynews.settings")
    import django

    django.setup()


def page_costs():
    """Pick one URL per page kind from the data; measure what each costs in-process, cold and with
    fragments warm: rows of (label, url, queries, SQL ms, app ms, queries warm, app ms warm)."""
    from django.db import connection
    from django.test import Client, override_settings

    from bench.pages import reader_pages

    client = Client()
    rows = []
    for label, url in [(PLAIN, "/bench/plain/"), (ONE_QUERY, "/bench/one-query/"), *reader_pages()]:
        with override_settings(FRAGMENT_CACHE_SECONDS=0):
            client.get(url)  # warm: first-request work is not what a reader pays
            queries, database_ms = count_queries(client, connection, label, url)
            app_ms = python_milliseconds(client, url)
        with override_settings(FRAGMENT_CACHE_SECONDS=FRAGMENTS_ON):
            client.get(url)  # fills the fragments
            warm_queries, _ = count_queries(client, connection, label, url)
            warm_app_ms = python_milliseconds(client, url)
            with parts_only():
                parts_app_ms = python_milliseconds(client, url)
        rows.append((label, url, queries, database_ms, app_ms, warm_queries, warm_app_ms, parts_app_ms))
    connection.close()
    return rows


@contextmanager
def parts_only():
    """Every fragment (cards, a story's main part, a city's facts, the awards panel) served warm, but no page kept
    whole: what a design that stored each part when an editor saves it would still pay on every request, but for
    reading the stored parts (here a Redis round trip or two per page). The bound that answers "would computing
    the parts on write meet the cold target?"."""
    from unittest import mock

    from citynews.fragments import VersionedPageMixin

    with mock.patch.object(VersionedPageMixin, "keeps_whole_page", lambda view, request: False):
        yield


def prototype_lines():
    """The report's lines on the prototypes for the cold target (bench/alternatives.py), measured in-process."""
    from bench import alternatives
    from bench.pages import reader_pages

    pages = dict(reader_pages())
    section_slug = pages["section"].strip("/").split("/")[-1]
    cold_target_pages = [(label, pages[label]) for label in (*PAGES_AT_A_THIRD, *PAGES_AT_A_QUARTER) if label in pages]
    return alternatives.report_lines(alternatives.measure(cold_target_pages, section_slug, python_milliseconds))


def count_queries(client, connection, label, url):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    if status != 200:
        raise SystemExit(f"{label} {url} answered {status}; the benchmark needs every page to be 200")
    return len(queries), database_milliseconds(connection, queries.captured_queries)


def python_milliseconds(client, url, requests=30):
    """CPU time of the Django process per request (in-process, through every middleware): the app's own cost,
    apart from PostgreSQL's, wrk's and the kernel's."""
    started = time.process_time()
    for _ in range(requests):
        client.get(url)
    return (time.process_time() - started) / requests * 1000


def database_milliseconds(connection, queries):
    """PostgreSQL's own time for a page's queries (planning plus execution, warm), as EXPLAIN ANALYZE reports it.

    The part of a page's cost no Python change can remove: it shows how much of the machine a page's
    SQL takes before any object is built or any HTML written.
    """
    total = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            if not query["sql"].lstrip("(").upper().startswith("SELECT"):
                continue
            for _ in range(3):  # the last of three: catalogue caches warm, as in a long-lived worker
                cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + query["sql"])
                summary = " ".join(row[0] for row in cursor.fetchall()[-2:])
            total += sum(float(ms) for ms in re.findall(r"Time: ([\d.]+) ms", summary))
    return total


def write_mixed_urls(directory):
    """The mixed load's URL list, one path a line, for bench/mixed.lua."""
    from django.db import connection

    from bench.pages import reader_urls

    urls = reader_urls()
    connection.close()
    path = directory / "mixed-urls.txt"
    path.write_text("\n".join(urls) + "\n")
    return path, len(urls)


# Servers ----------------------------------------------------------------------------------------------


def wait_until_answering(url, what):
    """Poll until the server answers (any HTTP status counts); fail if it never does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer {url} within 60 s")


@contextmanager
def gunicorn(page_cache_seconds, fragment_cache_seconds):
    """gunicorn with the production settings (2 sync workers) and these cache lifetimes; yields its base URL."""
    env = {**ENV, "PAGE_CACHE_SECONDS": str(page_cache_seconds), "FRAGMENT_CACHE_SECONDS": str(fragment_cache_seconds)}
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_until_answering(f"{base}/bench/plain/", "gunicorn")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


NGINX_MAIN_CONFIG = """\
{user}worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
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
# The shipped file's microcache: kept word for word in the benchmark's copy (checked in nginx_site_config).
MICROCACHE_DIRECTIVES = ("proxy_cache ", "proxy_cache_key", "proxy_cache_valid", "proxy_cache_use_stale",
                         "proxy_cache_lock", "proxy_cache_bypass", "proxy_no_cache", "proxy_ignore_headers",
                         "proxy_cache_revalidate", "proxy_cache_background_update")  # fmt: skip


def substitute(text, replacements):
    """Replace each shipped value that must be there exactly once; fail if the file no longer has it."""
    for shipped, replacement in replacements:
        found = text.count(shipped)
        if found != 1:
            raise SystemExit(
                f"deploy/nginx.conf should contain {shipped!r} once, found it {found} times: "
                "bring bench/run.py's nginx copy up to date with it"
            )
        text = text.replace(shipped, replacement)
    return text


def nginx_site_config(port, app_port, directory):
    """deploy/nginx.conf with the site served over plain HTTP on `port` (no certificate to make; wrk and
    the microcache do not care), this checkout's static and media roots, a scratch cache directory and
    `app_port` upstream. The catch-all and redirect servers move to free ports nobody asks."""
    shipped = SHIPPED_NGINX.read_text()
    text = substitute(
        shipped,
        [
            ("listen 80 default_server;", f"listen 127.0.0.1:{free_port()} default_server;"),
            ("listen [::]:80 default_server;", ""),
            ("listen 443 ssl http2 default_server;", ""),
            ("listen [::]:443 ssl http2 default_server;", ""),
            ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{port};"),
            ("listen [::]:443 ssl http2;", ""),
            ("ssl_certificate     /etc/letsencrypt/live/news.example.org/fullchain.pem;", ""),
            ("ssl_certificate_key /etc/letsencrypt/live/news.example.org/privkey.pem;", ""),
            ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{app_port} "),
            ("alias /srv/citynews/staticfiles/;", f"alias {STATIC_ROOT}/;"),
            ("alias /srv/citynews/staticfiles/errors/;", f"alias {STATIC_ROOT}/errors/;"),
            ("root /srv/citynews;", f"root {MEDIA_ROOT.parent};"),  # MEDIA_ROOT is <root>/media
            ("root /var/www/html;", f"root {directory}/webroot;"),
            ("proxy_cache_path /var/cache/nginx/citynews ", f"proxy_cache_path {directory}/cache "),
        ],
    )
    directives = "\n".join(line.partition("#")[0] for line in text.splitlines())
    shipped_values = ("/srv/", "/etc/letsencrypt", "/var/", "listen 80", "listen 443")
    leftovers = [value for value in shipped_values if value in directives]
    if leftovers:
        raise SystemExit(f"deploy/nginx.conf has values bench/run.py does not substitute: {leftovers}")
    for line in shipped.splitlines():
        if line.strip().startswith(MICROCACHE_DIRECTIVES) and line not in text.splitlines():
            raise SystemExit(f"the benchmark's nginx copy changed a microcache directive: {line.strip()}")
    return text


def nginx_mime_types():
    """The mime.types file of this nginx build (Debian: /etc/nginx/mime.types)."""
    build = subprocess.run(["nginx", "-V"], capture_output=True, text=True, check=True).stderr
    conf_path = re.search(r"--conf-path=(\S+)", build)
    return Path(conf_path.group(1) if conf_path else "/etc/nginx/nginx.conf").parent / "mime.types"


@contextmanager
def nginx(app_port):
    """nginx with the benchmark's copy of deploy/nginx.conf in front of gunicorn; yields its base URL.
    Its prefix, cache and logs live in a temporary directory, removed with it."""
    with tempfile.TemporaryDirectory(prefix="citynews-bench-nginx-") as scratch:
        directory = Path(scratch)
        port = free_port()
        site = directory / "citynews.conf"
        site.write_text(nginx_site_config(port, app_port, directory))
        main = directory / "nginx.conf"
        # As root, nginx would run its workers as nobody, who cannot read the private scratch directory.
        user = "user root;\n" if os.geteuid() == 0 else ""
        main.write_text(NGINX_MAIN_CONFIG.format(user=user, tmp=directory, mime_types=nginx_mime_types(), site=site))
        command = ["nginx", "-p", str(directory), "-c", str(main), "-e", str(directory / "error.log")]
        subprocess.run([*command, "-t", "-q"], check=True)
        subprocess.run(command, check=True)  # daemonizes; stopped below with `-s stop`
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{base}/static/{STATIC_FILE}", "nginx")
            yield base
        finally:
            subprocess.run([*command, "-s", "stop"], check=False)


# wrk --------------------------------------------------------------------------------------------------


def wrk(url, connections=None, duration=None, script=None, env=None):
    """Run wrk; returns (req/s, p50, p99, non-2xx/3xx responses, wrk's output)."""
    command = ["wrk", "-t2", f"-c{connections or CONNECTIONS}", f"-d{duration or DURATION}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, latency.get("50", "?"), latency.get("99", "?"), int(errors.group(1)) if errors else 0, output


def measure_pages(base, rows):
    """wrk on every URL, the floors first, each after a discarded warm-up run (which fills whatever caches
    the state has on); results by label."""
    results = {}
    for label, url, *_ in rows:
        wrk(f"{base}{url}")  # warm-up run, discarded
        results[label] = wrk(f"{base}{url}")
    return results


def measure_search_unqueued(base, rows):
    """Latency without queueing: one connection per worker, so p99 is the page's own time."""
    search = next((url for label, url, *_ in rows if label.startswith("search")), None)
    return wrk(f"{base}{search}", connections=2) if search else None


def measure_nginx(base, rows):
    """A few reader pages through nginx's microcache, and a static file nginx serves itself."""
    urls = {label: url for label, url, *_ in rows}
    results = {}
    for label in NGINX_PAGES:
        wrk(f"{base}{urls[label]}")  # warm-up: fills the microcache
        results[label] = wrk(f"{base}{urls[label]}")
    wrk(f"{base}/static/{STATIC_FILE}")
    results["static"] = wrk(f"{base}/static/{STATIC_FILE}")
    return results


def mixed_load(base, url_list, seconds):
    """The mixed reader load for `seconds`: (req/s, page-cache hits, responses, non-2xx/3xx responses)."""
    rps, _, _, errors, output = wrk(
        f"{base}/", duration=seconds, script=MIXED_SCRIPT, env={"BENCH_MIXED_URLS": str(url_list)}
    )
    hits, misses, responses = map(int, re.search(r"page cache: (\d+) hits, (\d+) misses, (\d+)", output).groups())
    return rps, hits, responses, errors


def publish_a_story():
    """Save a story as an editor would: its post_save bumps the content generation, retiring the page cache."""
    manage(
        "shell", "--verbosity", "0", "-c",
        "from articles.models import Article; Article.objects.published().first().save()",
        env={**ENV, "PAGE_CACHE_SECONDS": "300", "FRAGMENT_CACHE_SECONDS": str(FRAGMENTS_ON)},
    )  # fmt: skip


def fill_page_cache(base, url_list):
    """Ask for every URL of the list once, CONNECTIONS at a time; returns how many did not answer 200.

    Random picks alone would take several passes' worth of requests to reach every page, and the
    "steady" rate would then be that of a half-empty cache, not the one a publish interrupts."""
    paths = url_list.read_text().split()

    def status(path):
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        return sum(code != 200 for code in pool.map(status, paths))


def measure_regain(base, url_list):
    """Steady rate of the mixed load with a warm page cache, then a publish and consecutive windows:
    (not 200 in the fill, steady, [(seconds since the publish at the window's end, req/s, hits, responses,
    errors)])."""
    progress("regain: filling the page cache with every URL of the mixed load")
    failed = fill_page_cache(base, url_list)
    progress("regain: warming and measuring the steady rate")
    mixed_load(base, url_list, REGAIN_WARM_SECONDS)  # warm-up, discarded: the workers and connections warm
    steady = mixed_load(base, url_list, REGAIN_STEADY_SECONDS)
    progress("regain: publishing a story")
    publish_a_story()
    published = time.monotonic()
    windows = []
    while time.monotonic() - published < REGAIN_SECONDS:
        rps, hits, responses, errors = mixed_load(base, url_list, REGAIN_WINDOW_SECONDS)
        windows.append((time.monotonic() - published, rps, hits, responses, errors))
    return failed, steady, windows


# The report -------------------------------------------------------------------------------------------


def share(value, floor):
    return value / floor if floor else 0.0


def page_table(rows, cold, after_publish, cached):
    def cell(results, label, *floors):
        rps, *_, errors, _ = results[label]
        flag = "!" if errors else " "
        return f"{rps:>8.0f}" + "".join(f"{share(rps, results[floor][0]):>8.0%}" for floor in floors) + flag

    lines = [
        f"{'':<22}{'':>8}{'':>8}{'':>8}{'queries':>8}{'app ms':>8}{'app ms':>8} | {'cold':^25} | "
        f"{'after publish':^17} | {'cached':^17}",
        f"{'page':<22}{'queries':>8}{'SQL ms':>8}{'app ms':>8}{'warm':>8}{'warm':>8}{'parts':>8} | "
        f"{'req/s':>8}{'1-query':>8}{'plain':>8}  | {'req/s':>8}{'1-query':>8}  | {'req/s':>8}{'plain':>8}",
    ]
    for label, url, queries, database_ms, app_ms, warm_queries, warm_app_ms, parts_app_ms in rows:
        lines.append(
            f"{label:<22}{queries:>8}{database_ms:>8.2f}{app_ms:>8.2f}{warm_queries:>8}{warm_app_ms:>8.2f}"
            f"{parts_app_ms:>8.2f} | "
            f"{cell(cold, label, ONE_QUERY, PLAIN)} | {cell(after_publish, label, ONE_QUERY)} | "
            f"{cell(cached, label, PLAIN)}  {url}"
        )
    return lines


def parts_line(rows):
    """How far the cold-target pages stay from the one-query view's CPU even drawn from stored parts."""
    parts = {row[0]: row[7] for row in rows}  # label: app ms drawn from stored parts
    floor = parts[ONE_QUERY]
    pages = [page for page in (*PAGES_AT_A_THIRD, *PAGES_AT_A_QUARTER) if page in parts]
    multiples = ", ".join(f"{page} {parts[page] / floor:.1f}x" for page in pages)
    return f"drawn from stored parts (app ms parts), as a multiple of the one-query view's app ms: {multiples}"


def nginx_lines(results):
    static = results["static"][0]
    lines = [f"nginx (deploy/nginx.conf's microcache) in front of the cached gunicorn; floor: /static/{STATIC_FILE}"]
    lines.append(f"{'page':<22}{'req/s':>8}{'p99':>9}{'static':>8}")
    for label in (*NGINX_PAGES, "static"):
        rps, _, p99, errors, _ = results[label]
        lines.append(f"{label:<22}{rps:>8.0f}{p99:>9}{share(rps, static):>8.0%}{'!' if errors else ''}")
    return lines


def regained_after(steady, windows):
    """Seconds after the publish at the end of the first window back to REGAINED_SHARE of the steady rate."""
    return next((end for end, rps, *_ in windows if rps >= REGAINED_SHARE * steady[0]), None)


def regain_lines(url_count, failed, steady, windows):
    rps, hits, responses, errors = steady
    lines = [
        f"regain after a publish: mixed load of {url_count:,} reader URLs picked at random, page cache on, "
        f"filled once with every URL"
        + (f" ({failed} did not answer 200)" if failed else "")
        + f"; steady {rps:.0f} req/s, {share(hits, responses):.0%} page-cache hits"
        + (f", {errors} non-2xx/3xx" if errors else ""),
    ]
    if share(hits, responses) < FULL_CACHE_SHARE:
        lines.append("  (the steady window was not answered from a full page cache: the shares below are too kind)")
    for end, rps, hits, responses, errors in windows:
        lines.append(
            f"  window ending {end:5.1f} s after the publish: {rps:>6.0f} req/s = {share(rps, steady[0]):>4.0%} "
            f"of steady, {share(hits, responses):>4.0%} page-cache hits" + (f", {errors} non-2xx/3xx" if errors else "")
        )
    regained = regained_after(steady, windows)
    lines.append(
        f"  back to {REGAINED_SHARE:.0%} of steady: "
        + (f"by {regained:.1f} s after the publish" if regained is not None else f"not within {REGAIN_SECONDS} s")
    )
    return lines


def verdict(missed):
    """met, or NOT met with the pages that missed and their shares."""
    if not missed:
        return "met"
    return "NOT met (" + ", ".join(f"{page} {value:.0%}" for page, value in missed.items()) + ")"


def target_lines(states, nginx_results, steady, windows):
    """Each target, met or not, from the numbers above; a missed one names its pages and their shares."""
    lines = ["targets:"]
    for state, pages, floor, target in TARGETS:
        results = states[state]
        shares = {page: share(results[page][0], results[floor][0]) for page in pages if page in results}
        missed = {page: value for page, value in shares.items() if value < target}
        lines.append(f"  {state} >= {target:.0%} of {floor} for {', '.join(shares)}: {verdict(missed)}")
    lines.append(search_target_line(states))
    static = nginx_results["static"][0]
    shares = {page: share(nginx_results[page][0], static) for page in NGINX_PAGES}
    missed = {page: value for page, value in shares.items() if value < NGINX_TARGET}
    lines.append(f"  nginx microcache >= {NGINX_TARGET:.0%} of nginx static for {', '.join(shares)}: {verdict(missed)}")
    regained = regained_after(steady, windows)
    met = regained is not None and regained <= REGAIN_TARGET_SECONDS
    lines.append(
        f"  regained {REGAINED_SHARE:.0%} of the steady rate within {REGAIN_TARGET_SECONDS} s of a publish: "
        + ("met" if met else "NOT met")
        + (f" ({regained:.1f} s)" if regained is not None else "")
    )
    return lines


def search_target_line(states):
    """Search against its own target in each state: met in some, not in others, says which."""
    shares = {
        state: share(results[SEARCH][0], results[ONE_QUERY][0])
        for state, results in states.items()
        if SEARCH in results
    }
    met = [f"{state} {value:.0%}" for state, value in shares.items() if value >= SEARCH_TARGET]
    missed = [f"{state} {value:.0%}" for state, value in shares.items() if value < SEARCH_TARGET]
    verdicts = []
    if met:
        verdicts.append("met " + ", ".join(met))
    if missed:
        verdicts.append("NOT met " + ", ".join(missed))
    return f"  {SEARCH} >= {SEARCH_TARGET:.0%} of {ONE_QUERY} at {CONNECTIONS} connections: " + "; ".join(verdicts)


def report(rows, prototypes, states, search_unqueued, nginx_results, url_count, failed, steady, windows):
    lines = [
        f"citynews benchmark, {time.strftime('%Y-%m-%d %H:%M')}: {ARTICLES:,} articles on PostgreSQL, "
        f"gunicorn 2 sync workers, wrk -t2 -c{CONNECTIONS} -d{DURATION}s, caches in "
        + ("Redis" if ENV.get("REDIS_URL") else "files"),
        "",
        *page_table(rows, states["cold"], states["after publish"], states["cached"]),
    ]
    if search_unqueued:
        rps, p50, p99, *_ = search_unqueued
        lines.append(f"search at 2 connections (no queueing, no cache): {rps:.0f} req/s, p50 {p50}, p99 {p99}")
    third = states["cold"][ONE_QUERY][0] / 3
    cores = os.cpu_count() or 1
    lines += [
        f"a third of the one-query floor is {third:.0f} req/s: {cores} cores / {third:.0f} = "
        f"{cores / third * 1000:.1f} ms of CPU per page for everything (gunicorn, PostgreSQL, wrk, the kernel)",
        parts_line(rows),
        *prototypes,
        "",
        *nginx_lines(nginx_results),
        "",
        *regain_lines(url_count, failed, steady, windows),
        "",
        *target_lines(states, nginx_results, steady, windows),
        "",
        "cold = PAGE_CACHE_SECONDS=0 FRAGMENT_CACHE_SECONDS=0; after publish = PAGE_CACHE_SECONDS=0 "
        f"FRAGMENT_CACHE_SECONDS={FRAGMENTS_ON} (fragments filled by the warm-up run); "
        "cached = PAGE_CACHE_SECONDS=300 (search is left out of its target: its q parameter keeps it out of the "
        "page cache). "
        "1-query, plain = throughput as a share of the one-query view and of the plain Django view, served by the "
        "same gunicorn in the same run; ! = some responses were not 2xx/3xx; SQL ms = PostgreSQL's planning plus "
        "execution time for the page's queries (EXPLAIN ANALYZE, warm); app ms = CPU time of the Django process per "
        "request, measured in-process without the page cache, with fragments off and (warm) cached; parts = the same "
        "with every fragment warm but no page kept whole (a page drawn from stored parts)",
    ]
    return "\n".join(lines)


def main():
    missing = [tool for tool in ("wrk", "nginx") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"{' and '.join(missing)} not installed: apt-get install -y wrk nginx-light")
    ensure_database()
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("generate_bench_data", "--articles", str(ARTICLES))
    # A freshly loaded table has no planner statistics yet; a live site's autovacuum keeps them.
    manage("dbshell", "--", "-q", "-c", "VACUUM ANALYZE")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    setup_django()
    progress("in-process costs of each page")
    rows = page_costs()
    progress("in-process costs of the prototypes for the cold target")
    prototypes = prototype_lines()
    with tempfile.TemporaryDirectory(prefix="citynews-bench-") as scratch:
        url_list, url_count = write_mixed_urls(Path(scratch))
        states = {}
        progress("cold: no page cache, no fragments")
        with gunicorn(page_cache_seconds=0, fragment_cache_seconds=0) as base:
            states["cold"] = measure_pages(base, rows)
            search_unqueued = measure_search_unqueued(base, rows)
        progress("after a publish: no page cache, fragments warm")
        with gunicorn(page_cache_seconds=0, fragment_cache_seconds=FRAGMENTS_ON) as base:
            states["after publish"] = measure_pages(base, rows)
        progress("cached: page cache on")
        with gunicorn(page_cache_seconds=300, fragment_cache_seconds=FRAGMENTS_ON) as base:
            states["cached"] = measure_pages(base, rows)
            progress("nginx's microcache in front of the cached gunicorn")
            with nginx(PORT) as nginx_base:
                nginx_results = measure_nginx(nginx_base, rows)
            failed, steady, windows = measure_regain(base, url_list)

    text = report(rows, prototypes, states, search_unqueued, nginx_results, url_count, failed, steady, windows)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.txt")).write_text(text + "\n")


if __name__ == "__main__":
    main()

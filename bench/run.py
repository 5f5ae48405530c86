"""
The citynews benchmark: `make bench`.

Builds (or tops up) a large dataset on PostgreSQL, starts gunicorn with the production settings,
and measures reader pages with wrk against a plain Django view served by the same gunicorn in the
same run (the floor). Prints requests per second, p50 and p99 latency, the ratio to the floor and
the SQL queries each page costs, with PostgreSQL's own time for them (EXPLAIN ANALYZE).

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/citynews_bench),
BENCH_ARTICLES (100000), BENCH_DURATION seconds per page (10), BENCH_CONNECTIONS (16),
BENCH_PORT (8765), BENCH_REDIS_URL (redis://127.0.0.1:6379/14; empty for the file cache).
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/citynews_bench")
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
RESULTS = ROOT / "bench" / "results"
PLAIN = "plain view (floor)"
ONE_QUERY = "one query + template"

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "CITYNEWS_PRODUCTION": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "DEBUG": "0",
    "CITYNEWS_BENCH": "1",
    "MEDIA_ROOT": str(ROOT / "bench" / "media"),
    "STATIC_ROOT": str(ROOT / "bench" / "static"),
    "LOG_LEVEL": "WARNING",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "WEB_CONCURRENCY": "2",
    "GUNICORN_ACCESS_LOG": "",
    "GUNICORN_LOG_LEVEL": "warning",
}


def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


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


def pages_and_queries():
    """Pick one URL per page kind from the data and count the SQL queries each costs, uncached."""
    os.environ.update(ENV, PAGE_CACHE_SECONDS="0")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citynews.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import reader_pages

    client = Client()
    rows = []
    for label, url in [(PLAIN, "/bench/plain/"), (ONE_QUERY, "/bench/one-query/"), *reader_pages()]:
        client.get(url)  # warm: first-request work is not what a reader pays
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{label} {url} answered {status}; the benchmark needs every page to be 200")
        rows.append(
            (
                label,
                url,
                len(queries),
                database_milliseconds(connection, queries.captured_queries),
                python_milliseconds(client, url),
            )
        )
    connection.close()
    return rows


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


def wrk(url, connections=None):
    connections = connections or CONNECTIONS
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, latency.get("50", "?"), latency.get("99", "?"), int(errors.group(1)) if errors else 0


def measure(rows, page_cache_seconds):
    """Serve with gunicorn (2 sync workers) and run wrk on every URL: the floor first."""
    env = {**ENV, "PAGE_CACHE_SECONDS": str(page_cache_seconds)}
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/plain/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for label, url, *_ in rows:
            target = f"http://127.0.0.1:{PORT}{url}"
            wrk(target)  # warm-up run, discarded
            results[label] = wrk(target)
        # Latency without queueing: one connection per worker, so p99 is the page's own time.
        search = next((url for label, url, *_ in rows if label.startswith("search")), None)
        if search:
            results["search, 1 connection per worker"] = wrk(f"http://127.0.0.1:{PORT}{search}", connections=2)
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does this)")
    ensure_database()
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("generate_bench_data", "--articles", str(ARTICLES))
    # A freshly loaded table has no planner statistics yet; a live site's autovacuum keeps them.
    manage("dbshell", "--", "-q", "-c", "VACUUM ANALYZE")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    rows = pages_and_queries()
    uncached = measure(rows, page_cache_seconds=0)
    cached = measure(rows, page_cache_seconds=300)

    lines = [
        f"citynews benchmark, {time.strftime('%Y-%m-%d %H:%M')}: {ARTICLES:,} articles on PostgreSQL, "
        f"gunicorn 2 sync workers, wrk -t2 -c{CONNECTIONS} -d{DURATION}s, page cache in "
        + ("Redis" if ENV.get("REDIS_URL") else "files"),
        "",
        f"{'':<22}{'':>8}{'':>8}{'':>8} | {'without page cache':^45} | {'with page cache':^36}",
        f"{'page':<22}{'queries':>8}{'SQL ms':>8}{'app ms':>8} | "
        f"{'req/s':>8}{'p50':>9}{'p99':>9}{'plain':>9}{'1-query':>9}  | "
        f"{'req/s':>8}{'p50':>9}{'p99':>9}{'plain':>9}",
    ]
    for label, url, queries, database_ms, python_ms in rows:
        rps, p50, p99, errors = uncached[label]
        flag = "!" if errors else " "
        plain, one_query = uncached[PLAIN][0], uncached[ONE_QUERY][0]
        cells = f"{rps:>8.0f}{p50:>9}{p99:>9}{rps / plain:>9.0%}{rps / one_query:>9.0%}{flag} | "
        rps, p50, p99, errors = cached[label]
        flag = "!" if errors else " "
        cells += f"{rps:>8.0f}{p50:>9}{p99:>9}{rps / cached[PLAIN][0]:>9.0%}{flag}"
        lines.append(f"{label:<22}{queries:>8}{database_ms:>8.2f}{python_ms:>8.2f} | {cells}   {url}")
    if "search, 1 connection per worker" in uncached:
        rps, p50, p99, _ = uncached["search, 1 connection per worker"]
        lines.append(f"search at 2 connections (no queueing, no page cache): {rps:.0f} req/s, p50 {p50}, p99 {p99}")
    third = uncached[ONE_QUERY][0] / 3
    cores = os.cpu_count() or 1
    lines.append(
        f"a third of the one-query floor is {third:.0f} req/s: {cores} cores / {third:.0f} = "
        f"{cores / third * 1000:.1f} ms of CPU per page for everything (gunicorn, PostgreSQL, wrk, the kernel)"
    )
    lines.append("")
    lines.append(
        "plain, 1-query = throughput as a share of the plain Django view and of the one-query view, served by the "
        "same gunicorn in the same run; ! = some responses were not 2xx/3xx; SQL ms = PostgreSQL's planning plus "
        "execution time for the page's queries (EXPLAIN ANALYZE, warm); app ms = CPU time of the Django process per "
        "request, measured in-process without the page cache"
    )
    report = "\n".join(lines)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.txt")).write_text(report + "\n")


if __name__ == "__main__":
    main()

"""Database down, unreachable or restarted: readers get the 503 page fast, and workers reconnect by themselves."""

import socket

import psycopg2
from bs4 import BeautifulSoup
from django.db import connection

from tests.conftest import free_port, make_article

from .conftest import fetch, gunicorn_server, postgres_only


def heading(html):
    return BeautifulSoup(html, "html5lib").h1.get_text(strip=True)


def test_refused_database_gives_the_503_page_with_retry_after_at_once(tmp_path):
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/citynews"
    with gunicorn_server(tmp_path, DATABASE_URL=nowhere) as base_url:
        home = fetch(f"{base_url}/")
        ready = fetch(f"{base_url}/readyz")
        alive = fetch(f"{base_url}/healthz")

    assert home.status == 503
    assert home.headers["Retry-After"] == "30"
    assert home.headers["Cache-Control"] == "no-store"
    assert heading(home.body) == "citynews is briefly unavailable"
    assert "Traceback" not in home.body
    assert home.elapsed < 3
    assert (ready.status, ready.body, ready.headers["Retry-After"]) == (503, "database unavailable", "30")
    assert (alive.status, alive.body) == (200, "ok")


def test_database_that_never_answers_gives_the_503_page_within_three_seconds(tmp_path):
    # The kernel completes the TCP handshake from the backlog, then nothing ever replies: a hung server.
    with socket.socket() as silent_server:
        silent_server.bind(("127.0.0.1", 0))
        silent_server.listen(16)
        port = silent_server.getsockname()[1]
        with gunicorn_server(tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/citynews") as base_url:
            home = fetch(f"{base_url}/")
            ready = fetch(f"{base_url}/readyz")

    assert home.status == 503
    assert home.headers["Retry-After"] == "30"
    assert heading(home.body) == "citynews is briefly unavailable"
    assert 1.5 < home.elapsed < 3.5
    assert ready.status == 503
    assert ready.elapsed < 3.5


def test_readyz_is_200_with_the_database_reachable(client, db):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ready")
    assert "no-cache" in response["Cache-Control"]
    assert client.get("/healthz").content == b"ok"


def _backend_pids(application_name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [application_name],
        )
        return {row[0] for row in cursor.fetchall()}


@postgres_only
def test_running_workers_reconnect_after_their_database_connections_are_killed(tmp_path, transactional_db):
    article = make_article(title="Hangzhou tops the mobility ranking")
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    application_name = f"citynews-reconnect-{free_port()}"

    with gunicorn_server(tmp_path, DATABASE_URL=url, PGAPPNAME=application_name, CONN_MAX_AGE="600") as base_url:
        before = fetch(f"{base_url}{article.get_absolute_url()}")
        pids_before = _backend_pids(application_name)
        # What a PostgreSQL restart does to the site's connections, from outside the app.
        with (
            psycopg2.connect(
                dbname=database["NAME"],
                user=database["USER"],
                password=database["PASSWORD"],
                host=database["HOST"],
                port=database["PORT"],
            ) as admin_connection,
            admin_connection.cursor() as cursor,
        ):
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                [application_name],
            )
            assert [row[0] for row in cursor.fetchall()] == [True] * len(pids_before)
        admin_connection.close()
        after = [fetch(f"{base_url}{article.get_absolute_url()}") for _ in range(3)]
        pids_after = _backend_pids(application_name)

    assert before.status == 200
    assert heading(before.body) == "Hangzhou tops the mobility ranking"
    assert len(pids_before) == 1  # one worker, one persistent connection
    assert [response.status for response in after] == [200, 200, 200]
    assert {heading(response.body) for response in after} == {"Hangzhou tops the mobility ranking"}
    assert len(pids_after) == 1
    assert pids_after.isdisjoint(pids_before)

"""
A real streaming replica of the test database: anonymous readers read it, editors and writes use the
primary, and readers still get pages from the primary while it is down or hung.

The replica is a second PostgreSQL cluster made by ``pg_basebackup -R`` from the local server, in a
temporary directory on a free port, run as the postgres OS user and stopped at the end. The local
server must accept replication connections from 127.0.0.1 (.ci/run adds the pg_hba.conf line).
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.conf import global_settings
from django.db import connection

from tests.conftest import Browser, make_article, make_editor

from .conftest import fetch, free_port, gunicorn_server, postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def postgres_binaries():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    path = Path(f"/usr/lib/postgresql/{major}/bin")
    return path if (path / "pg_basebackup").exists() else None


def can_run_as_postgres():
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return os.geteuid() == 0


# Settings a hot standby must have at least as high as its primary.
STANDBY_MINIMUMS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


@dataclass
class StreamingReplica:
    binaries: Path
    data_dir: Path
    port: int
    database: str

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def as_postgres(self, *command):
        result = subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)], capture_output=True, text=True, timeout=120
        )
        if result.returncode:
            pytest.fail(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data_dir}"
        log = self.data_dir / "server.log"
        self.as_postgres(self.binaries / "pg_ctl", "-D", self.data_dir, "-o", options, "-l", log, "-w", "start")

    def stop(self):
        self.as_postgres(self.binaries / "pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "stop")

    def execute(self, statement):
        replica = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        try:
            with replica.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchone()[0] if cursor.description else None
        finally:
            replica.close()

    def wait_until_caught_up(self, seconds=20):
        """Until the replica has replayed everything the primary has written so far."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + seconds
        while not self.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            if time.monotonic() > deadline:
                pytest.fail(f"the replica did not replay up to {target} in {seconds} s")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """A hot standby of the server holding the test database, built after that database exists."""
    with django_db_blocker.unblock():
        binaries = postgres_binaries()
        if binaries is None or not can_run_as_postgres():
            reason = "needs PostgreSQL's server binaries and root (to run them as the postgres user)"
            if os.environ.get("REQUIRE_REPLICA") == "1":
                pytest.fail(f"REQUIRE_REPLICA=1 but the replica tests {reason}")
            pytest.skip(f"{reason}; CI has both")
        primary = connection.settings_dict
        with connection.cursor() as cursor:
            minimums = {}
            for name in STANDBY_MINIMUMS:
                cursor.execute(f"SHOW {name}")
                minimums[name] = cursor.fetchone()[0]
        data_dir = Path(tempfile.mkdtemp(prefix="citynews-replica-"))
        shutil.chown(data_dir, "postgres", "postgres")
        replica = StreamingReplica(binaries, data_dir, free_port(), primary["NAME"])
        try:
            replica.as_postgres(
                binaries / "pg_basebackup",
                *("-h", primary["HOST"] or "127.0.0.1", "-p", primary["PORT"] or 5432, "-U", "postgres"),
                *("-D", data_dir, "-R", "-X", "stream", "--checkpoint=fast"),
            )
            # Debian keeps a cluster's configuration outside its data directory: the copy needs its own.
            settings_lines = [f"{name} = {value}" for name, value in minimums.items()]
            (data_dir / "postgresql.conf").write_text("\n".join([*settings_lines, "shared_buffers = 32MB", ""]))
            (data_dir / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
            (data_dir / "pg_ident.conf").write_text("")
            for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
                shutil.chown(data_dir / name, "postgres", "postgres")
            replica.start()
            replica.wait_until_caught_up()
            yield replica
        finally:
            if (data_dir / "postmaster.pid").exists():  # running, even if a test failed half-way
                replica.stop()
            shutil.rmtree(data_dir, ignore_errors=True)


def primary_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_readers_read_the_replica_while_editors_and_whoever_just_wrote_read_the_primary(replica, tmp_path, settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the server checks real passwords
    make_editor()
    make_article(title="Story everyone has seen")
    replica.wait_until_caught_up()
    allowance = 1
    with gunicorn_server(
        tmp_path,
        DATABASE_URL=primary_url(),
        DATABASE_REPLICA_URL=replica.url,
        REPLICA_LAG_ALLOWANCE_SECONDS=str(allowance),
    ) as base_url:
        assert "Story everyone has seen" in Browser().get(f"{base_url}/")[2]
        time.sleep(allowance + 0.2)  # the server has just learnt of the last content change

        replica.execute("SELECT pg_wal_replay_pause()")
        late = make_article(title="Written to the primary while the replica is paused")
        assert late.title not in Browser().get(f"{base_url}/")[2], "an anonymous reader reads the replica"
        assert fetch(f"{base_url}{late.get_absolute_url()}").status == 404

        editor = Browser()
        assert editor.log_in(base_url) == f"{base_url}/admin/"
        assert late.title in editor.get(f"{base_url}/")[2], "a signed-in editor reads the primary"
        draft = make_article(title="Draft the editor publishes", status="draft", published_at=None)
        _, _, changelist = editor.get(f"{base_url}/admin/articles/article/")
        assert draft.title in changelist
        _, _, result = editor.post(
            f"{base_url}/admin/articles/article/",
            {"action": "publish", "_selected_action": [draft.pk], "csrfmiddlewaretoken": editor.csrf_token(changelist)},
            referer=f"{base_url}/admin/articles/article/",
        )
        assert "1 article published." in result
        assert draft.title in editor.get(f"{base_url}/")[2], "the editor sees their own publish"
        assert draft.title in Browser().get(f"{base_url}/")[2], "right after a change, readers read the primary"

        time.sleep(allowance + 0.2)
        assert draft.title not in Browser().get(f"{base_url}/")[2], "then the (paused) replica again"
        _, _, admin_home = editor.get(f"{base_url}/admin/")
        editor.post(
            f"{base_url}/admin/logout/",
            {"csrfmiddlewaretoken": editor.csrf_token(admin_home)},
            referer=f"{base_url}/admin/",
        )
        assert not any(cookie.name == "sessionid" for cookie in editor.jar)
        assert draft.title in editor.get(f"{base_url}/")[2], "signed out just after a save: still the primary"

        replica.execute("SELECT pg_wal_replay_resume()")
        replica.wait_until_caught_up()
        assert draft.title in Browser().get(f"{base_url}/")[2]


def test_readers_get_pages_from_the_primary_at_once_while_the_replica_is_down(replica, tmp_path):
    story = make_article(title="Story the primary still serves")
    replica.wait_until_caught_up()
    with gunicorn_server(
        tmp_path, DATABASE_URL=primary_url(), DATABASE_REPLICA_URL=replica.url, REPLICA_LAG_ALLOWANCE_SECONDS="0"
    ) as base_url:
        assert story.title in fetch(f"{base_url}/").body  # the worker now holds a connection to the replica
        replica.stop()
        try:
            pages = [fetch(f"{base_url}{path}") for path in ("/", story.get_absolute_url(), "/feeds/rss/", "/", "/")]
        finally:
            replica.start()
    assert [page.status for page in pages] == [200] * 5
    assert all(story.title in page.body for page in pages)
    assert all(page.elapsed < 1 for page in pages), [page.elapsed for page in pages]
    log = "".join(path.read_text() for path in tmp_path.glob("gunicorn-*.log"))
    assert log.count("Read replica unavailable") == 1, "logged once, then left alone for REPLICA_RETRY_SECONDS"


def test_a_replica_that_never_answers_costs_one_reader_the_connect_timeout_once(tmp_path):
    story = make_article(title="Story from the primary")
    # The kernel completes the TCP handshake from the backlog, then nothing ever replies: a hung server.
    with socket.socket() as silent_server:
        silent_server.bind(("127.0.0.1", 0))
        silent_server.listen(16)
        hung = f"postgres://postgres@127.0.0.1:{silent_server.getsockname()[1]}/citynews"
        with gunicorn_server(
            tmp_path, DATABASE_URL=primary_url(), DATABASE_REPLICA_URL=hung, REPLICA_LAG_ALLOWANCE_SECONDS="0"
        ) as base_url:
            first, *later = [fetch(f"{base_url}/") for _ in range(4)]
    assert [first.status, *(page.status for page in later)] == [200] * 4
    assert story.title in first.body
    assert 1.5 < first.elapsed < 3.5, "the replica's connect timeout (2 s), once"
    assert all(page.elapsed < 0.5 for page in later), [page.elapsed for page in later]

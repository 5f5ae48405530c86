"""
deploy/README.md's install steps, run as written, in order, on a scratch directory; then the site they
installed is started as its systemd unit says and read through nginx. Also: the guide's settings table
names every variable the code reads, and `systemd-analyze verify` accepts the installed units.

Each block marked ```sh install runs in a new `bash -euo pipefail`, with the guide's system paths
moved under the scratch directory. Commands that need root over this machine or a running systemd are
shell functions that record their call (see PRELUDE); everything else runs for real.
"""

import os
import re
import shlex
import shutil
import subprocess
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg2
import pytest
from bs4 import BeautifulSoup

from .conftest import (
    BASE_DIR,
    HOST,
    NGINX,
    OPENSSL,
    NginxClient,
    Ports,
    free_port,
    listen_on,
    nginx_mime_types,
    postgres_only,
    running_nginx,
    stop,
    substitute,
    wait_until_up,
)

GUIDE = BASE_DIR / "deploy" / "README.md"
DEMO_SLUG = "shenzhen-wins-enabling-technologies-award-scewc-2020"
# Every system path the guide's commands and files may name, each moved under the scratch directory.
SYSTEM_PATHS = (
    "/srv/citynews",
    "/etc/citynews",
    "/etc/nginx",
    "/etc/systemd/system",
    "/etc/letsencrypt",
    "/var/backups/citynews",
    "/var/cache/nginx",
    "/var/www/html",
)
UNITS = ("citynews.service", "citynews-orphans.service", "citynews-orphans.timer")
UNITS += ("citynews-backup.service", "citynews-backup.timer", "citynews-staged.service", "citynews-staged.timer")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")

# Stand-ins for what needs root over this machine or a running systemd. Each records its call in $CALLS.
PRELUDE = r"""
record() { printf '%s\n' "$*" >> "$CALLS"; }
apt-get() {
    record apt-get "$@"
    [ "$1" = install ] || return 0
    for package in "$@"; do
        case "$package" in install | -*) continue ;; esac
        case "$(apt-cache policy "$package" 2>/dev/null)" in
            *"Candidate: "[!\(]*) ;;
            *) echo "apt-get: Debian has no package $package (or apt-get update has not run here)" >&2; return 100 ;;
        esac
    done
}
adduser() { record adduser "$@"; }
chown() { record chown "$@"; }
chgrp() { record chgrp "$@"; }
createuser() { record createuser "$@"; }
createdb() { record createdb "$@"; }
systemctl() { record systemctl "$@"; }
# As the test's own user.
runuser() {
    [ "$1" = -u ] && shift 2
    [ "$1" = -- ] && shift
    "$@"
}
# A clone of this working tree as it is, uncommitted changes included.
git() {
    [ "$1" = clone ] || { command git "$@"; return; }
    record git "$@"
    mkdir -p "$3"
    command git -C "$SOURCE" ls-files -z --cached --others --exclude-standard \
        | (cd "$SOURCE" && tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$3"
}
# A self-signed certificate where certbot writes the real one.
certbot() {
    record certbot "$@"
    local domain=""
    while [ $# -gt 0 ]; do
        [ "$1" = --domain ] && domain="$2"
        shift
    done
    local live="$SCRATCH/etc/letsencrypt/live/$domain"
    mkdir -p "$live"
    "$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=$domain" \
        -addext "subjectAltName=DNS:$domain,IP:127.0.0.1" -keyout "$live/privkey.pem" -out "$live/fullchain.pem" \
        2>/dev/null
}
# The site files the guide wrote name the system's paths: moved under the scratch directory, as the commands' are.
nginx() {
    sed -i -e "$MOVE_PATHS" "$SCRATCH"/etc/nginx/sites-available/*
    command "$NGINX_BINARY" -p "$SCRATCH" -c "$SCRATCH/etc/nginx/nginx.conf" "$@"
}
"""

# Debian 12's /etc/nginx/nginx.conf as the package installs it (comments left out), with its paths in the
# scratch directory and its workers run as root when the test is (www-data cannot read the test's files).
DEBIAN_NGINX_CONF = """\
user {user};
worker_processes auto;
pid {scratch}/run/nginx.pid;
error_log {scratch}/var/log/nginx/error.log;
include {scratch}/etc/nginx/modules-enabled/*.conf;
events {{
	worker_connections 768;
}}
http {{
	sendfile on;
	tcp_nopush on;
	types_hash_max_size 2048;
	include {scratch}/etc/nginx/mime.types;
	default_type application/octet-stream;
	ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
	ssl_prefer_server_ciphers on;
	access_log {scratch}/var/log/nginx/access.log;
	gzip on;
	include {scratch}/etc/nginx/conf.d/*.conf;
	include {scratch}/etc/nginx/sites-enabled/*;
}}
"""
# Its temporary files in the scratch directory too, not in this machine's /var/lib/nginx.
TEMP_PATHS_CONF = "".join(
    f"{name}_temp_path {{scratch}}/var/lib/nginx/{name};\n"
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
)
DEBIAN_DEFAULT_SITE = """\
server {
	listen 80 default_server;
	listen [::]:80 default_server;
	root /var/www/html;
	index index.html index.htm index.nginx-debian.html;
	server_name _;
	location / {
		try_files $uri $uri/ =404;
	}
}
"""


def guide_blocks(kind):
    """The ```sh <kind> blocks of deploy/README.md, in order, as the shell receives them when pasted."""
    pattern = rf"^( *)```sh {kind}\n(.*?)^\1```$"
    return [textwrap.dedent(body) for _, body in re.findall(pattern, GUIDE.read_text(), flags=re.MULTILINE | re.DOTALL)]


def run_block(block, scratch, environment):
    """One block of the guide in a new bash, with its system paths moved under `scratch`."""
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", PRELUDE + in_scratch(block, scratch)],
        cwd=scratch,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_guide_names_only_system_paths_the_test_moves():
    paths = set()
    for block in guide_blocks("install") + guide_blocks("restore"):
        paths |= set(re.findall(r"(?<![\w:/.~$-])/(?:etc|srv|var|usr|opt|home|root|run|tmp|lib)/[\w./-]*", block))
    assert paths, "no system paths found: the guide's install blocks are missing"
    assert [path for path in sorted(paths) if not path.startswith(SYSTEM_PATHS)] == []


def in_scratch(text, scratch):
    """`text` with the guide's system paths under `scratch` (a path already there is left alone)."""
    for path in SYSTEM_PATHS:
        text = re.sub(rf"(?<![\w.-]){re.escape(path)}", f"{scratch}{path}", text)
    return text


def read_environment_file(path):
    """KEY=value lines as systemd's EnvironmentFile= reads them (the guide's file has no quotes); last wins."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def unit_directives(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if re.match(r"^[A-Z]\w*=", line))


@pytest.fixture(scope="module")
def scratch_database():
    """A database of the guide's own: a new PostgreSQL database when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_install_guide"
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@dataclass
class Installed:
    scratch: Path
    calls: list
    environment_file: Path
    settings: dict
    client: NginxClient
    shell_environment: dict


def bare_debian(scratch):
    """What a Debian 12 machine has before the guide's steps: systemd's unit directory, and what Debian's nginx
    package (installed by step 1) leaves in /etc/nginx: its nginx.conf, mime.types and the default site."""
    (scratch / "etc" / "systemd" / "system").mkdir(parents=True)
    etc = scratch / "etc" / "nginx"
    for directory in ("conf.d", "modules-enabled", "sites-available", "sites-enabled"):
        (etc / directory).mkdir(parents=True)
    for directory in ("run", "var/log/nginx", "var/lib/nginx", "var/www/html"):
        (scratch / directory).mkdir(parents=True)
    user = "root" if os.geteuid() == 0 else "www-data"
    (etc / "nginx.conf").write_text(DEBIAN_NGINX_CONF.format(user=user, scratch=scratch))
    (etc / "conf.d" / "temp-paths.conf").write_text(TEMP_PATHS_CONF.format(scratch=scratch))
    shutil.copy(nginx_mime_types(NGINX), etc / "mime.types")
    default_site = DEBIAN_DEFAULT_SITE.replace("/var/www/html", f"{scratch}/var/www/html")
    (etc / "sites-available" / "default").write_text(default_site)
    (etc / "sites-enabled" / "default").symlink_to(etc / "sites-available" / "default")


@pytest.fixture(scope="module")
def installed(nginx, tmp_path_factory, scratch_database):
    if os.geteuid() != 0:
        pytest.skip("the guide's steps run as root (they create files as other users); run the tests as root")
    scratch = tmp_path_factory.mktemp("install")
    calls_file = scratch / "calls.log"
    bare_debian(scratch)
    environment_file = scratch / "etc" / "citynews" / "citynews.env"
    app_port = free_port()
    shell_environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(scratch)),
        "LANG": "C.UTF-8",
        "SCRATCH": str(scratch),
        "SOURCE": str(BASE_DIR),
        "CALLS": str(calls_file),
        "NGINX_BINARY": NGINX,  # not NGINX: nginx reads that variable for inherited sockets
        "MOVE_PATHS": "; ".join(rf"s#\([^A-Za-z0-9_.-]\){path}#\1{scratch}{path}#g" for path in SYSTEM_PATHS),
        "OPENSSL": OPENSSL,
        # deploy/manage.sh reads the guide's settings file from its place in the scratch directory.
        "CITYNEWS_ENV_FILE": str(environment_file),
    }
    overridden = False
    for number, block in enumerate(guide_blocks("install"), start=1):
        result = run_block(block, scratch, shell_environment)
        assert result.returncode == 0, f"install block {number} failed:\n{block}\n{result.stdout}\n{result.stderr}"
        if environment_file.exists() and not overridden:
            # This machine's database, no Redis (the file cache), and a free port for gunicorn. Later lines
            # win, for systemd and the shell alike.
            with environment_file.open("a") as file:
                file.write(f"DATABASE_URL={scratch_database or f'sqlite:///{scratch}/citynews.sqlite3'}\n")
                file.write(f"REDIS_URL=\nGUNICORN_BIND=127.0.0.1:{app_port}\nWEB_CONCURRENCY=1\n")
            overridden = True
    assert overridden, "no install block wrote /etc/citynews/citynews.env"

    # gunicorn as citynews.service runs it.
    unit = unit_directives(scratch / "etc" / "systemd" / "system" / "citynews.service")
    settings = read_environment_file(Path(in_scratch(unit["EnvironmentFile"], scratch)))
    log = scratch / "gunicorn.log"
    with open(log, "wb") as out:
        app = subprocess.Popen(
            shlex.split(in_scratch(unit["ExecStart"], scratch)),
            cwd=in_scratch(unit["WorkingDirectory"], scratch),
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"} | settings,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # nginx with the site file step 9 installed, on free ports.
        ports = Ports.free(app=app_port)
        site = scratch / "etc" / "nginx" / "sites-available" / "citynews"
        site.write_text(in_scratch(substitute(site.read_text(), listen_on(ports), name=str(site)), scratch))
        client = NginxClient(ports, scratch / "etc" / "letsencrypt" / "live" / HOST / "fullchain.pem")
        with running_nginx(nginx, scratch / "etc" / "nginx" / "nginx.conf", scratch, ports):
            wait_until_up(app, lambda: client.request("GET", "/healthz", https=False).status == 200, "gunicorn", log)
            calls = calls_file.read_text().splitlines()
            yield Installed(scratch, calls, environment_file, settings, client, shell_environment)
    finally:
        stop(app)


def test_the_guide_installs_a_site_that_nginx_serves(installed):
    home = installed.client.request("GET", "/")
    assert home.status == 200
    page = BeautifulSoup(home.body, "html.parser")
    assert page.title.get_text(strip=True).startswith("citynews")
    assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")  # the production profile
    stylesheet = installed.client.request("GET", page.find("link", rel="stylesheet")["href"])
    assert (stylesheet.status, stylesheet.headers["Content-Type"]) == (200, "text/css")
    health = installed.client.request("GET", "/healthz", https=False)
    assert (health.status, health.body) == (200, b"ok")


def test_a_story_and_its_photo_come_from_the_installed_roots(installed):
    manage = installed.scratch / "srv" / "citynews" / "app" / "deploy" / "manage.sh"
    result = subprocess.run(
        [str(manage), "load_demo"],
        env={"PATH": os.environ["PATH"], "CITYNEWS_ENV_FILE": str(installed.environment_file)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    home = BeautifulSoup(installed.client.request("GET", "/?after-demo").body, "html.parser")
    story = installed.client.request("GET", home.select_one(f'a[href$="/{DEMO_SLUG}/"]')["href"])
    assert story.status == 200
    photo = BeautifulSoup(story.body, "html.parser").find("img", src=re.compile(r"^/media/"))
    image = installed.client.request("GET", photo["src"])
    assert (image.status, image.headers["Content-Type"]) == (200, "image/jpeg")
    # From the MEDIA_ROOT the guide set, by nginx (the app runs with SERVE_MEDIA=0).
    media_root = Path(installed.settings["MEDIA_ROOT"])
    assert media_root.is_relative_to(installed.scratch / "srv" / "citynews")
    assert image.body == (media_root / photo["src"].removeprefix("/media/")).read_bytes()


def test_the_guide_starts_the_service_and_its_timers_and_creates_the_database(installed):
    assert (
        "systemctl enable --now citynews.service citynews-orphans.timer citynews-backup.timer citynews-staged.timer"
        in installed.calls
    )
    assert "createdb --owner citynews citynews" in installed.calls
    assert in_scratch("adduser --system --group --home /srv/citynews citynews", installed.scratch) in installed.calls
    installed_units = sorted(path.name for path in (installed.scratch / "etc" / "systemd" / "system").iterdir())
    assert installed_units == sorted(UNITS)
    assert installed.settings["SERVE_MEDIA"] == "0"
    assert installed.settings["CITYNEWS_PRODUCTION"] == "1"
    assert len(installed.settings["SECRET_KEY"]) >= 50


def run_unit(installed, name):
    """A oneshot unit's ExecStart, run as systemd would: in its WorkingDirectory with its EnvironmentFile."""
    unit = unit_directives(installed.scratch / "etc" / "systemd" / "system" / name)
    # systemd turns %% and $$ into % and $ before running the command.
    command = in_scratch(unit["ExecStart"], installed.scratch).replace("%%", "%").replace("$$", "$")
    return subprocess.run(
        shlex.split(command),
        cwd=in_scratch(unit["WorkingDirectory"], installed.scratch),
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"} | installed.settings,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_orphan_sweep_runs_as_its_unit_says(installed):
    photos = Path(installed.settings["MEDIA_ROOT"]) / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    orphan = photos / "left-by-a-killed-worker.jpg"
    orphan.write_bytes(b"not a photo anybody uses")
    two_days_ago = time.time() - 2 * 86400
    os.utime(orphan, (two_days_ago, two_days_ago))
    result = run_unit(installed, "citynews-orphans.service")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not orphan.exists()


@postgres_only
def test_the_backup_runs_as_its_unit_says_and_the_guide_restores_it(installed):
    backups = installed.scratch / "var" / "backups" / "citynews"
    before = set(backups.iterdir())
    result = run_unit(installed, "citynews-backup.service")
    assert result.returncode == 0, result.stdout + result.stderr
    (written,) = set(backups.iterdir()) - before
    assert re.fullmatch(r"\d{8}T\d{6}Z", written.name)  # the unit's $(date -u +%Y%m%dT%H%M%SZ)
    assert sorted(path.name for path in written.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.sha256",
        "media.tar.gz",
    ]

    # A story published after the backup; the guide's restore steps bring the site back to before it.
    manage = [str(installed.scratch / "srv" / "citynews" / "app" / "deploy" / "manage.sh"), "shell", "-c"]
    code = (
        "from django.utils import timezone; from articles.models import Article; "
        "Article.objects.create(title='Published after the backup', slug='published-after-the-backup', "
        "standfirst='S.', body='<p>B.</p>', source_name='Shenzhen Daily', status='published', "
        "published_at=timezone.now())"
    )
    environment = {"PATH": os.environ["PATH"], "CITYNEWS_ENV_FILE": str(installed.environment_file)}
    created = subprocess.run([*manage, code], env=environment, capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stdout + created.stderr
    assert b"Published after the backup" in installed.client.request("GET", "/?before-restore").body

    (restore,) = guide_blocks("restore")
    assert "BACKUP=/var/backups/citynews/20260101T030000Z\n" in restore
    restore = restore.replace("/var/backups/citynews/20260101T030000Z", str(written))
    result = run_block(restore, installed.scratch, installed.shell_environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restore.sh: database and media restored from" in result.stdout + result.stderr
    assert b"Published after the backup" not in installed.client.request("GET", "/?after-restore").body


def test_systemd_accepts_the_installed_units(installed):
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze not found (Debian's systemd package has it): the units are not verified")
    # The units with their paths in the scratch install, so systemd finds every program they run.
    directory = installed.scratch / "verify"
    directory.mkdir()
    for name in UNITS:
        text = (installed.scratch / "etc" / "systemd" / "system" / name).read_text()
        (directory / name).write_text(in_scratch(text, installed.scratch))
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *(str(directory / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 on some problems it only warns about: any output is a finding.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def variables_read_by_the_code():
    names = set()
    for path in (BASE_DIR / "citynews" / "settings.py", BASE_DIR / "deploy" / "gunicorn.conf.py"):
        text = path.read_text()
        names |= set(re.findall(r"\b(?:env_\w+|os\.environ\.get|os\.getenv)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
        names |= set(re.findall(r"os\.environ\[\s*[\"']([A-Z][A-Z0-9_]*)[\"']\s*\]", text))
        if "dj_database_url.config(" in text:
            names.add("DATABASE_URL")  # its default variable
    return names


def test_the_settings_table_names_every_variable_the_code_reads():
    section = GUIDE.read_text().split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.MULTILINE)
    assert len(rows) == len(set(rows)), "a variable has two rows"
    assert variables_read_by_the_code() - set(rows) == set(), "read by the code, missing from the table"
    assert set(rows) - variables_read_by_the_code() == set(), "in the table, no longer read by the code"

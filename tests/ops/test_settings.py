"""citynews/settings.py read from the environment, as a server's process reads it."""

import json

from django.conf import settings

from .conftest import run_manage

PROBE = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({"engine": database["ENGINE"], "name": str(database["NAME"])}))
"""


def database_in_a_fresh_process(**environment):
    probe = run_manage(environment, "shell", "--no-imports", "-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    return json.loads(probe.stdout.splitlines()[-1])


def test_an_empty_database_url_means_the_embedded_sqlite_default():
    database = database_in_a_fresh_process(DATABASE_URL="")
    assert database == {"engine": "django.db.backends.sqlite3", "name": str(settings.BASE_DIR / "db.sqlite3")}


def test_a_database_url_chooses_postgresql():
    database = database_in_a_fresh_process(DATABASE_URL="postgres://postgres@127.0.0.1:5432/citynews_elsewhere")
    assert database == {"engine": "django.db.backends.postgresql", "name": "citynews_elsewhere"}

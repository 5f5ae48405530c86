"""citynews.wsgi: what a WSGI server's master process loads once for every worker it forks."""

import json
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, sys
import citynews.wsgi
from django.db import connections
from django.template import engines
from citynews import fragments

readers = engines["jinja2"].env
print(json.dumps({
    "views_imported": all(name in sys.modules for name in ("articles.views", "awards.views", "awards.story_api")),
    "templates": len(readers.list_templates()),
    "compiled": len(readers.cache),
    "release_known": fragments.release.cache_info().currsize == 1,
    "open_connections": [alias for alias in connections if connections[alias].connection is not None],
}))
"""


def test_importing_the_wsgi_module_loads_views_and_templates_but_opens_no_database_connection():
    """Under gunicorn's preload_app a connection opened here would be shared by every forked worker."""
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(probe.stdout.splitlines()[-1])
    assert loaded["views_imported"] and loaded["release_known"]
    assert loaded["templates"] > 20 and loaded["compiled"] == loaded["templates"]
    assert loaded["open_connections"] == []

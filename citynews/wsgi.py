"""
The WSGI application of citynews, for gunicorn (deploy/gunicorn.conf.py) and any WSGI server.

Importing this module also loads what every request needs and would otherwise load on a worker's first
requests (``load_what_every_worker_needs``): under gunicorn's ``preload_app`` the master imports it
once and every worker it forks, including each replacement after ``max_requests``, starts with it.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citynews.settings")

application = get_wsgi_application()


def load_what_every_worker_needs():
    """Import every view, build the URL tables and compile the readers' templates now: about 0.3, 0.07 and
    0.2 s that a fresh worker spent on its first requests (bench data, 2026-11-29), every ten thousand
    requests under load. No database connection is opened: forked workers must not share one."""
    from django.template import engines
    from django.urls import URLResolver, get_resolver

    from citynews import fragments

    def build_reverse_tables(resolver):
        # Reading the property imports the URLconf (every view) and builds what reverse() looks names up in.
        resolver.reverse_dict  # noqa: B018
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                build_reverse_tables(pattern)

    build_reverse_tables(get_resolver())
    readers_templates = engines["jinja2"].env
    for name in readers_templates.list_templates():
        readers_templates.get_template(name)
    fragments.release()


load_what_every_worker_needs()

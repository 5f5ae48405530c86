"""Error responses that must work when the rest of the site does not.

Everything here renders standalone templates (no request context, so no context processors and no
database): the 500 page when the database is the thing that failed, the 503 page while it is down,
the CSRF failure page, and the pages nginx serves itself: 429 to a client searching too fast, 502, 503
and 504 while the app cannot answer (written to files at deploy time by `manage.py write_error_pages`).
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

from . import metrics

logger = logging.getLogger(__name__)

# The statuses nginx answers by itself (deploy/nginx.conf's error_page): a client searching too fast (429), and
# gunicorn down or too slow.
PROXY_ERROR_STATUSES = (429, 502, 503, 504)

# What a lost, refused or timed-out database connection raises; programming errors are not in here.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def render_standalone(template_name, status, context=None):
    return HttpResponse(loader.render_to_string(template_name, context or {}), status=status)


def service_unavailable(request):
    response = render_standalone("503.html", status=503)
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: a database outage raised outside a view still gets the 503 page, not a 500."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE_ERRORS):
        metrics.database_errors.inc()
        return service_unavailable(request)
    return render_standalone("500.html", status=500)


def csrf_failure(request, reason=""):
    logger.warning("CSRF verification failed for %s: %s", request.path, reason)
    return render_standalone("403_csrf.html", status=403)


def write_proxy_error_pages(directory):
    """Render the pages nginx serves for PROXY_ERROR_STATUSES into `directory` as <status>.html.

    Rendered with the deployed static files' hashed names, so their stylesheet is the one nginx serves
    from /static/ while the app is down. Returns the paths written.
    """
    pages = {status: loader.render_to_string(f"{status}.html") for status in PROXY_ERROR_STATUSES}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for status, html in pages.items():
        path = directory / f"{status}.html"
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written

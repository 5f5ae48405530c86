"""Middleware that turns a database outage into the 503 page instead of a traceback."""

import logging

from . import metrics
from .errors import DATABASE_UNAVAILABLE_ERRORS, service_unavailable

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Readers get the 503 page with Retry-After while the database is down or unreachable.

    process_exception sees errors raised by views and by rendering their templates (context
    processors included); citynews.errors.server_error covers the rest.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            return None
        metrics.database_errors.inc()
        logger.error("Database unavailable while serving %s: %s", request.path, exception)
        return service_unavailable(request)

"""
Anonymous readers' pages read from a PostgreSQL streaming replica; everything else uses the primary.

Active when ``DATABASE_REPLICA_URL`` is set (settings.py adds the ``replica`` database and this
router). ``ReplicaForReadersMiddleware`` marks a request as a reader's when it is a GET or HEAD with
no session cookie (editors, contributors and previews always have one), outside the admin and the
health checks, and without the cookie a write leaves behind (``REPLICA_PIN_SECONDS``: someone who
just posted a form, or signed out after a save, sees their own change). Only such a request's reads
go to the replica; writes, management commands and everything else use the primary.

Three things keep a reader on the primary instead:
- a content change in the last ``REPLICA_LAG_ALLOWANCE_SECONDS`` (the page cache's generation
  says when): a page rendered from a replica that has not replayed a publish yet would otherwise be
  cached as the new page;
- a replica that cannot be reached, checked at the start of each reader's request (Django's health
  check of the persistent connection, or a new connection with a short ``connect_timeout``),
  after which this process leaves it alone for ``REPLICA_RETRY_SECONDS``. A replica that dies in
  the middle of a page fails that one page (the 503 page); the next request finds it down.
"""

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

from .pagecache import current_generation

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "citynews_primary"
SAFE_METHODS = ("GET", "HEAD")
PRIMARY_ONLY_PREFIXES = ("/admin/", "/preview/", "/healthz", "/readyz")

_reads_from_replica = contextvars.ContextVar("reads_from_replica", default=False)
_replica_down_until = 0.0


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reads_from_replica.get() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's own rows: an object read from one may point at one from the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def replica_is_usable():
    """True if the replica answers; otherwise log it once and keep away from it for REPLICA_RETRY_SECONDS."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    try:
        # A persistent connection left from an earlier request is checked (SELECT 1), a new one is opened.
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as error:
        mark_replica_down(error)
        return False
    return True


def mark_replica_down(error):
    global _replica_down_until
    _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    logger.warning(
        "Read replica unavailable, readers use the primary for %s s: %s",
        settings.REPLICA_RETRY_SECONDS,
        str(error).strip(),
    )
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def content_changed_recently():
    generation = current_generation()  # the time of the last content change, in nanoseconds
    return time.time() - generation / 1e9 < settings.REPLICA_LAG_ALLOWANCE_SECONDS


class ReplicaForReadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_readers_request(request) or content_changed_recently() or not replica_is_usable():
            response = self.get_response(request)
        else:
            token = _reads_from_replica.set(True)
            try:
                response = self.get_response(request)
            finally:
                _reads_from_replica.reset(token)
        if request.method not in SAFE_METHODS:
            # Whoever just wrote reads their own write: the primary for their next pages.
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def is_readers_request(request):
        return (
            request.method in SAFE_METHODS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and PIN_COOKIE not in request.COOKIES
            and not request.path.startswith(PRIMARY_ONLY_PREFIXES)
        )

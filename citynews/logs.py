"""Logs an operator can use: one JSON line per event, with the request's id and the reader's address.

- ``RequestContextMiddleware`` takes the request id nginx sends (``X-Request-ID``) or makes one,
  echoes it in the response, and keeps it and the reader's address for every line logged meanwhile
  (``RequestContextFilter``).
- ``RepeatedErrorFilter`` lets one of a run of identical errors through per interval (a database
  that is down fails every request the same way) and says how many it held back.
- ``GunicornLogger`` (deploy/gunicorn.conf.py's ``logger_class``) writes gunicorn's access and error
  logs in the same shape. This module is imported by gunicorn's master before Django is set up.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from gunicorn.glogging import Logger as GunicornBaseLogger
from pythonjsonlogger.json import JsonFormatter

current_request_id = ContextVar("current_request_id", default=None)
current_client = ContextVar("current_client", default=None)

# What nginx's $request_id looks like, and other tracing ids; anything else is replaced, not logged.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def client_address(meta):
    """The reader's address, from a WSGI environ or request.META.

    Behind deploy/nginx.conf (TRUST_X_FORWARDED_FOR=1) every request comes from the proxy, which
    appends the address it saw as the last X-Forwarded-For entry; earlier entries are whatever the
    client sent. Without a trusted proxy the header is the client's own say-so and is ignored.
    """
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return meta.get("REMOTE_ADDR")


def request_id_from(meta):
    offered = meta.get("HTTP_X_REQUEST_ID", "")
    return offered if REQUEST_ID_PATTERN.fullmatch(offered) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Outermost: every line logged while serving a request carries its id and the reader's address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.META)
        id_token = current_request_id.set(request.request_id)
        client_token = current_client.set(client_address(request.META))
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(id_token)
            current_client.reset(client_token)
        response["X-Request-ID"] = request.request_id
        return response


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        if not hasattr(record, "client"):
            record.client = current_client.get()
        return True


class RepeatedErrorFilter(logging.Filter):
    """Errors identical to one logged less than ``interval`` seconds ago are counted, not logged.

    Identical: same logger, level and message template, and the same exception (type and text),
    whatever the other arguments (the path that failed). The next one logged after the interval
    carries ``repeated``: how many were held back. Warnings and below always pass.
    """

    def __init__(self, interval=60):
        super().__init__()
        self.interval = interval
        self.last_logged = {}
        self.held_back = {}

    def filter(self, record):
        if record.levelno < logging.ERROR:
            return True
        key = self.key_for(record)
        now = time.monotonic()
        last = self.last_logged.get(key)
        if last is not None and now - last < self.interval:
            self.held_back[key] = self.held_back.get(key, 0) + 1
            return False
        if len(self.last_logged) > 1000:
            self.last_logged.clear()
        self.last_logged[key] = now
        held_back = self.held_back.pop(key, 0)
        if held_back:
            record.repeated = held_back
        return True

    @staticmethod
    def key_for(record):
        error = record.exc_info[1] if record.exc_info else None
        if error is None and isinstance(record.args, tuple):
            error = next((arg for arg in record.args if isinstance(arg, BaseException)), None)
        described = f"{type(error).__name__}: {error}" if error is not None else None
        return (record.name, record.levelno, str(record.msg), described)


class JsonLineFormatter(JsonFormatter):
    """{"time": ..., "level": ..., "logger": ..., "message": ..., extra fields...}; a traceback stays on its line."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
            json_ensure_ascii=False,
        )


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logs as JSON lines; the access line names the reader and the request id."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonLineFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        path = environ.get("PATH_INFO", "") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        self.access_log.info(
            "%s %s %s",
            environ.get("REQUEST_METHOD"),
            path,
            resp.status_code,
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "path": path,
                "status": resp.status_code,
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "client": client_address(environ),
                "request_id": headers.get("x-request-id"),
                "user_agent": environ.get("HTTP_USER_AGENT"),
                "referer": environ.get("HTTP_REFERER"),
            },
        )

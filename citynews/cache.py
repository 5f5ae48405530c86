"""A cache that may fail: any error of the cache server is a miss, never a reader-facing error.

``FailSoftCache`` wraps a real cache backend (django-redis with short socket timeouts in production,
files on one machine) through Django's public cache API. When the server refuses, times out or is
gone, the operation answers as a miss (a read) or as not done (a write), the failure is logged once,
and for ``RETRY_SECONDS`` this process does not ask the server again: a hung Redis costs one timeout
per process per interval, not one per cache call of every request. The first success after that
sends ``cache_available_again`` before anything is read, so the page cache can drop what may have
gone stale meanwhile.

django-redis keeps one redis-py client per server for the life of the process (a request does not
build a client per call), and redis-py's connection pool starts afresh in each forked worker.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.dispatch import Signal
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from . import metrics

logger = logging.getLogger(__name__)

# What a cache server that is down, hung or out of disk raises; a programming error is not in here.
CACHE_SERVER_ERRORS = (RedisError, OSError)

cache_available_again = Signal()


class FailSoftCache(BaseCache):
    """CACHES entry: {"BACKEND": "citynews.cache.FailSoftCache", "OPTIONS": {"CACHE": {...a cache...}}}.

    OPTIONS["RETRY_SECONDS"] (default 5) is how long the cache is left alone after a failure. Keys
    are passed on as they are: a key prefix, version or default timeout belongs to the inner cache.
    """

    def __init__(self, location, params):
        options = dict(params.get("OPTIONS", {}))
        inner = options.pop("CACHE")
        self.retry_seconds = options.pop("RETRY_SECONDS", 5)
        super().__init__({**params, "OPTIONS": options})
        self.backend = import_string(inner["BACKEND"])(inner.get("LOCATION", ""), inner)
        self.unavailable_until = 0.0
        self.failing_since = None

    def _call(self, operation, failed_result, *args, **kwargs):
        if time.monotonic() < self.unavailable_until:
            return failed_result
        try:
            if self.failing_since is not None:
                # A round trip before anything read is trusted: listeners to cache_available_again
                # drop what may have gone stale during the outage before this operation reads it.
                self.backend.has_key("health:probe")
                self._record_recovery()
            return getattr(self.backend, operation)(*args, **kwargs)
        except CACHE_SERVER_ERRORS as error:
            self._record_failure(operation, error)
            return failed_result

    def _record_failure(self, operation, error):
        metrics.cache_errors.labels(operation=operation).inc()
        self.unavailable_until = time.monotonic() + self.retry_seconds
        if self.failing_since is None:
            self.failing_since = time.monotonic()
            logger.error(
                "Cache unavailable (%s on %s: %s): pages are served uncached; next try in %s s",
                type(error).__name__,
                operation,
                error,
                self.retry_seconds,
            )

    def _record_recovery(self):
        outage = time.monotonic() - self.failing_since
        self.failing_since = None
        logger.warning("Cache available again after %.1f s", outage)
        cache_available_again.send(sender=type(self), cache=self)

    @property
    def available(self):
        """False from a failure until the cache answers again (the failure itself is logged once)."""
        return self.failing_since is None

    def check(self):
        """A real round trip, skipping the retry interval: None if it worked, otherwise what failed."""
        try:
            self.backend.set("health:probe", 1, timeout=10)
            self.backend.get("health:probe")
        except CACHE_SERVER_ERRORS as error:
            return f"{type(error).__name__}: {error}"
        return None

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout=timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version=version)

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError, as with every backend; a server that is down does too.
        result = self._call("incr", _FAILED, key, delta, version=version)
        if result is _FAILED:
            raise ValueError(f"Key {key!r} not found (the cache is unavailable)")
        return result

    def clear(self):
        return self._call("clear", None)

    def close(self, **kwargs):
        return self._call("close", None, **kwargs)


_FAILED = object()

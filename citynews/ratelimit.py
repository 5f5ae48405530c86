"""A per-client request limit for the public API, counted in the shared cache so all workers and servers agree.

Fixed windows: each client (its address, as the login throttle sees it) may make ``API_RATE_LIMIT`` requests
per ``API_RATE_LIMIT_WINDOW`` seconds; past that the answer is a 429 saying when to come back. It sits outside
the page cache, so a cached answer counts too. A cache that is down or failing lets every request through: an
outage of the counter must not become an outage of the API.
"""

import json
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from redis.exceptions import RedisError

from .security import client_ip_address

logger = logging.getLogger(__name__)


class ApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.API_RATE_LIMIT
        if limit <= 0 or not request.path.startswith(settings.API_RATE_LIMIT_PREFIXES):
            return self.get_response(request)
        window = settings.API_RATE_LIMIT_WINDOW
        now = time.time()
        window_ends = (int(now // window) + 1) * window
        count = self.count_request(f"api-rate:{client_ip_address(request)}:{window_ends}", window)
        retry_after = max(1, int(window_ends - now))
        if count is not None and count > limit:
            return self.too_many_requests(limit, window, retry_after)
        response = self.get_response(request)
        if count is not None:
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(max(limit - count, 0))
            response["RateLimit-Reset"] = str(retry_after)
        return response

    @staticmethod
    def count_request(key, window):
        """This request's number in its window, or None when the cache cannot count."""
        cache = caches[settings.API_RATE_LIMIT_CACHE]
        try:
            cache.add(key, 0, timeout=window + 1)
            if not getattr(cache, "available", True):
                # citynews.cache turns the failure into a miss and logs it once per outage.
                return None
            try:
                return cache.incr(key)
            except ValueError:  # the window's key expired between add() and incr()
                cache.set(key, 1, timeout=window + 1)
                return 1
        except (RedisError, OSError) as error:
            logger.warning("API rate limit not applied, the cache failed: %s", error)
            return None

    @staticmethod
    def too_many_requests(limit, window, retry_after):
        detail = (
            f"Too many requests: this API allows {limit} requests every {window} seconds from one client. "
            f"Try again in {retry_after} seconds."
        )
        response = HttpResponse(json.dumps({"detail": detail}), status=429, content_type="application/json")
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response

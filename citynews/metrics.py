"""Prometheus metrics (prometheus-client): what they count, the middleware that times requests, and /metrics.

Under gunicorn every worker is its own process: deploy/gunicorn.conf.py points
PROMETHEUS_MULTIPROC_DIR at a fresh directory before the app is loaded, each process writes its
counts there, and /metrics adds them up, whichever worker answers. /metrics answers only a request
carrying ``Authorization: Bearer <METRICS_TOKEN>``; without METRICS_TOKEN it does not exist (404).
"""

import hmac
import os
import time

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

requests = Counter(
    "citynews_http_requests", "Requests answered, by view, method and status.", ["view", "method", "status"]
)
request_duration = Histogram(
    "citynews_http_request_duration_seconds",
    "Time from the request's arrival in Django to its response, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
page_cache_lookups = Counter("citynews_page_cache_lookups", "Anonymous page-cache lookups, by result.", ["result"])
fragment_lookups = Counter(
    "citynews_fragment_lookups",
    "Rendered fragments looked up (citynews.fragments), by kind and result.",
    ["kind", "result"],
)
cache_errors = Counter(
    "citynews_cache_errors", "Cache operations that failed (server down, hung, full).", ["operation"]
)
database_errors = Counter("citynews_database_errors", "Requests that found the database unavailable.")


def view_name(request):
    """The URL pattern's name ('articles:detail'), the same for every story; 'page-cache' for a cached page."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    if getattr(request, "served_from_page_cache", False):
        return "page-cache"
    return "unresolved"


class RequestMetricsMiddleware:
    """Outside the page cache, so that cached pages are counted and timed too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_name(request)
        request_duration.labels(view=view).observe(time.perf_counter() - started)
        requests.labels(view=view, method=request.method, status=str(response.status_code)).inc()
        return response


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@never_cache
def metrics_view(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(offered.encode(), token.encode()):
        response = HttpResponse("a metrics token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)

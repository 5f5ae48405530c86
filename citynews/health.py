"""Probes for a load balancer: /healthz (the process answers) and /readyz (and reaches the database).

The cache is reported but never fails /readyz: without it pages are served uncached (citynews.cache),
slower but correct, so taking every server out of the balancer would only make things worse.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import metrics


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        metrics.database_errors.inc()
        response = HttpResponse("database unavailable", status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
        return response
    cache_problem = caches[settings.PAGE_CACHE_ALIAS].check()
    if cache_problem:
        return HttpResponse(
            f"ready, cache degraded ({cache_problem}): pages are served uncached",
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse("ready", content_type="text/plain; charset=utf-8")

"""Floor views for the benchmark: what Django itself costs, without our pages' work."""

from django.http import HttpResponse


def plain(request):
    return HttpResponse("ok", content_type="text/plain")

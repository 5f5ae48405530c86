"""Floor views for the benchmark: what Django itself costs, without our pages' work."""

from django.http import HttpResponse
from django.template import engines

from articles.models import Section

# A tiny page from the same template engine the site uses, so the floor includes its start-up.
ONE_QUERY_TEMPLATE = engines["jinja2"].from_string(
    "<!doctype html><title>{{ section.name }}</title><p>{{ section.slug }}</p>"
)


def plain(request):
    return HttpResponse("ok", content_type="text/plain")


def one_query(request):
    """The issue's second floor: one query and a tiny template."""
    return HttpResponse(ONE_QUERY_TEMPLATE.render({"section": Section.objects.order_by("pk").first()}, request))

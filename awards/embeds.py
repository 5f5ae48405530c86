"""Embeddable rank-history charts: a city's place in a ranking by year, as SVG and PNG at stable addresses.

These are the only routes other sites may frame or load (CORS, frame-ancestors): each is a picture with its
own title and source line, and nothing else. The PNG is drawn when an editor saves (``render_rank_charts``,
on commit) and stored under a name made from what it shows, so a reader's request only reads a file.
"""

import hashlib
import logging
import threading
from dataclasses import dataclass
from functools import partial
from itertools import groupby

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from citynews.text import xml_text

from . import charts
from .charts import RankPoint, rank_history_png
from .models import RankingEntry

logger = logging.getLogger(__name__)

PNG_FOLDER = "charts/rank-history"
# A picture and nothing else: no scripts, no fetches; its own <style> only; any site may frame it.
EMBED_POLICY = {"default-src": [NONE], "style-src": [UNSAFE_INLINE], "frame-ancestors": ["*"]}


@dataclass(frozen=True)
class RankChart:
    city_name: str
    ranking_title: str
    publisher: str
    points: tuple

    @property
    def title(self):
        return f"{self.city_name}: {self.ranking_title}, rank by year"

    @property
    def source_line(self):
        publisher = self.publisher.strip() or "publisher not named"
        return f"Source: {publisher}. Chart: {settings.SITE_NAME}"

    @property
    def png_name(self):
        drawn = repr((self.title, self.source_line, self.points)).encode()
        return f"{PNG_FOLDER}/{hashlib.sha256(drawn).hexdigest()[:32]}.png"


def chart_from(entries):
    """A chart from one city's entries in one ranking's years, oldest first; the latest year names it."""
    latest = entries[-1]
    points = tuple(RankPoint(entry.ranking.year, entry.position, entry.ranking.field_size) for entry in entries)
    return RankChart(latest.city.name, latest.ranking.title, latest.ranking.publisher, points)


def series_entries():
    return RankingEntry.objects.select_related("ranking", "city").order_by("city_id", "ranking__slug", "ranking__year")


def rank_chart(city_slug, ranking_slug):
    """One query."""
    entries = list(series_entries().filter(city__slug=city_slug, ranking__slug=ranking_slug))
    if not entries:
        raise Http404("This city is not in that ranking.")
    return chart_from(entries)


def embed_urls(city, ranking_slug):
    kwargs = {"city": city.slug, "ranking": ranking_slug}
    return reverse("awards:rank_chart_svg", kwargs=kwargs), reverse("awards:rank_chart_png", kwargs=kwargs)


@require_safe
@xframe_options_exempt
@csp(EMBED_POLICY)
def rank_chart_svg(request, city, ranking):
    chart = rank_chart(city, ranking)
    context = {
        "chart": charts.rank_chart("embed-chart", chart.title, chart.points),
        "source_line": chart.source_line,
        "width": charts.WIDTH,
        "height": charts.EMBED_HEIGHT,
        "title_height": charts.EMBED_TITLE_HEIGHT,
    }
    # An XML document: whatever XML 1.0 cannot carry (in a row saved before the text rule) is dropped.
    svg = xml_text(render_to_string("awards/embed_rank_chart.svg", context))
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_safe
@xframe_options_exempt
@csp(EMBED_POLICY)
def rank_chart_png(request, city, ranking):
    chart = rank_chart(city, ranking)
    try:
        with default_storage.open(chart.png_name, "rb") as stored:
            return HttpResponse(stored.read(), content_type="image/png")
    except FileNotFoundError:
        # Data changed without a save (a raw SQL fix) and manage.py render_rank_charts has not run since:
        # the SVG shows the same thing, and readers' requests never draw images.
        logger.warning("Rank chart %s is not drawn yet; sending the SVG instead", chart.png_name)
        return redirect("awards:rank_chart_svg", city=city, ranking=ranking)


def render_rank_charts(entries):
    """Draw and store the PNG of every (city, ranking) series among ``entries`` whose picture is new."""
    drawn = 0
    for _, series in groupby(entries, key=lambda entry: (entry.city_id, entry.ranking.slug)):
        chart = chart_from(list(series))
        if not default_storage.exists(chart.png_name):
            png = rank_history_png(chart.title, chart.source_line, chart.points)
            default_storage.save(chart.png_name, ContentFile(png))
            drawn += 1
    return drawn


# Per thread: the series waiting to be drawn, and whether a request is being answered.
_state = threading.local()


def render_after_commit(city_ids=(), ranking_slugs=()):
    """Redraw the charts of these cities and rankings once the editor's change is committed.

    Within a request the drawing waits until the response has been sent (``request_finished``): an import
    of 300 cities redraws 300 charts, and the editor need not watch that happen.
    """
    transaction.on_commit(partial(_committed, set(city_ids), set(ranking_slugs)), robust=True)


def _committed(city_ids, ranking_slugs):
    if not hasattr(_state, "series"):
        _state.series = {"cities": set(), "rankings": set()}
    _state.series["cities"].update(city_ids)
    _state.series["rankings"].update(ranking_slugs)
    if not getattr(_state, "in_request", False):
        draw_pending()


def draw_pending():
    """Draw the series whose changes were committed since the last drawing, each once."""
    pending = _state.__dict__.pop("series", None)
    if not pending:
        return
    entries = series_entries()
    if pending["cities"]:
        render_rank_charts(entries.filter(city_id__in=pending["cities"]))
    if pending["rankings"]:
        render_rank_charts(entries.filter(ranking__slug__in=pending["rankings"]))


def request_started(**kwargs):
    _state.in_request = True


def request_finished(**kwargs):
    _state.in_request = False
    draw_pending()


def redraw_on_save(sender, instance, **kwargs):
    """Signal receiver: a ranking, an entry or a city that changed may change what a chart shows."""
    if sender.__name__ == "City":
        render_after_commit(city_ids=[instance.pk])
    elif sender.__name__ == "Ranking":
        render_after_commit(ranking_slugs=[instance.slug])
    else:
        render_after_commit(city_ids=[instance.city_id])

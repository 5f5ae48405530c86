"""The newsroom's dashboard on the admin's front page: the stories waiting, going live and gone live today,
and the facts stories report that have no source to check them against.

It reads both apps, so it lives above them (``articles`` never imports ``awards``); the template tag library
is registered as ``newsroom`` in settings.TEMPLATES.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django import template
from django.utils import timezone

from articles.models import Article
from awards.models import RankingEntry, Recognition

SHOWN = 10

register = template.Library()


@dataclass
class Dashboard:
    drafts: list
    drafts_total: int
    scheduled: list
    published_today: list
    unsourced_recognitions: list
    unsourced_ranks: list


def newsroom_dashboard(now=None):
    now = now or timezone.now()
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    drafts = Article.objects.filter(status=Article.Status.DRAFT).only("title", "updated_at").order_by("-updated_at")
    stories = Article.objects.only("title", "published_at", "status")
    return Dashboard(
        drafts=list(drafts[:SHOWN]),
        drafts_total=drafts.count(),
        scheduled=list(stories.scheduled().order_by("published_at")[:SHOWN]),
        published_today=list(stories.published().filter(published_at__gte=start_of_day).order_by("-published_at")),
        # A programme's website and a ranking's method link are where an editor checks a fact.
        unsourced_recognitions=list(
            Recognition.objects.filter(articles__isnull=False, edition__programme__website="")
            .select_related("edition__programme", "category", "city", "organisation")
            .distinct()[:SHOWN]
        ),
        unsourced_ranks=list(
            RankingEntry.objects.filter(articles__isnull=False, ranking__method_url="")
            .select_related("ranking", "city")
            .distinct()[:SHOWN]
        ),
    )


@register.inclusion_tag("admin/newsroom_dashboard.html", takes_context=True)
def dashboard(context):
    user = context["request"].user
    return {"dashboard": newsroom_dashboard() if user.has_perm("articles.view_article") else None}

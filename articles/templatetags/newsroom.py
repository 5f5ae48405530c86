"""The admin front page's newsroom dashboard."""

from django import template

from articles.dashboard import newsroom_dashboard

register = template.Library()


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def dashboard(context):
    user = context["request"].user
    return {"dashboard": newsroom_dashboard() if user.has_perm("articles.view_article") else None}

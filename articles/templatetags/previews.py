"""Template helpers for previews and dates: ``{{ data|json_ld }}``, ``{% absolute_url path %}``, ``|newsroom_time``."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import dates, previews

register = template.Library()

# The same escapes as django.utils.html.json_script: no "</script>" or "<!--" can survive.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """``data`` as a <script type="application/ld+json"> element, safe whatever its strings contain."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def absolute_url(path):
    return previews.absolute(str(path))


register.filter("newsroom_time", dates.newsroom_time)

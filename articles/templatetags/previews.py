"""Template helpers for rich previews: ``{{ data|json_ld }}`` and ``{% absolute_url path %}``."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from citynews.text import xml_text

from .. import previews

register = template.Library()

# The same escapes as django.utils.html.json_script: no "</script>" or "<!--" can survive.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _plain_text(value):
    # The text rule's characters, as in every output machines read: JSON could escape them, its readers may not.
    if isinstance(value, dict):
        return {key: _plain_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_text(item) for item in value]
    return xml_text(value)


@register.filter
def json_ld(data):
    """``data`` as a <script type="application/ld+json"> element, safe whatever its strings contain."""
    text = json.dumps(_plain_text(data), cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def absolute_url(path):
    return previews.absolute(str(path))


@register.simple_tag
def news_article_json_ld(article):
    return json_ld(previews.news_article_data(article))


@register.simple_tag
def social_image(article):
    return previews.social_image(article)

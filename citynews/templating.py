"""The Jinja2 environment of readers' pages (``templates/``); the admin keeps Django's template language.

Readers' pages are Jinja2 because Django's template language was measured too slow for a list of
story cards: twelve cards cost 2.65 ms as a DTL loop against 0.76 ms as a Jinja2 loop on the same
objects (in-process, ``time.process_time``, 2026-11-29). Escaping is markupsafe's, on by default.

What every template can use besides the context: ``static()``, ``url()``, the request's CSP
nonce as ``csp_nonce()``, and Django's own filters under their usual names (``date``,
``ordinal``, ``intcomma``, ``pluralize``, ``truncatechars``), plus ``regroup``, ``json_ld`` and
``newsroom_time`` (a time with a zone anyone can read: "13:11 (Beijing time, UTC+8)"), and
``article_cards()``, story cards cached as fragments.
"""

import functools
import itertools
import json

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma, ordinal
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import pluralize, truncatechars
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import template_localtime
from jinja2 import Environment, StrictUndefined, pass_context, pass_environment
from markupsafe import Markup

from articles.dates import newsroom_time

from . import fragments
from .text import xml_text

# The same escapes as django.utils.html.json_script: no "</script>" or "<!--" can survive.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def url(name, *args, **kwargs):
    """``url("articles:tag", tag.slug)``: Django's ``{% url %}``."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, format=None):
    """Django's ``date`` filter, in the active time zone as Django's templates show times."""
    return django_date(template_localtime(value), format)


def _plain_text(value):
    # The text rule's characters, as in every output machines read: JSON could escape them, its readers may not.
    if isinstance(value, dict):
        return {key: _plain_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_text(item) for item in value]
    return xml_text(value)


def json_ld(data):
    """``data`` as a ``<script type="application/ld+json">`` element, safe whatever its strings contain."""
    text = json.dumps(_plain_text(data), cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return Markup('<script type="application/ld+json">{}</script>').format(Markup(text))


@pass_environment
def regroup(environment, items, attribute):
    """Django's ``{% regroup %}``: (key, items) for each run of equal keys, in the list's own order.

    Jinja's ``groupby`` sorts by the key first, which would put an archive's years oldest first.
    """

    def key(item):
        return functools.reduce(environment.getattr, attribute.split("."), item)

    return [(grouper, list(members)) for grouper, members in itertools.groupby(items, key=key)]


@pass_environment
def article_cards(environment, articles, heading_level=2, variant=""):
    """Story cards (``includes/cards.html``), each cached under its story's card version (citynews.fragments)."""
    card = environment.get_template("includes/cards.html").module.article_card
    level = min(max(int(heading_level), 1), 6)

    def key_of(article):
        return fragments.key("card", article.pk, getattr(article, "card_version", None), level, variant)

    def render(missing):
        return [card(article, level, variant) for article in missing]

    return Markup("\n").join(fragments.cached_markup_for_each(list(articles), key_of, render))


@pass_context
def csp_nonce(context):
    return str(getattr(context.get("request"), "csp_nonce", ""))


def environment(**options):
    # A misspelt name is an error in the tests, not an empty string on a reader's page.
    env = Environment(**{**options, "undefined": StrictUndefined})
    env.globals.update(
        static=static,
        url=url,
        csp_nonce=csp_nonce,
        article_cards=article_cards,
        site_name=settings.SITE_NAME,
    )
    env.filters.update(
        date=date,
        ordinal=ordinal,
        intcomma=intcomma,
        pluralize=pluralize,
        truncatechars=truncatechars,
        regroup=regroup,
        json_ld=json_ld,
        newsroom_time=newsroom_time,
    )
    return env

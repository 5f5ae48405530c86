"""Ranks on the awards pages: ``|ordinal``, ``{% movement %}`` and ``{% ranking_rows %}``.

Pages with ranks print many of them (a ranking table has a hundred rows or more, a city page a
hundred positions in tables and chart labels), so each piece here is made cheap per row.
"""

from functools import lru_cache

from django import template
from django.contrib.humanize.templatetags import humanize
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter(is_safe=True)
def ordinal(value):
    """Humanize's ordinal ("1st", "22nd"), looked up once per number and language.

    Humanize translates all ten ordinal suffixes on every call, which made it the costliest filter
    of a city's page; the result depends only on the number and the active language.
    """
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return _ordinal(get_language(), number)


@lru_cache(maxsize=4096)
def _ordinal(language, number):
    # The language is not read here: it is an argument to key the cache.
    return humanize.ordinal(number)


NO_PREVIOUS_EDITION = mark_safe(
    '<span aria-hidden="true">–</span><span class="visually-hidden">No previous edition to compare with</span>'
)


@register.simple_tag
def movement(movement):
    """An entry's movement since the previous edition: a symbol for the eye, a sentence for screen readers."""
    if not movement:
        return NO_PREVIOUS_EDITION
    return format_html(
        '<span class="movement movement-{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        movement.kind,
        movement.symbol,
        movement.label,
    )


@register.simple_tag(takes_context=True)
def ranking_rows(context, entries, show_score=True):
    """The rows of a ranking table: position, city, score (unless no entry has one), movement.

    Python rather than a template loop for the same reason as the story cards: a ranking has a
    hundred or more rows, and a loop with an include per row cost more than the queries behind it.
    """
    # Most entries share a movement ("=", "▲ 1"...): each distinct one is drawn once.
    movements = {}
    rows = []
    for entry in entries:
        if entry.movement not in movements:
            movements[entry.movement] = movement(entry.movement)
        score = "–" if entry.score is None else localize(entry.score, use_l10n=context.use_l10n)
        position = localize(entry.position, use_l10n=context.use_l10n)
        score_cell = format_html('<td class="num">{}</td>', score) if show_score else ""
        rows.append((position, entry.city.get_absolute_url(), entry.city.name, score_cell, movements[entry.movement]))
    return format_html_join(
        "\n",
        '<tr><td class="num">{}</td><th scope="row"><a href="{}">{}</a></th>{}<td>{}</td></tr>',
        rows,
    )

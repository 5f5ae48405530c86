"""Story cards: ``{% load cards %}{% article_cards articles heading_level=2 %}``."""

from django import template
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.timezone import template_localtime

register = template.Library()

# The layout width of a card's photo, for the browser to pick a rendition from the srcset.
CARD_PHOTO_SIZES = "(min-width: 52rem) 16rem, 100vw"
# The front page's lead story: two thirds of the page on a wide screen, above the fold, so not lazy.
LEAD_PHOTO_SIZES = "(min-width: 64rem) 44rem, 100vw"


@register.simple_tag(takes_context=True)
def article_cards(context, articles, heading_level=2, variant=""):
    """One ``<article class="card">`` per article: photo, section kicker, title, standfirst, date, source.

    Python rather than an ``{% include %}`` per card: a list page renders dozens of cards, and as
    an include each card cost more than the query that fetched it (the include itself, twenty-odd
    variable lookups, two ``date`` filters each converting the time zone and looking up
    translations, a ``reverse()`` per section link). Django's admin renders its change-list rows
    the same way, with ``format_html``: every value is escaped exactly as the template escaped it.
    """
    heading = f"h{min(max(int(heading_level), 1), 6)}"
    section_urls = {}
    # Month names are lazy translations: resolve each once for the language of this request.
    month_names = {}
    # A story without a photo gets the text-only design (card--text), not an empty photo slot.
    return format_html_join(
        "\n",
        '<article class="card{}">{}<div class="card__text">{}'
        '<{} class="card__title"><a href="{}">{}</a></{}>{}'
        '<p class="meta"><time datetime="{}">{}</time>{}</p></div></article>',
        (
            (
                _classes(article, variant),
                *_card_values(article, heading, context.use_tz, section_urls, month_names, lead=variant == "lead"),
            )
            for article in articles
        ),
    )


def _classes(article, variant):
    classes = f" card--{variant}" if variant else ""
    return classes if article.lead_photo else f"{classes} card--text"


def _card_values(article, heading, use_tz, section_urls, month_names, lead=False):
    url = article.get_absolute_url()
    iso_date, visible_date = _dates(article.published_at, use_tz, month_names)
    return (
        _photo(article, url, lead),
        _kicker(article, section_urls),
        heading,
        url,
        article.title,
        heading,
        format_html('<p class="card__standfirst">{}</p>', article.standfirst) if article.standfirst else "",
        iso_date,
        visible_date,
        format_html('<span class="card__source"> · From {}</span>', article.source_name) if article.source_name else "",
    )


def _photo(article, url, lead=False):
    photo = article.lead_photo
    if photo is None:
        return ""
    sizes = LEAD_PHOTO_SIZES if lead else CARD_PHOTO_SIZES
    srcset = format_html(' srcset="{}" sizes="{}"', photo.srcset, sizes) if photo.renditions else ""
    return format_html(
        '<a class="card__photo" href="{}" tabindex="-1" aria-hidden="true">'
        '<img src="{}"{} width="{}" height="{}" alt="" {} decoding="async"></a>',
        url,
        photo.thumbnail_url,
        srcset,
        photo.width,
        photo.height,
        format_html('fetchpriority="high"') if lead else format_html('loading="lazy"'),
    )


def _kicker(article, section_urls):
    section = article.section
    if section is None:
        return ""
    url = section_urls.get(section.pk)
    if url is None:
        url = section_urls[section.pk] = section.get_absolute_url()
    return format_html('<p class="kicker"><a href="{}">{}</a></p>', url, section.name)


def _dates(published_at, use_tz, month_names):
    """``published_at`` as the template's ``|date:'c'`` and ``|date:"j F Y"`` printed it."""
    if published_at is None:
        return "", ""
    # The same conversion the date filter applies: to the active time zone, unless {% localtime off %}.
    local = template_localtime(published_at, use_tz)
    month = month_names.get(local.month)
    if month is None:
        month = month_names[local.month] = str(MONTHS[local.month])
    return local.isoformat(), f"{local.day} {month} {local.year:04d}"

"""Story cards drawn by ``article_cards()`` (citynews/templating.py, templates/includes/cards.html): markup,
escaping, dates."""

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template, engines
from django.utils import timezone

from articles.models import Article, Photo
from tests.conftest import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db

HOSTILE = '<script>x()</script><img src=x onerror="y()">&amp; "q" \'s\''


def render_cards(articles, heading_level=None):
    arguments = "articles" if heading_level is None else f"articles, heading_level={heading_level}"
    call = f"article_cards({arguments})"
    source = "{{ " + call + " }}"
    html = engines["jinja2"].from_string(source).render({"articles": articles})
    return BeautifulSoup(html, "html5lib")


def listed(*articles):
    """The articles as a list page gets them: the listing queryset, with photos and sections."""
    return list(Article.objects.filter(pk__in=[a.pk for a in articles]).for_listing().order_by("-published_at"))


def test_a_card_shows_the_story_with_its_section_and_source():
    section = make_section(name="Awards", slug="awards")
    article = make_article(title="Shenzhen wins", standfirst="A first prize.", section=section, source_name="Daily")
    page = render_cards(listed(article))
    [card] = page.select("article.card")
    title_link = card.select_one("h2.card__title a")
    assert (title_link.get_text(), title_link["href"]) == ("Shenzhen wins", article.get_absolute_url())
    kicker = card.select_one(".card__text p.kicker a")
    assert (kicker.get_text(), kicker["href"]) == ("Awards", "/section/awards/")
    assert card.select_one("p.card__standfirst").get_text() == "A first prize."
    assert card.select_one("p.meta").get_text().endswith(" · From Daily")
    assert card.select(".card__photo, img") == []  # no photo, no empty link or image


def test_optional_parts_are_left_out_not_left_empty():
    article = make_article(section=None, standfirst="", source_name="")
    [card] = render_cards(listed(article)).select("article.card")
    assert card.select(".kicker, .card__standfirst") == []
    meta = card.select_one("p.meta")
    assert meta.get_text() == meta.time.get_text()  # no " · From"


def test_hostile_text_is_escaped_everywhere_on_a_card():
    section = make_section(name=f"Section {HOSTILE}", slug="hostile")
    article = make_article(
        title=f"Title {HOSTILE}", standfirst=f"Standfirst {HOSTILE}", source_name=f"Source {HOSTILE}", section=section
    )
    page = render_cards(listed(article))
    [card] = page.select("article.card")
    assert card.select("script, img") == []
    assert card.select_one(".card__title a").get_text() == f"Title {HOSTILE}"
    assert card.select_one(".kicker a").get_text() == f"Section {HOSTILE}"
    assert card.select_one(".card__standfirst").get_text() == f"Standfirst {HOSTILE}"
    assert card.select_one(".meta").get_text().endswith(f" · From Source {HOSTILE}")


def test_the_photo_links_to_the_story_with_a_srcset_only_when_there_are_renditions():
    with_renditions = make_article(title="With renditions")
    photo = make_photo(with_renditions, is_lead=True)
    assert photo.renditions
    without = make_article(title="Original only")
    bare = make_photo(without, is_lead=True)
    Photo.objects.filter(pk=bare.pk).update(renditions=[])
    cards = {card.h2.get_text(): card for card in render_cards(listed(with_renditions, without)).select("article")}

    link = cards["With renditions"].select_one("a.card__photo")
    assert (link["href"], link["tabindex"], link["aria-hidden"]) == (with_renditions.get_absolute_url(), "-1", "true")
    img = link.img
    assert img["src"] == photo.thumbnail_url
    assert img["srcset"] == photo.srcset
    assert img["sizes"] == "(min-width: 52rem) 16rem, 100vw"
    assert (img["width"], img["height"], img["alt"]) == (str(photo.width), str(photo.height), "")
    assert (img["loading"], img["decoding"]) == ("lazy", "async")

    img = cards["Original only"].select_one("a.card__photo img")
    assert img["src"] == Photo.objects.get(pk=bare.pk).image.url
    assert not img.has_attr("srcset") and not img.has_attr("sizes")


def test_the_date_is_the_day_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # 17:30 on 31 March in UTC is already 01:30 on 1 April in Shanghai.
    article = make_article(published_at=datetime(2026, 3, 31, 17, 30, tzinfo=UTC))
    time = render_cards(listed(article)).select_one("article.card p.meta time")
    assert (time["datetime"], time.get_text()) == ("2026-04-01T01:30:00+08:00", "1 April 2026")

    with timezone.override("UTC"):
        time = render_cards(listed(article)).select_one("article.card p.meta time")
    assert (time["datetime"], time.get_text()) == ("2026-03-31T17:30:00+00:00", "31 March 2026")


def test_the_date_prints_as_the_date_filter_did():
    article = make_article(published_at=datetime(2026, 1, 5, 9, 4, 3, 120, tzinfo=UTC))
    [article] = listed(article)
    expected = Template("{{ when|date:'c' }}|{{ when|date:'j F Y' }}").render(Context({"when": article.published_at}))
    time = render_cards([article]).select_one("time")
    assert f"{time['datetime']}|{time.get_text()}" == expected


def test_heading_level_and_order():
    first = make_article(title="Newer")
    second = make_article(title="Older")
    page = render_cards(listed(first, second), heading_level=3)
    assert [h.get_text() for h in page.select("article.card > .card__text > h3.card__title")] == ["Newer", "Older"]
    assert page.select("h2") == []


def test_no_articles_no_cards():
    assert render_cards([]).body.decode_contents() == ""

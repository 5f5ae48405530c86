"""The rank helpers of the awards pages: ``|ordinal`` and the ``movement`` and ``ranking_rows`` macros."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.humanize.templatetags import humanize
from django.template import engines

from awards.selectors import Movement, ranking_page
from tests.awards.factories import make_city, make_entry, make_ranking
from tests.conftest import parse

HOSTILE = '<script>alert(1)</script>&amp; "quoted"'


@pytest.mark.parametrize("value", [0, 1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112, 1000, -1, "7", "x", None])
def test_ordinal_is_humanizes_ordinal(value):
    assert engines["jinja2"].from_string("{{ value|ordinal }}").render({"value": value}) == str(humanize.ordinal(value))


def render(source, **context):
    imports = '{% from "awards/includes/ranks.html" import movement, ranking_rows %}'
    return BeautifulSoup(engines["jinja2"].from_string(imports + source).render(context), "html5lib")


@pytest.mark.parametrize(
    "movement, kind, symbol, label",
    [
        (Movement("up", 2), "movement-up", "▲ 2", "Up 2 places since the previous edition"),
        (Movement("down", 1), "movement-down", "▼ 1", "Down 1 place since the previous edition"),
        (Movement("same"), "movement-same", "=", "Same position as the previous edition"),
        (Movement("new"), "movement-new", "New", "New in this edition"),
    ],
)
def test_movement(movement, kind, symbol, label):
    span = render("{{ movement(value) }}", value=movement).select_one("span.movement")
    assert span["class"] == ["movement", kind]
    assert span.select_one("[aria-hidden=true]").get_text() == symbol
    assert span.select_one(".visually-hidden").get_text() == label


def test_no_movement_without_a_previous_edition():
    page = render("{{ movement(value) }}", value=None)
    assert page.select(".movement") == []
    assert page.select_one("[aria-hidden=true]").get_text() == "–"
    assert page.select_one(".visually-hidden").get_text() == "No previous edition to compare with"


@pytest.mark.django_db
def test_ranking_rows_escape_and_link_every_city():
    earlier = make_ranking(slug="digital", year=2019)
    ranking = make_ranking(slug="digital", year=2020)
    hostile = make_city(name=f"City {HOSTILE}")
    plain = make_city(name="Shenzhen")
    make_entry(earlier, city=plain, position=3)
    make_entry(ranking, city=plain, position=1, score=Decimal("91.250"))
    make_entry(ranking, city=hostile, position=2)
    table = ranking_page(ranking, with_stories=False)
    page = render("<table><tbody>{{ ranking_rows(entries) }}</tbody></table>", entries=table.entries)
    rows = page.select("tbody > tr")
    assert [[cell.get_text() for cell in row.select("td, th")][:3] for row in rows] == [
        ["1", "Shenzhen", "91.250"],
        ["2", f"City {HOSTILE}", "–"],
    ]
    assert page.select("script") == []
    assert [row.select_one("th[scope=row] a")["href"] for row in rows] == [
        plain.get_absolute_url(),
        hostile.get_absolute_url(),
    ]
    assert [row.select_one(".movement")["class"][1] for row in rows] == ["movement-up", "movement-new"]


@pytest.mark.django_db
def test_an_empty_ranking_says_so(client):
    ranking = make_ranking(slug="empty", year=2020)
    page = parse(client.get(ranking.get_absolute_url()))
    assert [row.get_text(strip=True) for row in page.select("table.ranking-table tbody tr")] == [
        "No entries recorded yet."
    ]

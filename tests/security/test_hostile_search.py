"""Hostile search queries on both search paths (PostgreSQL full text, SQLite word match): always a page, never a 500.

The PostgreSQL path turns the query into a tsquery; its operators and quoting typed by a reader are text.
"""

import pytest
from django.test import Client

from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db

TSQUERY_METACHARACTERS = [
    "shenzhen & !award",
    "shenzhen | (award",
    "award:* & shen:*A",
    "'shenzhen' <-> 'award'",
    "shenzhen <2> award",
    "!!!shenzhen",
    '"shenzhen award',
    "shenzhen\\ award\\",
    "-shenzhen -award",
    "or or or and not",
    "():*&|!<->'\"",
    "shenzhen's award's",
    "<img src=x onerror=1>",
    "e.g. 5% of 3.5",
]

MIXED_SCRIPTS = [
    "深圳 smart city",
    "город Shenzhen",
    "مدينة Shenzhen ذكية",
    "שנזן city",
    "เซินเจิ้น city",
    "Shenzhen\u200b\u200dcity",
    "e\u0301te\u0301 Shenzhen",
    "Ｓｈｅｎｚｈｅｎ",
    "🏙️ Shenzhen 🌃",
    "\u202eShenzhen\u202c",
]


@pytest.fixture
def stories():
    return [
        make_article(title="Shenzhen wins the smart city award", body="<p>深圳 wins again; город and مدينة too.</p>"),
        make_article(title="Riverton’s night bus", body="<p>Owl Line.</p>"),
    ]


def search_page(query):
    response = Client(raise_request_exception=False).get("/search/", {"q": query})
    assert response.status_code == 200, (query, response.status_code)
    page = parse(response)
    assert page.select_one("main h1").get_text(strip=True) == "Search"
    return page


def found_titles(page):
    return [link.get_text() for link in page.select(".search-result h2 a")]


@pytest.mark.parametrize("query", TSQUERY_METACHARACTERS)
def test_tsquery_operators_typed_by_a_reader_are_text(stories, query):
    page = search_page(query)
    assert page.select("img[onerror]") == []


def test_an_operator_is_never_an_operator():
    make_article(title="Shenzhen wins the smart city award")
    # As tsquery operators these would exclude the story ("!award") or fail to parse; as text they find it.
    assert found_titles(search_page("shenzhen & !award")) == ["Shenzhen wins the smart city award"]


@pytest.mark.parametrize("query", MIXED_SCRIPTS)
def test_mixed_scripts_and_invisible_characters(stories, query):
    search_page(query)


def test_a_chinese_word_in_the_body_is_found(stories):
    assert "Shenzhen wins the smart city award" in found_titles(search_page("深圳"))


@pytest.mark.parametrize(
    "query",
    [
        "shenzhen " * 556,
        "深圳" * 2500,
        "a&b|c!d:*(e) " * 385,
        ("город مدينة 深圳 🏙️ " * 300)[:5000],
        "\u0301" * 5000,
    ],
    ids=["latin words", "chinese", "operators", "mixed scripts", "combining marks"],
)
def test_five_thousand_character_queries(stories, query, django_assert_max_num_queries):
    assert len(query) >= 5000
    with django_assert_max_num_queries(10):
        search_page(query)

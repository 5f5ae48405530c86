from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles import search
from articles.models import Article
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search needs PostgreSQL")
on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="the fallback runs on other databases")


def result_titles(page):
    return [h.get_text() for h in page.select("main .search-result .card__title")]


def test_search_box_on_every_page(client):
    article = make_article()
    for url in ["/", article.get_absolute_url(), "/sections/", "/archive/"]:
        form = parse(client.get(url)).select_one("header form[role=search]")
        assert form["action"] == "/search/" and form["method"] == "get" and form["aria-label"] == "Site search"
        field = form.select_one("input[name=q]")
        assert field["type"] == "search"
        assert form.select_one(f"label[for={field['id']}]").get_text(strip=True) == "Search stories"


def test_finds_title_and_body_matches_and_marks_them(client):
    in_title = make_article(title="Hangzhou wins the lighthouse award", body="<p>Nothing else.</p>")
    in_body = make_article(title="Other news", body="<p>Officials met in <strong>Hangzhou</strong> on Monday.</p>")
    make_article(title="Unrelated", body="<p>Shenzhen</p>")
    response = client.get("/search/", {"q": "hangzhou"})
    assert response.status_code == 200
    page = parse(response)
    assert sorted(result_titles(page)) == sorted([in_title.title, in_body.title])
    marks = [m.get_text() for m in page.select("main .search-result mark")]
    assert "Hangzhou" in marks
    body_result = next(r for r in page.select(".search-result") if r.h2.get_text() == "Other news")
    assert body_result.select_one(".search-result__snippet mark").get_text() == "Hangzhou"
    assert page.select_one("main [role=status]").get_text(strip=True) == "2 stories match “hangzhou”."


def test_title_match_ranks_above_body_match():
    # The body match is newer, so only the rank can put the title match first.
    in_body = make_article(
        title="Budget news", body="<p>The mayor mentioned Suzhou once.</p>", published_at=timezone.now()
    )
    in_title = make_article(
        title="Suzhou tops the ranking",
        body="<p>Another city entirely.</p>",
        published_at=timezone.now() - timedelta(days=3),
    )
    results = list(search.search_articles("suzhou"))
    assert results == [in_title, in_body]
    assert results[0].rank > results[1].rank


@on_postgres
def test_postgres_search_stems_and_weights_standfirst_above_body():
    in_body = make_article(
        title="A", standfirst="", body="<p>Cities were awarded prizes.</p>", published_at=timezone.now()
    )
    in_standfirst = make_article(
        title="B", standfirst="The city award goes east.", published_at=timezone.now() - timedelta(days=5)
    )
    assert list(search.search_articles("awards")) == [in_standfirst, in_body]


@on_postgres
def test_trigger_indexes_bulk_updates():
    article = make_article(title="Plain title")
    Article.objects.filter(pk=article.pk).update(title="Chengdu smart metro")
    assert list(search.search_articles("chengdu")) == [article]


@on_sqlite
def test_fallback_ranks_title_then_standfirst_then_body_and_newest_first_among_equals():
    now = timezone.now()
    older_in_body = make_article(title="Budget", body="<p>Suzhou again.</p>", published_at=now - timedelta(days=9))
    in_body = make_article(title="Budget news", body="<p>The mayor mentioned Suzhou once.</p>", published_at=now)
    in_standfirst = make_article(title="Metro", standfirst="Suzhou opens a line.", published_at=now - timedelta(days=2))
    in_title = make_article(title="Suzhou tops the ranking", published_at=now - timedelta(days=3))
    assert list(search.search_articles("suzhou")) == [in_title, in_standfirst, in_body, older_in_body]


def test_a_snippet_keeps_a_subheading_apart_from_the_text_under_it(client):
    make_article(
        title="Awards night",
        standfirst="",
        body="<p>The city was there.</p><h2>What the city took home</h2><p>Two prizes went to the district.</p>",
    )
    snippet = parse(client.get("/search/", {"q": "prizes"})).select_one(".search-result__snippet").get_text()
    # Paragraphs are apart too: "there. What", not "there.What".
    assert "there. What the city took home — Two prizes went" in " ".join(snippet.split())


def test_markup_is_not_searched():
    linked = make_article(title="Links", body='<p><strong>Metro</strong> <a href="https://example.org/x">map</a></p>')
    for markup_word in ["strong", "href", "example", "nofollow"]:
        assert list(search.search_articles(markup_word)) == []
    assert list(search.search_articles("metro map")) == [linked]


def test_every_word_must_match():
    both = make_article(title="Shenzhen transport", body="<p>New metro line.</p>")
    make_article(title="Shenzhen budget", body="<p>Taxes.</p>")
    assert list(search.search_articles("shenzhen metro")) == [both]


def test_drafts_and_scheduled_stories_are_not_found(client):
    live = make_article(title="Xiamen live story")
    make_article(title="Xiamen draft story", status=Article.Status.DRAFT, published_at=None)
    make_article(title="Xiamen scheduled story", published_at=timezone.now() + timedelta(hours=2))
    assert list(search.search_articles("xiamen")) == [live]
    assert result_titles(parse(client.get("/search/", {"q": "xiamen"}))) == [live.title]


def test_snippet_escapes_body_text_but_keeps_marks(client):
    make_article(title="Escaping", body="<p>Wuhan &lt;script&gt;alert(1)&lt;/script&gt; wins.</p>")
    page = parse(client.get("/search/", {"q": "wuhan"}))
    snippet = page.select_one(".search-result__snippet")
    assert snippet.select("script") == []
    assert [m.get_text() for m in snippet.select("mark")] == ["Wuhan"]
    assert "<script>alert(1)</script>" in snippet.get_text()


def test_title_is_escaped_when_marked(client):
    make_article(title="Ningbo <b>bold</b> claims")
    heading = parse(client.get("/search/", {"q": "ningbo"})).select_one(".search-result h2 a")
    assert heading.select("b") == []
    assert heading.get_text() == "Ningbo <b>bold</b> claims"
    assert heading.mark.get_text() == "Ningbo"


@pytest.mark.parametrize(
    "query",
    ["x" * 10_000, "%", "_", "%_%", "!!! ??? ...", "   ", "\x01\x02", "' OR 1=1 --", "a & | ! :*"],
)
def test_abusive_queries_get_a_clean_answer(client, query):
    make_article(title="Wuxi city news")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert parse(response).select_one("main h1").get_text() == "Search"


@pytest.mark.parametrize("query", ["wuxi\x00city", "\x00\x01\x02"])
def test_nul_bytes_in_a_query_get_the_bad_request_page(client, query):
    make_article(title="Wuxi city news")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 400
    assert parse(response).select_one("main h1").get_text(strip=True) == "We couldn’t understand that request"


def test_percent_and_underscore_are_literal():
    literal = make_article(title="Growth of 5% in 2025", body="<p>snake_case appears</p>")
    make_article(title="Growth of 55 in 2025")
    assert list(search.search_articles("snake_case")) == [literal]
    assert literal in search.search_articles("5%")
    assert list(search.search_articles("%")) == []


def test_nul_bytes_are_removed_and_length_capped():
    assert search.clean_query("wu\x00xi") == "wu xi"
    assert len(search.clean_query("y" * 10_000)) == search.MAX_QUERY_LENGTH
    assert search.clean_query("%%%  ___ ...") == ""


def test_empty_query_shows_the_form_without_searching(client, django_assert_num_queries):
    make_article()
    with django_assert_num_queries(1):  # the section navigation only
        response = client.get("/search/", {"q": "?!%"})
    page = parse(response)
    assert response.status_code == 200
    assert page.select(".search-result") == []
    assert "punctuation alone finds nothing" in page.select_one("main [role=status]").get_text()


def test_results_are_paginated_and_keep_the_query(client):
    for n in range(12):
        make_article(title=f"Tianjin story {n}")
    page = parse(client.get("/search/", {"q": "tianjin"}))
    assert len(result_titles(page)) == 10
    next_link = page.select_one("nav.pagination a[rel=next]")["href"]
    assert next_link == "?q=tianjin&page=2"
    second = client.get("/search/" + next_link)
    assert len(result_titles(parse(second))) == 2
    assert client.get("/search/", {"q": "tianjin", "page": "99"}).status_code == 404
    assert client.get("/search/", {"q": "tianjin", "page": "x"}).status_code == 404


def test_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    # Navigation, count, page of stories, lead photos, and one query per result group (cities, categories, rankings).
    make_article(title="Qingdao one", tags=["ports"])
    with django_assert_max_num_queries(8) as one:
        client.get("/search/", {"q": "qingdao"})
    for n in range(20):
        make_article(title=f"Qingdao {n}", tags=["ports", f"t{n}"])
    with django_assert_max_num_queries(8) as many:
        client.get("/search/", {"q": "qingdao"})
    assert len(one.captured_queries) == len(many.captured_queries)


def test_marked_headline_escapes_everything_but_its_own_marks():
    start, stop = search.START_MARK, search.STOP_MARK
    raw = f"{start}Dalian{stop} &amp; &lt;i&gt;port&lt;/i&gt; <b>raw</b> &#57344;{start}open"
    assert search.marked_headline(raw) == (
        "<mark>Dalian</mark> &amp; &lt;i&gt;port&lt;/i&gt; &lt;b&gt;raw&lt;/b&gt; <mark>open</mark>"
    )
    assert search.marked_headline(f"{search.LT}b{search.GT} {search.AMP}") == "&lt;b&gt; &amp;"


class Place:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"/places/{self.name.lower()}/"


def find_places(query):
    return search.SearchGroup("Places", [Place("Kunming <b>")]) if "kunming" in query.lower() else None


def test_other_apps_searchers_add_result_groups(client, settings):
    settings.SEARCH_GROUPS = [f"{__name__}.find_places"]
    make_article(title="Kunming spring")
    page = parse(client.get("/search/", {"q": "Kunming"}))
    group = page.select_one("main section.search-group")
    assert group.h2.get_text() == "Places"
    assert [(a["href"], a.get_text()) for a in group.select("a")] == [("/places/kunming <b>/", "Kunming <b>")]
    assert result_titles(page) == ["Kunming spring"]
    assert parse(client.get("/search/", {"q": "Lhasa"})).select("section.search-group") == []


def test_a_very_common_word_ranks_only_the_newest_candidates_and_says_so(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    oldest = make_article(title="Harbin ice festival", published_at=timezone.now() - timedelta(days=3))
    make_article(title="Harbin metro", published_at=timezone.now() - timedelta(days=2))
    make_article(title="Harbin airport", published_at=timezone.now() - timedelta(days=1))
    page = parse(client.get("/search/", {"q": "harbin"}))
    titles = [a.get_text() for a in page.select("main .card__title a")]
    assert sorted(titles) == ["Harbin airport", "Harbin metro"] and oldest.title not in titles
    assert page.select_one("main [role=status]").get_text(strip=True).startswith("More than 2 stories match")


def test_newest_first_reaches_every_match_and_keeps_its_order_across_pages(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    for days in range(12):
        make_article(title=f"Harbin story {days}", published_at=timezone.now() - timedelta(days=days))
    best = parse(client.get("/search/", {"q": "harbin"}))
    assert len(result_titles(best)) == 2
    sort_links = {a.get_text(): a["href"] for a in best.select("nav.search-sort a")}
    assert sort_links == {"Newest first": "?q=harbin&sort=newest"}
    assert best.select_one("nav.search-sort [aria-current]").get_text() == "Best match"

    newest = parse(client.get("/search/" + sort_links["Newest first"]))
    assert result_titles(newest) == [f"Harbin story {days}" for days in range(10)]
    assert newest.select_one("main [role=status]").get_text(strip=True) == "Stories that match “harbin”, newest first."
    assert newest.select_one("nav.search-sort [aria-current]").get_text() == "Newest first"
    assert {a.get_text(): a["href"] for a in newest.select("nav.search-sort a")} == {"Best match": "?q=harbin"}
    next_link = newest.select_one("nav.pagination a[rel=next]")["href"]
    assert next_link == "?q=harbin&sort=newest&page=2"
    second = parse(client.get("/search/" + next_link))
    assert result_titles(second) == ["Harbin story 10", "Harbin story 11"]
    assert second.select("nav.pagination a[rel=next]") == []


def test_newest_first_never_shows_drafts_or_scheduled_stories(client):
    live = make_article(title="Xiamen live story")
    make_article(title="Xiamen draft story", status=Article.Status.DRAFT, published_at=None)
    make_article(title="Xiamen scheduled story", published_at=timezone.now() + timedelta(hours=2))
    assert list(search.newest_matches("xiamen")) == [live]
    assert result_titles(parse(client.get("/search/", {"q": "xiamen", "sort": "newest"}))) == [live.title]


@pytest.mark.parametrize("sort", ["oldest", "", "relevance'--"])
def test_an_order_that_does_not_exist_is_a_missing_page(client, sort):
    make_article(title="Wuxi city news")
    assert client.get("/search/", {"q": "wuxi", "sort": sort}).status_code == 404


def test_the_order_is_offered_beside_the_stories_only_when_there_is_a_choice(client):
    make_article(title="Kunming flower city")
    one = parse(client.get("/search/", {"q": "kunming"}))
    assert len(result_titles(one)) == 1 and one.select("nav.search-sort") == []
    make_article(title="Kunming metro line")
    two = parse(client.get("/search/", {"q": "kunming"}))
    assert two.select_one("nav.search-sort + ol.search-results")  # right above the stories it orders

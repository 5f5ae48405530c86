"""The benchmark's own parts, on a small dataset: the generator, the pages it measures, the SQL timing."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from prometheus_client import REGISTRY

from articles.models import Article, CityTimeline, Section, TagTimeline
from awards.models import City, Ranking
from bench import alternatives
from bench import run as bench_run
from bench.management.commands import generate_bench_data as generate_bench_data_command
from bench.pages import reader_pages
from bench.run import database_milliseconds, parts_only, python_milliseconds
from citynews import urls as site_urls
from tests.conftest import parse

pytestmark = pytest.mark.django_db

# The site with the benchmark's views, as bench/run.py wires them (CITYNEWS_BENCH=1), for the tests marked with it.
urlpatterns = [*site_urls.urlpatterns, path("bench/", include("bench.urls"))]


def generate_bench_data(**options):
    # The command's app, bench, is installed only while the benchmark runs (CITYNEWS_BENCH=1).
    call_command(generate_bench_data_command.Command(), **options, stdout=None)


@pytest.fixture
def bench_data():
    generate_bench_data(articles=40, tags=12, cities=130)


def test_generator_tops_up_to_the_requested_size(bench_data):
    assert Article.objects.published().count() == 40
    generate_bench_data(articles=55, tags=12, cities=130)
    assert Article.objects.published().count() == 55
    assert City.objects.filter(slug__startswith="bench-city-").count() == 130
    assert Ranking.objects.filter(slug="bench-ranking-0").exists()
    # Its rows are written in bulk, past save(): the database triggers still fill the timelines.
    assert TagTimeline.objects.filter(published_at__isnull=False).exists()
    assert CityTimeline.objects.filter(published_at__isnull=False).exists()


def test_every_measured_page_is_a_real_page(bench_data, client):
    pages = dict(reader_pages())
    assert {"home", "article", "tag", "city", "ranking", "RSS feed"} <= set(pages)
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, f"{label} {url}"
        if label != "RSS feed" and not label.startswith("API"):
            assert parse(response).select_one("main h1"), f"{label} {url} has no heading"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN ANALYZE timings are read from PostgreSQL")
def test_database_time_adds_up_every_query_of_a_page(bench_data, client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0  # the page drawn from nothing, as the benchmark's cold column has it
    url = dict(reader_pages())["article"]
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    milliseconds = database_milliseconds(connection, queries.captured_queries)
    one_query = database_milliseconds(connection, queries.captured_queries[:1])
    assert len(queries) > 1
    assert 0 < one_query < milliseconds < 1000


def test_app_time_is_spent_on_the_requests_asked_for(bench_data, client):
    url = dict(reader_pages())["home"]
    asked = []

    class CountingClient:
        def get(self, path):
            asked.append(path)
            return client.get(path)

    assert python_milliseconds(CountingClient(), url, requests=5) > 0
    assert asked == [url] * 5


def fragment_lookups(kind, result):
    return REGISTRY.get_sample_value("citynews_fragment_lookups_total", {"kind": kind, "result": result}) or 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pages and fragments are kept only on PostgreSQL")
def test_parts_only_draws_the_page_from_warm_fragments_without_keeping_it_whole(bench_data, client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 3600
    url = dict(reader_pages())["home"]
    whole_page = client.get(url).content
    pages_looked_up = fragment_lookups("page", "hit") + fragment_lookups("page", "miss")
    cards_missed = fragment_lookups("card", "miss")
    cards_found = fragment_lookups("card", "hit")
    with parts_only():
        from_parts = client.get(url).content
    assert from_parts == whole_page
    assert fragment_lookups("page", "hit") + fragment_lookups("page", "miss") == pages_looked_up
    assert fragment_lookups("card", "miss") == cards_missed
    assert fragment_lookups("card", "hit") > cards_found


def differing_lines(page, prototype, prototype_path, path):
    """The lines in which a prototype's page differs from the site's, at the site's address, but for its social
    image (the section prototype reads none)."""
    image = ('<meta property="og:image', '<meta name="twitter:card', '<meta name="twitter:image')
    first, second = (
        {line for line in content.splitlines() if not line.lstrip().startswith(image)}
        for content in (page.decode(), prototype.decode().replace(prototype_path, path))
    )
    return first ^ second


@pytest.mark.urls(__name__)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the prototype's SQL is PostgreSQL's (LATERAL)")
def test_the_section_prototype_draws_the_sites_own_page(bench_data, client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    section = dict(reader_pages())["section"]
    slug = section.strip("/").split("/")[-1]
    alternatives.store_cards(Section.objects.get(slug=slug))
    prototype_path = reverse("bench:section_from_stored_cards", args=[slug])
    client.get(prototype_path)  # the sections menu, shared by every page, into the cache
    with CaptureQueriesContext(connection) as queries:
        prototype = client.get(prototype_path)
    assert prototype.status_code == 200 and len(queries) == 1
    site = client.get(section)
    assert not differing_lines(site.content, prototype.content, prototype_path, section)
    assert len(parse(prototype).select("article.card")) == len(parse(site).select("article.card")) > 0


@pytest.mark.urls(__name__)
def test_a_page_handed_its_data_ready_is_the_sites_own_page_with_no_query(bench_data, client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    alternatives.READY_PAGES.clear()  # none another test made ready from its own data
    for label, url in reader_pages()[:8]:
        ready_url = alternatives.handed_ready_url(url)
        client.get(ready_url)
        with CaptureQueriesContext(connection) as queries:
            ready = client.get(ready_url)
        assert ready.status_code == 200 and len(queries) == 0, label
        path = ready_url.partition("?")[0]
        assert not differing_lines(client.get(url).content, ready.content, path, url.partition("?")[0]), label


@pytest.mark.urls(__name__)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the prototype's SQL is PostgreSQL's (LATERAL)")
def test_prototype_costs_are_reported_against_the_one_query_floor(bench_data):
    asked = []

    def milliseconds(client, url):
        asked.append(url)
        return 0.5 if url == reverse("bench:one_query") else 2.0

    pages = dict(reader_pages())
    measured = alternatives.measure([("home", "/"), ("section", pages["section"])], "data", milliseconds)
    assert measured["floor"] == 0.5
    assert [(label, built, ready, cards is not None) for label, built, ready, cards in measured["pages"]] == [
        ("home", 2.0, 2.0, False),
        ("section", 2.0, 2.0, pages["section"] == "/section/data/"),
    ]
    assert len(asked) == alternatives.ROUNDS * len(set(asked))
    lines = alternatives.report_lines(measured)
    assert lines[2].split() == ["home", "2.00", "4.0x", "2.00", "4.0x", "-"]


def test_targets_say_met_or_not_for_each_page_and_state():
    def wrk_result(rps):
        return (rps, "1ms", "2ms", 0, "")

    def state(search, home):
        pages = dict.fromkeys((*bench_run.PAGES_AT_A_THIRD, *bench_run.PAGES_AT_A_QUARTER), 2000)
        floors = {bench_run.PLAIN: 4000, bench_run.ONE_QUERY: 2000}
        return {
            page: wrk_result(rps) for page, rps in {**pages, **floors, "search (2 words)": search, "home": home}.items()
        }

    states = {"cold": state(search=100, home=100), "after publish": state(1200, 1500), "cached": state(500, 3800)}
    nginx = {**{page: wrk_result(40000) for page in bench_run.NGINX_PAGES}, "static": wrk_result(60000)}
    windows = [(5.0, 1000, 0, 10, 0), (10.0, 3000, 9, 10, 0)]

    lines = bench_run.target_lines(states, nginx, (3200, 10, 10, 0), windows)

    cold_pages = "home, section, tag, search (2 words)"
    assert f"  cold >= 33% of one query + template for {cold_pages}: NOT met (home 5%, search (2 words) 5%)" in lines
    assert f"  after publish >= 50% of one query + template for {cold_pages}, article, city: met" in lines
    search = "  search (2 words) >= 25% of one query + template at 16 connections:"
    assert f"{search} met after publish 60%, cached 25%; NOT met cold 5%" in lines
    assert "  regained 90% of the steady rate within 30 s of a publish: met (10.0 s)" in lines

"""Hostile input against the cities, awards and rankings pages and their admin forms: a 4xx or a form error,
never a 5xx, and nothing saved. Every request runs with raise_request_exception off, so a server error would
show as a 500 status here rather than as a test crash."""

from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.apps import apps

from articles.models import Article
from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_entry,
    make_organisation,
    make_programme,
    make_ranking,
    make_recognition,
)
from tests.conftest import form_data, make_article, parse
from tests.conftest import snapshot as shared_snapshot

pytestmark = pytest.mark.django_db

BAD_PAGES = ["0", "-1", "abc", "1e9", str(10**20), "%00", ""]
BAD_SLUGS = ["%ff", quote("🏙️🌃"), "x" * 300, "%00", "a%00b", "%ed%a0%80", "..", "%2e%2e"]
BAD_NUMBERS = ["99999", "0", "0000", "-1", str(10**20), "1e9", "abc", "2020.0", quote("٢٠٢٠"), "%00"]
FORGED_IDS = ["abc", str(10**20), "-1", "1.5", "\x00", "1e3"]


@pytest.fixture(autouse=True)
def _server_errors_as_responses(client):
    # editor_client and contributor_client are this same client, logged in.
    client.raise_request_exception = False


def status(response):
    assert response.status_code < 500, response.status_code
    return response.status_code


def refused(address):
    """NUL anywhere in an address is a 400 (citynews.request_guards); anything else unknown is a 404."""
    return 400 if "%00" in address else 404


@pytest.fixture
def facts():
    city = make_city(name="Shenzhen", slug="shenzhen")
    district = make_city(name="Futian", slug="futian", parent=city)
    programme = make_programme(name="Smart City Expo World Congress", short_name="SCEWC", slug="scewc")
    edition = make_edition(programme=programme, year=2020, number=10)
    edition.host_cities.add(make_city(name="Barcelona", slug="barcelona"))
    organisation = make_organisation(name="Futian Bureau", city=district)
    recognition = make_recognition(edition, category=make_category(programme, name="Mobility"), city=city)
    ranking = make_ranking(slug="online-services", title="Online services", year=2020)
    entry = make_entry(ranking, city, position=1)
    article = make_article(title="Shenzhen wins")
    article.cities.add(city)
    article.recognitions.add(recognition)
    article.ranking_entries.add(entry)
    return SimpleNamespace(
        city=city,
        programme=programme,
        edition=edition,
        organisation=organisation,
        recognition=recognition,
        ranking=ranking,
        entry=entry,
        article=article,
    )


def snapshot():
    """Every awards row and every story's fact links."""
    links = [Article.cities.through, Article.recognitions.through, Article.ranking_entries.through]
    return shared_snapshot(*apps.get_app_config("awards").get_models(), *links)


INDEX_PAGES = ["/cities/", "/awards/", "/rankings/"]
READER_PAGES = [
    "/cities/",
    "/cities/shenzhen/",
    "/awards/",
    "/awards/scewc/",
    "/awards/scewc/2020/",
    "/rankings/",
    "/rankings/online-services/2020/",
    "/rankings/online-services/2020/csv",
]


def main_text(response):
    if response["Content-Type"].startswith("text/csv"):
        return response.content.decode()
    return parse(response).select_one("main").get_text(" ", strip=True)


@pytest.mark.parametrize("url", READER_PAGES)
def test_reader_pages_work(client, facts, url):
    """The control for the tests below: every page exists and shows the facts."""
    response = client.get(url)
    assert status(response) == 200
    expected = {"/awards/": "Smart City Expo World Congress", "/rankings/": "Online services"}.get(url, "Shenzhen")
    assert expected in main_text(response)


@pytest.mark.parametrize("url", READER_PAGES)
@pytest.mark.parametrize("page", BAD_PAGES)
def test_page_numbers_on_awards_pages_are_ignored_or_refused(client, facts, url, page):
    # Index pages are split into pages: a page that cannot exist is a 404. A city's news goes on at its own
    # address. The other pages are not split: ?page= changes nothing. A NUL byte is refused everywhere.
    response = client.get(f"{url}?page={page}")
    if page == "%00":
        assert status(response) == 400
    elif url in INDEX_PAGES:
        assert status(response) == (200 if page == "" else 404)
    elif url == "/cities/shenzhen/":
        assert status(response) == 301 and response["Location"].startswith("/cities/shenzhen/news/?page=")
        assert status(client.get(response["Location"])) == (200 if page == "" else 404)
    else:
        assert status(response) == 200
        assert main_text(response) == main_text(client.get(url))


SLUG_PATTERNS = [
    "/cities/{}/",
    "/awards/{}/",
    "/awards/{}/2020/",
    "/awards/{}/10/",
    "/rankings/{}/2020/",
    "/rankings/{}/2020/csv",
    "/awards/scewc/{}/",
    "/rankings/online-services/{}/",
    "/rankings/online-services/{}/csv",
]


@pytest.mark.parametrize("pattern", SLUG_PATTERNS)
@pytest.mark.parametrize("slug", BAD_SLUGS)
def test_hostile_slugs_are_404(client, facts, pattern, slug):
    url = pattern.format(slug)
    assert status(client.get(url)) == refused(url)


@pytest.mark.parametrize("pattern", SLUG_PATTERNS[:6])
@pytest.mark.parametrize("slug", BAD_SLUGS)
def test_hostile_slugs_are_404_for_editors_too(editor_client, facts, pattern, slug):
    url = pattern.format(slug)
    assert status(editor_client.get(url)) == refused(url)


@pytest.mark.parametrize(
    "pattern", ["/awards/scewc/{}/", "/rankings/online-services/{}/", "/rankings/online-services/{}/csv"]
)
@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_impossible_years_and_edition_numbers_are_404(client, facts, pattern, number):
    url = pattern.format(number)
    assert status(client.get(url)) == refused(url)


def test_a_city_with_a_slug_in_another_script_is_found(client):
    make_city(name="深圳", slug="深圳")
    response = client.get(f"/cities/{quote('深圳')}/")
    assert status(response) == 200
    assert parse(response).select_one("h1").get_text(strip=True) == "深圳"


@pytest.mark.parametrize("url", READER_PAGES)
def test_reader_pages_refuse_posts(client, facts, url):
    assert status(client.post(url, {"name": "x"})) == 405
    assert status(client.post(url, {f"field{n}": "x" for n in range(1001)})) == 405


# The admin forms. Each builder returns (address, POST data that saves as it is, the text fields to spoil).


def city_form(facts):
    data = {"name": "Guangzhou", "slug": "guangzhou", "country": "China", "parent": "", "description": "Port city."}
    return "/admin/awards/city/add/", data, ["name", "slug", "country", "description"]


def programme_form(facts):
    data = {"name": "Smart City Awards", "short_name": "SCA", "slug": "sca", "organiser": "Expo"}
    data |= {"website": "https://example.org/", "description": "Yearly.", "editions-TOTAL_FORMS": "0"}
    data |= {"editions-INITIAL_FORMS": "0"}
    return "/admin/awards/awardprogramme/add/", data, ["name", "short_name", "slug", "organiser", "website"]


def category_form(facts):
    data = {"programme": facts.programme.pk, "name": "Energy", "aliases": "Energy Award\nPower"}
    return "/admin/awards/category/add/", data, ["name", "aliases"]


def organisation_form(facts):
    return "/admin/awards/organisation/add/", {"name": "Data Bureau", "city": facts.city.pk}, ["name"]


def recognition_form(facts):
    data = {"edition": facts.edition.pk, "category": facts.recognition.category_id, "city": facts.city.pk}
    data |= {"organisation": "", "result": "2", "project_name": "Open data", "note": "With partners."}
    return "/admin/awards/recognition/add/", data, ["project_name", "note", "result"]


def edition_form(facts):
    data = {"programme": facts.programme.pk, "year": "2021", "number": "11", "starts_on": "2021-11-16"}
    data |= {"ends_on": "2021-11-18", "recognitions-TOTAL_FORMS": "0", "recognitions-INITIAL_FORMS": "0"}
    return "/admin/awards/edition/add/", data, ["year", "number", "starts_on", "ends_on"]


def ranking_form(facts):
    data = {"title": "Open data", "slug": "open-data", "year": "2021", "publisher": "Research centre"}
    data |= {"scope": "32 cities", "field_size": "32", "method_note": "Surveys.", "method_url": "https://example.org/m"}
    data |= {"entries-TOTAL_FORMS": "1", "entries-INITIAL_FORMS": "0", "entries-0-city": facts.city.pk}
    data |= {"entries-0-position": "1", "entries-0-score": "9.5"}
    text_fields = ["title", "slug", "publisher", "scope", "method_note", "method_url", "entries-0-score"]
    return "/admin/awards/ranking/add/", data, text_fields


FORMS = [city_form, programme_form, category_form, organisation_form, recognition_form, edition_form, ranking_form]


def assert_form_error(response):
    assert status(response) == 200
    assert parse(response).select_one(".errornote") is not None


@pytest.mark.parametrize("build", FORMS)
def test_the_untouched_forms_save(editor_client, facts, build):
    """The control for the tests below: without the hostile value each form saves."""
    url, data, _ = build(facts)
    rows = sum(map(len, snapshot()))
    assert status(editor_client.post(url, data)) == 302
    assert sum(map(len, snapshot())) > rows


@pytest.mark.parametrize("build", FORMS)
def test_nul_bytes_in_awards_admin_fields_are_form_errors(editor_client, facts, build):
    url, data, fields = build(facts)
    before = snapshot()
    for field in fields:
        assert_form_error(editor_client.post(url, data | {field: "Bad\x00value"}))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("aliases", "error"),
    [
        ("Energy\nPo\x00wer", "Null characters are not allowed."),
        ("Energy\n" + "x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("\n".join(f"Alias {n}" for n in range(31)), "A category can have at most 30 aliases."),
    ],
)
def test_hostile_category_aliases_are_form_errors(editor_client, facts, aliases, error):
    url, data, _ = category_form(facts)
    before = snapshot()
    response = editor_client.post(url, data | {"aliases": aliases})
    assert_form_error(response)
    assert parse(response).select_one(".field-aliases .errorlist").get_text(strip=True) == error
    assert snapshot() == before


def test_ten_thousand_character_city_name_is_a_form_error(editor_client, facts):
    url, data, _ = city_form(facts)
    before = snapshot()
    response = editor_client.post(url, data | {"name": "N" * 10_000})
    assert_form_error(response)
    error = parse(response).select_one(".field-name .errorlist").get_text(strip=True)
    assert error == "Ensure this value has at most 120 characters (it has 10000)."
    assert snapshot() == before


@pytest.mark.parametrize("build", FORMS)
def test_ten_thousand_characters_in_any_text_field_are_form_errors(editor_client, facts, build):
    url, data, fields = build(facts)
    before = snapshot()
    for field in fields:
        assert_form_error(editor_client.post(url, data | {field: "x" * 10_000}))
    assert snapshot() == before


@pytest.mark.parametrize("build", FORMS)
def test_thousand_and_one_form_fields_are_refused_with_400(editor_client, facts, build):
    url, data, _ = build(facts)
    before = snapshot()
    assert status(editor_client.post(url, data | {f"extra{n}": "x" for n in range(1001)})) == 400
    assert snapshot() == before


def change_form(client, obj):
    """The change page's form as a browser would submit it, inline rows included."""
    name = obj._meta.model_name
    url = f"/admin/{obj._meta.app_label}/{name}/{obj.pk}/change/"
    return url, form_data(client.get(url), f"form#{name}_form")


# (object in the fixture, autocomplete field as posted); add forms use the builders above.
CHANGE_FORM_AUTOCOMPLETES = [
    ("edition", "programme"),
    ("edition", "host_cities"),
    ("edition", "recognitions-0-category"),
    ("edition", "recognitions-0-city"),
    ("edition", "recognitions-0-organisation"),
    ("edition", "recognitions-0-id"),
    ("ranking", "entries-0-city"),
    ("ranking", "entries-0-id"),
    ("recognition", "edition"),
    ("recognition", "category"),
    ("recognition", "city"),
    ("recognition", "organisation"),
    ("organisation", "city"),
    ("article", "cities"),
    ("article", "recognitions"),
    ("article", "ranking_entries"),
]


@pytest.mark.parametrize(("target", "field"), CHANGE_FORM_AUTOCOMPLETES)
@pytest.mark.parametrize("forged", FORGED_IDS)
def test_forged_ids_in_autocomplete_fields_are_form_errors(editor_client, facts, target, field, forged):
    url, data = change_form(editor_client, getattr(facts, target))
    before = snapshot()
    assert_form_error(editor_client.post(url, data | {field: forged}))
    assert snapshot() == before


def test_a_forged_id_next_to_real_ones_is_an_error_and_the_real_ones_stay_chosen(editor_client, facts):
    url, data = change_form(editor_client, facts.edition)
    barcelona = facts.edition.host_cities.get()
    before = snapshot()
    response = editor_client.post(url, data | {"host_cities": ["abc", str(barcelona.pk)], "programme": "abc"})
    assert_form_error(response)
    page = parse(response)
    assert [o.get_text() for o in page.select("select[name=host_cities] option[selected]")] == ["Barcelona"]
    assert page.select("select[name=programme] option[selected]") == []
    assert page.select_one(".field-host_cities .errorlist").get_text(strip=True) == "“abc” is not a valid value."
    assert snapshot() == before


@pytest.mark.parametrize(
    ("build", "field"), [(city_form, "parent"), (category_form, "programme"), (edition_form, "host_cities")]
)
@pytest.mark.parametrize("forged", FORGED_IDS)
def test_forged_ids_in_add_forms_are_form_errors(editor_client, facts, build, field, forged):
    url, data, _ = build(facts)
    before = snapshot()
    assert_form_error(editor_client.post(url, data | {field: forged}))
    assert snapshot() == before


@pytest.mark.parametrize(("target", "prefix", "most"), [("ranking", "entries", 160), ("edition", "recognitions", 100)])
@pytest.mark.parametrize("total", [str(10**20), "1001", "abc"])
def test_forged_inline_form_counts_are_form_errors_and_build_few_forms(
    editor_client, facts, target, prefix, most, total
):
    url, data = change_form(editor_client, getattr(facts, target))
    before = snapshot()
    response = editor_client.post(url, data | {f"{prefix}-TOTAL_FORMS": total})
    assert_form_error(response)
    (inline,) = response.context["inline_admin_formsets"]
    assert len(inline.formset.forms) <= most, "a forged count must not make the server build a thousand forms"
    assert snapshot() == before


@pytest.mark.parametrize(("target", "prefix"), [("ranking", "entries"), ("edition", "recognitions")])
def test_a_negative_inline_form_count_submits_no_rows_and_keeps_the_existing_ones(editor_client, facts, target, prefix):
    url, data = change_form(editor_client, getattr(facts, target))
    before = snapshot()
    assert status(editor_client.post(url, data | {f"{prefix}-TOTAL_FORMS": "-1"})) == 302
    assert snapshot() == before


CHANGELISTS = [
    "city",
    "organisation",
    "awardprogramme",
    "category",
    "edition",
    "recognition",
    "ranking",
    "rankingentry",
]


@pytest.mark.parametrize("model", CHANGELISTS)
@pytest.mark.parametrize("selected", ["abc", str(10**20), "1.5", "-1"])
def test_forged_bulk_deletes_with_hostile_ids_change_nothing(editor_client, facts, model, selected):
    before = snapshot()
    data = {"action": "delete_selected", "_selected_action": [selected], "post": "yes"}
    response = editor_client.post(f"/admin/awards/{model}/", data)
    # A malformed id is a 400 (CheckedSelectionMixin); a well-formed one that matches no row selects nothing.
    assert status(response) == (302 if selected == "-1" else 400)
    assert snapshot() == before


@pytest.mark.parametrize("model", CHANGELISTS)
@pytest.mark.parametrize(
    "query",
    ["p=abc", "p=-1", f"p={10**20}", "q=%00", "q=" + "x" * 10_000, "o=abc", "o=99", "year__exact=abc"]
    + [f"year__exact={10**20}", "ranking__year__exact=%ff", "programme__id__exact=abc", "_to_field=password"],
)
def test_awards_changelists_survive_hostile_queries(editor_client, facts, model, query):
    response = editor_client.get(f"/admin/awards/{model}/?{query}")
    if "%00" in query:
        assert status(response) == 400
        return
    # The admin answers an impossible filter or page by redirecting to ?e=1, a forbidden to_field with 400.
    assert status(response) in {200, 302, 400}
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize("model", CHANGELISTS)
@pytest.mark.parametrize("object_id", ["%ff", "%00", str(10**20), "-1", quote("🏙️"), "abc"])
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_awards_object_views_survive_hostile_ids(editor_client, model, object_id, view):
    response = editor_client.get(f"/admin/awards/{model}/{object_id}/{view}/")
    # Django's admin redirects to its index with "does not exist"; the history view is a 404.
    assert status(response) in ({400} if object_id == "%00" else {302, 404})


@pytest.mark.parametrize(
    "query",
    ["term=%00", "term=" + "x" * 10_000, "page=abc", f"page={10**20}", "field_name=nope", "model_name=%ff"],
)
def test_the_facts_autocomplete_survives_hostile_queries(editor_client, facts, query):
    base = {"app_label": "articles", "model_name": "article", "field_name": "cities", "term": "Shen"}
    params = dict(part.split("=", 1) for part in query.split("&"))
    url = "/admin/autocomplete/?" + "&".join(f"{k}={v}" for k, v in (base | params).items())
    response = editor_client.get(url)
    expected = {"term=%00": 400, "page=abc": 404, f"page={10**20}": 404}.get(query, 200)
    if query.startswith(("field_name", "model_name")):
        expected = 403
    assert status(response) == expected

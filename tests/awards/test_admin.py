"""Editors' forms: every broken rule is a form error (never a 500), and nothing is half-saved."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages

from awards.models import Category, Ranking, RankingEntry, Recognition
from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_entry,
    make_programme,
    make_ranking,
    make_recognition,
)
from tests.conftest import form_data, make_article, parse

pytestmark = pytest.mark.django_db


def ranking_form(ranking=None, rows=(), **fields):
    """POST data for the ranking admin: the ranking's fields and one inline row per (entry or None, city, position)."""
    data = {
        "title": "Online administration service capability",
        "slug": "online-administration",
        "year": "2020",
        "publisher": "Research centre",
        "scope": "32 key cities in China",
        "field_size": "32",
        "higher_score_is_better": "on",
        "method_note": "",
        "method_url": "",
    }
    if ranking is not None:
        data |= {"title": ranking.title, "slug": ranking.slug, "year": str(ranking.year)}
        data |= {"field_size": str(ranking.field_size)}
        if ranking.allow_ties:
            data["allow_ties"] = "on"
    data |= fields
    initial = sum(1 for entry, *_ in rows if entry is not None)
    data |= {
        "entries-TOTAL_FORMS": str(len(rows)),
        "entries-INITIAL_FORMS": str(initial),
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for i, (entry, city, position, *delete) in enumerate(rows):
        data |= {
            f"entries-{i}-id": str(entry.pk) if entry else "",
            f"entries-{i}-ranking": str(ranking.pk) if ranking else "",
            f"entries-{i}-city": str(city.pk),
            f"entries-{i}-position": str(position),
            f"entries-{i}-score": "",
        }
        if delete:
            data[f"entries-{i}-DELETE"] = "on"
    return data


def errors(response):
    page = BeautifulSoup(response.content.decode(), "html5lib")  # admin pages declare no charset in a meta tag
    return [" ".join(li.get_text().split()) for li in page.select(".errorlist li")]


def test_editor_adds_a_ranking_with_its_entries(editor_client):
    a, b = make_city(), make_city()
    response = editor_client.post("/admin/awards/ranking/add/", ranking_form(rows=[(None, a, 1), (None, b, 2)]))
    assert response.status_code == 302
    ranking = Ranking.objects.get()
    assert list(ranking.entries.values_list("city", "position", "ranking_field_size")) == [(a.pk, 1, 32), (b.pk, 2, 32)]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("repeated_position", "Position 2 is given to 2 cities, and this ranking does not allow ties."),
        ("city_twice", "is ranked twice: keep one row per city."),
        ("beyond_field", "The ranking has only 32 places."),
    ],
)
def test_ranking_rule_violations_are_form_errors(editor_client, case, message):
    ranking = make_ranking(field_size=32)
    a, b = make_city(name="Alpha"), make_city(name="Beta")
    existing = make_entry(ranking, a, position=1)
    rows = {
        "repeated_position": [(existing, a, 2), (None, b, 2)],
        "city_twice": [(existing, a, 1), (None, a, 2)],
        "beyond_field": [(existing, a, 1), (None, b, 33)],
    }[case]
    response = editor_client.post(f"/admin/awards/ranking/{ranking.pk}/change/", ranking_form(ranking, rows))
    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert list(ranking.entries.values_list("city", "position")) == [(a.pk, 1)]  # nothing half-saved


def test_ties_are_accepted_where_the_ranking_allows_them(editor_client):
    ranking = make_ranking(allow_ties=True)
    a, b = make_city(), make_city()
    response = editor_client.post(
        f"/admin/awards/ranking/{ranking.pk}/change/", ranking_form(ranking, [(None, a, 2), (None, b, 2)])
    )
    assert response.status_code == 302
    assert sorted(ranking.entries.values_list("position", flat=True)) == [2, 2]


def test_two_cities_swap_places_in_one_save(editor_client):
    ranking = make_ranking()
    a, b, c = make_city(), make_city(), make_city()
    first, second = make_entry(ranking, a, position=1), make_entry(ranking, b, position=2)
    leaving = make_entry(ranking, c, position=3)
    rows = [(first, a, 2), (second, b, 3), (leaving, c, 3, "delete")]
    response = editor_client.post(f"/admin/awards/ranking/{ranking.pk}/change/", ranking_form(ranking, rows))
    assert response.status_code == 302
    assert list(ranking.entries.order_by("position").values_list("city", "position", "ranking_allows_ties")) == [
        (a.pk, 2, False),
        (b.pk, 3, False),
    ]


def test_shrinking_the_field_below_an_entry_is_a_form_error(editor_client):
    ranking = make_ranking(field_size=32)
    entry = make_entry(ranking, position=20)
    data = ranking_form(ranking, [(entry, entry.city, 20)], field_size="10")
    response = editor_client.post(f"/admin/awards/ranking/{ranking.pk}/change/", data)
    assert response.status_code == 200
    assert "An entry is at position 20: the field cannot be smaller." in errors(response)
    ranking.refresh_from_db()
    assert ranking.field_size == 32


def test_entries_are_read_only_outside_their_ranking(editor_client):
    entry = make_entry(make_ranking())
    assert editor_client.get(f"/admin/awards/rankingentry/{entry.pk}/change/").status_code == 200
    assert editor_client.post(f"/admin/awards/rankingentry/{entry.pk}/change/", {"position": 5}).status_code == 403
    assert RankingEntry.objects.get().position == 1


def edition_form(edition, rows):
    data = {
        "programme": str(edition.programme_id),
        "number": "10",
        "year": str(edition.year),
        "starts_on": "2020-11-17",
        "ends_on": "2020-11-18",
        "is_online": "on",
        "recognitions-TOTAL_FORMS": str(len(rows)),
        "recognitions-INITIAL_FORMS": "0",
        "recognitions-MIN_NUM_FORMS": "0",
        "recognitions-MAX_NUM_FORMS": "1000",
    }
    for i, (category, city) in enumerate(rows):
        data |= {
            f"recognitions-{i}-category": str(category.pk),
            f"recognitions-{i}-result": "1",
            f"recognitions-{i}-city": str(city.pk) if city else "",
            f"recognitions-{i}-organisation": "",
            f"recognitions-{i}-project_name": "AI-HUB (SZ)",
            f"recognitions-{i}-note": "",
        }
    return data


def test_recognitions_are_added_inline_in_their_edition(editor_client):
    edition = make_edition()
    category, city = make_category(edition.programme), make_city()
    response = editor_client.post(
        f"/admin/awards/edition/{edition.pk}/change/", edition_form(edition, [(category, city)])
    )
    assert response.status_code == 302
    assert Recognition.objects.get().city == city


@pytest.mark.parametrize(
    ("case", "message"),
    [
        # Another programme's category is not even offered by the edition's picker.
        ("foreign_category", "Select a valid choice."),
        ("no_recipient", "Choose the city or the organisation that was recognised."),
    ],
)
def test_recognition_violations_are_form_errors(editor_client, case, message):
    edition = make_edition()
    own = make_category(edition.programme)
    row = {"foreign_category": (make_category(make_programme()), make_city()), "no_recipient": (own, None)}[case]
    response = editor_client.post(f"/admin/awards/edition/{edition.pk}/change/", edition_form(edition, [row]))
    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert Recognition.objects.count() == 0


def test_category_with_a_normalised_duplicate_name_is_a_form_error(editor_client):
    programme = make_programme()
    make_category(programme, name="Enabling Technologies Award")
    response = editor_client.post(
        "/admin/awards/category/add/", {"programme": programme.pk, "name": "Enabling technologies", "aliases": ""}
    )
    assert response.status_code == 200
    assert errors(response) == [
        "“Enabling Technologies Award” already uses this name or alias: the two would be one category."
    ]
    assert Category.objects.count() == 1


def test_close_category_name_saves_with_a_warning(editor_client):
    programme = make_programme()
    make_category(programme, name="Inclusive & Sharing Cities Award", aliases=["Inclusive Cities"])
    response = editor_client.post(
        "/admin/awards/category/add/",
        {"programme": programme.pk, "name": "Inclusive and Sharing City Award", "aliases": "Sharing City\n"},
        follow=True,
    )
    assert response.status_code == 200
    saved = Category.objects.get(name="Inclusive and Sharing City Award")
    assert saved.aliases == ["Sharing City"]
    warnings = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "“Inclusive and Sharing City Award” is close to “Inclusive & Sharing Cities Award”. "
        "If they are the same category, add the name as an alias of “Inclusive & Sharing Cities Award” instead."
    ]


def test_distinct_category_name_saves_without_warning(editor_client):
    programme = make_programme()
    make_category(programme, name="Mobility Award")
    response = editor_client.post(
        "/admin/awards/category/add/",
        {"programme": programme.pk, "name": "Governance Award", "aliases": ""},
        follow=True,
    )
    assert [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"] == []


def test_article_admin_offers_fact_pickers(editor_client):
    make_recognition(make_edition())
    page = parse(editor_client.get("/admin/articles/article/add/"))
    for name in ("cities", "recognitions", "ranking_entries"):
        assert "admin-autocomplete" in page.select_one(f"select[name={name}]")["class"]
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "recognitions", "term": "Category"},
    )
    assert response.status_code == 200 and len(response.json()["results"]) == 1


def test_warning_names_the_alias_that_is_close(editor_client):
    programme = make_programme()
    make_category(programme, name="Mobility Award", aliases=["Urban Mobility Prize"])
    response = editor_client.post(
        "/admin/awards/category/add/", {"programme": programme.pk, "name": "Urban Mobilty", "aliases": ""}, follow=True
    )
    warnings = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "“Urban Mobilty” is close to “Mobility Award” (also known as “Urban Mobility Prize”). "
        "If they are the same category, add the name as an alias of “Mobility Award” instead."
    ]


def test_category_search_and_autocomplete_find_aliases(editor_client):
    programme = make_programme()
    make_category(programme, name="Enabling Technologies Award", aliases=["Tech Enablers"])
    listing = editor_client.get("/admin/awards/category/", {"q": "enablers"})
    assert listing.status_code == 200 and listing.context["cl"].result_count == 1
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "awards", "model_name": "recognition", "field_name": "category", "term": "enablers"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Enabling Technologies Award"]


@pytest.mark.parametrize(
    "model", ["city", "organisation", "awardprogramme", "edition", "category", "recognition", "ranking", "rankingentry"]
)
def test_admin_lists_open(editor_client, model):
    make_recognition(make_edition())
    make_entry(make_ranking())
    assert editor_client.get(f"/admin/awards/{model}/").status_code == 200


def test_same_ranking_twice_in_a_year_is_a_form_error(editor_client):
    make_ranking(slug="online-administration", year=2020)
    response = editor_client.post("/admin/awards/ranking/add/", ranking_form(rows=[(None, make_city(), 1)]))
    assert response.status_code == 200
    assert "This ranking already has an edition in that year." in errors(response)
    assert Ranking.objects.count() == 1 and RankingEntry.objects.count() == 0


def test_second_edition_in_a_year_is_a_form_error(editor_client):
    edition = make_edition(year=2020, number=9)
    data = edition_form(edition, []) | {"number": "11"}
    response = editor_client.post("/admin/awards/edition/add/", data)
    assert response.status_code == 200
    assert "This programme already has an edition in that year." in errors(response)


def test_a_reported_rank_cannot_be_deleted_from_under_its_stories(editor_client):
    ranking = make_ranking(field_size=5)
    reported = make_entry(ranking, make_city(name="Shenzhen"), position=1)
    unreported = make_entry(ranking, make_city(name="Guangzhou"), position=2)
    story = make_article(title="Shenzhen tops the list")
    story.ranking_entries.add(reported)
    url = f"/admin/awards/ranking/{ranking.pk}/change/"

    data = form_data(editor_client.get(url), "form#ranking_form") | {"entries-0-DELETE": "on"}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert errors(response) == [
        f"{reported} is reported by “Shenzhen tops the list”: correct the row instead of deleting it, "
        "or take it out of those stories first."
    ]
    assert set(ranking.entries.all()) == {reported, unreported}
    assert list(story.ranking_entries.all()) == [reported]

    data = form_data(editor_client.get(url), "form#ranking_form") | {"entries-1-DELETE": "on"}
    assert editor_client.post(url, data).status_code == 302
    assert list(ranking.entries.all()) == [reported]


def test_a_reported_award_cannot_be_deleted_from_under_its_stories(editor_client):
    edition = make_edition()
    recognition = make_recognition(edition=edition)
    for title in ("Second story", "First story"):
        make_article(title=title).recognitions.add(recognition)
    url = f"/admin/awards/edition/{edition.pk}/change/"

    data = form_data(editor_client.get(url), "form#edition_form") | {"recognitions-0-DELETE": "on"}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert errors(response) == [
        f"{recognition} is reported by “First story”, “Second story”: correct the row instead of deleting it, "
        "or take it out of those stories first."
    ]
    assert Recognition.objects.get() == recognition

    Recognition.articles.through.objects.all().delete()
    data = form_data(editor_client.get(url), "form#edition_form") | {"recognitions-0-DELETE": "on"}
    assert editor_client.post(url, data).status_code == 302
    assert not Recognition.objects.exists()

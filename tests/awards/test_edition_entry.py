"""Entering an edition's winners in one sitting: the inline's pickers, and a list pasted or imported at once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import Recognition
from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_organisation,
    make_programme,
    make_recognition,
)
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db


def change_page(client, edition):
    response = client.get(f"/admin/awards/edition/{edition.pk}/change/")
    assert response.status_code == 200
    return parse(response)


def test_the_category_picker_offers_only_the_editions_programme_labelled(editor_client):
    scewc = make_programme(name="Smart City Expo World Congress", short_name="SCEWC")
    other = make_programme(name="Another Prize", short_name="AP")
    edition = make_edition(programme=scewc)
    make_category(scewc, name="Enabling Technologies Award")
    make_category(scewc, name="Mobility Award")
    make_category(other, name="Enabling Technologies Award")
    picker = change_page(editor_client, edition).select_one("select[name=recognitions-0-category]")
    assert [o.get_text() for o in picker.select("option") if o["value"]] == [
        "Enabling Technologies Award",
        "Mobility Award",
    ]


def test_a_new_editions_category_picker_says_which_programme_each_is_of(editor_client):
    make_category(make_programme(short_name="SCEWC"), name="Enabling Technologies Award")
    make_category(make_programme(short_name="AP"), name="Enabling Technologies Award")
    page = parse(editor_client.get("/admin/awards/edition/add/"))
    picker = page.select_one("select[name=recognitions-0-category]")
    assert [o.get_text() for o in picker.select("option") if o["value"]] == [
        "Enabling Technologies Award (SCEWC)",
        "Enabling Technologies Award (AP)",
    ]


def test_add_a_category_opens_with_the_programme_chosen_and_there_are_no_other_icons(editor_client):
    edition = make_edition()
    page = change_page(editor_client, edition)
    row = page.select_one("#recognitions-0")
    add = row.select_one(".field-category a.add-related")
    assert add["href"].startswith("/admin/awards/category/add/?")
    assert f"programme={edition.programme_id}" in add["href"]
    assert row.select(".change-related, .delete-related, .view-related") == []
    assert [a for a in row.select("a.add-related") if a is not add] == []
    response = editor_client.get(add["href"])
    chosen = parse(response).select_one("select[name=programme] option[selected]")
    assert chosen["value"] == str(edition.programme_id)


def test_organisation_pickers_say_which_city_each_is_in(editor_client):
    make_organisation(name="Data Bureau", city=make_city(name="Shenzhen"))
    make_organisation(name="Data Bureau", city=make_city(name="Suzhou"))
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "awards", "model_name": "recognition", "field_name": "organisation", "term": "data"},
    )
    assert sorted(result["text"] for result in response.json()["results"]) == [
        "Data Bureau (Shenzhen)",
        "Data Bureau (Suzhou)",
    ]


def test_a_saved_rows_organisation_is_labelled_with_its_city(editor_client):
    edition = make_edition()
    bureau = make_organisation(name="Data Bureau", city=make_city(name="Shenzhen"))
    make_recognition(edition, organisation=bureau, city=None)
    option = change_page(editor_client, edition).select_one("select[name=recognitions-0-organisation] option[selected]")
    assert option.get_text() == "Data Bureau (Shenzhen)"


@pytest.fixture
def edition():
    programme = make_programme(name="Smart City Expo World Congress", short_name="SCEWC")
    edition = make_edition(programme=programme, year=2020)
    make_category(programme, name="Enabling Technologies Award", aliases=["Enabling Technologies"])
    make_category(programme, name="Mobility Award")
    make_city(name="Shenzhen", slug="shenzhen")
    futian = make_city(name="Futian", slug="futian", parent=make_city(name="Shenzhen North", slug="sz-north"))
    make_organisation(name="Futian Data Bureau", city=futian)
    return edition


def import_url(edition):
    return f"/admin/awards/edition/{edition.pk}/import/"


PASTED = (
    "Category\tResult\tCity\tOrganisation\tProject\tNote\n"
    "Enabling Technologies\tWinner\tShenzhen\t\tAI-HUB (SZ)\t\n"
    "Mobility Award\tfinalist\t\tFutian Data Bureau\tBus lanes\tWith the city's transport office\n"
    "Mobility\tSpecial mention\tShenzhen\t\t\t\n"
)


def test_a_pasted_list_is_imported_whole(editor_client, edition):
    response = editor_client.post(import_url(edition), {"rows": PASTED})
    assert response.status_code == 302
    rows = Recognition.objects.filter(edition=edition).order_by("pk")
    assert [
        (r.category.name, r.get_result_display(), str(r.city or ""), str(r.organisation or ""), r.project_name)
        for r in rows
    ] == [
        ("Enabling Technologies Award", "Winner", "Shenzhen", "", "AI-HUB (SZ)"),
        ("Mobility Award", "Finalist", "", "Futian Data Bureau", "Bus lanes"),
        ("Mobility Award", "Special mention", "Shenzhen", "", ""),
    ]


def test_a_csv_file_is_imported_too(editor_client, edition):
    upload = SimpleUploadedFile("winners.csv", b"category,result,city\nMobility Award,winner,Shenzhen\n")
    response = editor_client.post(import_url(edition), {"rows": "", "file": upload})
    assert response.status_code == 302
    assert Recognition.objects.filter(edition=edition).count() == 1


def test_every_problem_is_listed_by_line_and_nothing_is_saved(editor_client, edition):
    make_article().recognitions.set(
        [
            make_recognition(
                edition, category=edition.programme.categories.get(name="Mobility Award"), city=make_city(name="Wuhan")
            )
        ]
    )
    pasted = (
        "category,result,city,organisation\n"
        "Mobility Award,winner,Shenzhen,\n"  # fine on its own
        "Parking Award,winner,Shenzhen,\n"
        "Mobility Award,champion,Shenzhen,\n"
        "Mobility Award,finalist,Atlantis,\n"
        "Mobility Award,winner,Shenzhen,\n"
        "Mobility Award,finalist,,\n"
        "Mobility Award,winner,Wuhan,\n"
    )
    response = editor_client.post(import_url(edition), {"rows": pasted})
    assert response.status_code == 200
    problems = [li.get_text() for li in parse(response).select("#import-problems li")]
    assert problems == [
        "Line 3: “Parking Award” is not a category of Smart City Expo World Congress: add it on the edition's page "
        "(the “+” beside a category) or check the spelling.",
        "Line 4: the result “champion” is not winner, finalist or special mention.",
        "Line 5: no city is called “Atlantis”: add it under Cities first, or check the spelling.",
        "Line 6: the same recognition is already on line 2.",
        "Line 7: name the city or the organisation that was recognised.",
        "Line 8: this recognition is already in the edition.",
    ]
    assert Recognition.objects.filter(edition=edition).count() == 1, "only the one that was there before"


@pytest.mark.parametrize(
    ("pasted", "problem"),
    [
        ("name,result\nx,winner\n", "Line 1 must name the columns"),
        ("category,city\nMobility Award,Shenzhen\n", "Line 1: name a “result” column"),
        ("category,result,colour\nMobility Award,winner,red\n", "Line 1: unknown column “colour”."),
        ("category,result,city\n", "There are no rows under the first line"),
        ('category,result,city\n"Mobility Award,winner,Shenzhen\n', "this is not readable"),
    ],
)
def test_a_malformed_list_is_refused_with_its_reason(editor_client, edition, pasted, problem):
    response = editor_client.post(import_url(edition), {"rows": pasted})
    assert response.status_code == 200
    problems = [li.get_text() for li in parse(response).select("#import-problems li")]
    assert any(text.startswith(problem) or problem in text for text in problems), problems
    assert not Recognition.objects.filter(edition=edition).exists()


def test_an_empty_form_asks_for_the_list(editor_client, edition):
    response = editor_client.post(import_url(edition), {"rows": "  "})
    assert response.status_code == 200
    assert "Paste the list or choose a file." in parse(response).select_one(".errorlist").get_text()


def test_the_edition_page_links_to_the_import(editor_client, edition):
    page = change_page(editor_client, edition)
    assert page.select_one(f"a[href='{import_url(edition)}']").get_text() == "Import winners and finalists"


def test_contributors_cannot_import(contributor_client, edition):
    response = contributor_client.post(import_url(edition), {"rows": PASTED})
    assert response.status_code == 403
    assert not Recognition.objects.exists()

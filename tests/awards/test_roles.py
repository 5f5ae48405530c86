"""Editors keep the facts (cities, awards, rankings); contributors may only look them up for their stories."""

import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from articles.roles import CONTRIBUTORS, EDITORS
from awards.models import Recognition
from tests.awards.factories import make_city, make_edition, make_entry, make_ranking, make_recognition
from tests.conftest import make_article, parse, snapshot

pytestmark = pytest.mark.django_db

AWARDS_MODELS = [model._meta.model_name for model in apps.get_app_config("awards").get_models()]


def awards_codenames(group):
    permissions = Permission.objects.filter(group__name=group, content_type__app_label="awards")
    return set(permissions.values_list("codename", flat=True))


def awards_snapshot():
    return snapshot(*apps.get_app_config("awards").get_models())


def test_editors_get_every_awards_permission_and_contributors_only_view():
    actions = ("add", "change", "delete", "view")
    assert awards_codenames(EDITORS) == {f"{action}_{model}" for model in AWARDS_MODELS for action in actions}
    assert awards_codenames(CONTRIBUTORS) == {f"view_{model}" for model in AWARDS_MODELS}


@pytest.fixture
def facts():
    city = make_city(name="Shenzhen", slug="shenzhen")
    edition = make_edition()
    recognition = make_recognition(edition, city=city)
    ranking = make_ranking(title="Smart services")
    entry = make_entry(ranking, city, position=1)
    return city, edition, recognition, ranking, entry


def forged_posts(facts):
    city, edition, recognition, ranking, entry = facts
    city_fields = {"name": "Defaced", "slug": "defaced", "country": "Nowhere"}
    ranking_fields = {"title": "Defaced", "slug": "defaced", "year": "2020", "publisher": "x", "scope": "x"}
    ranking_fields |= {"field_size": "5", "entries-TOTAL_FORMS": "1", "entries-INITIAL_FORMS": "1"}
    ranking_fields |= {"entries-0-id": entry.pk, "entries-0-city": city.pk, "entries-0-position": "5"}
    recognition_fields = {"edition": edition.pk, "category": recognition.category_id, "city": city.pk, "result": "2"}
    delete = {"post": "yes"}
    return [
        ("/admin/awards/city/add/", city_fields),
        (f"/admin/awards/city/{city.pk}/change/", city_fields),
        (f"/admin/awards/city/{city.pk}/delete/", delete),
        ("/admin/awards/ranking/add/", ranking_fields | {"entries-INITIAL_FORMS": "0", "entries-0-id": ""}),
        (f"/admin/awards/ranking/{ranking.pk}/change/", ranking_fields),
        (f"/admin/awards/ranking/{ranking.pk}/delete/", delete),
        (f"/admin/awards/rankingentry/{entry.pk}/delete/", delete),
        ("/admin/awards/recognition/add/", recognition_fields),
        (f"/admin/awards/recognition/{recognition.pk}/change/", recognition_fields),
        (f"/admin/awards/recognition/{recognition.pk}/delete/", delete),
        (f"/admin/awards/edition/{edition.pk}/delete/", delete),
    ]


def test_contributor_forged_posts_to_awards_forms_are_refused(contributor_client, facts):
    before = awards_snapshot()
    for url, data in forged_posts(facts):
        assert contributor_client.post(url, data).status_code == 403, url
    assert awards_snapshot() == before


@pytest.mark.parametrize("model", ["city", "ranking", "rankingentry", "recognition", "edition"])
def test_contributor_forged_bulk_deletes_change_nothing(contributor_client, facts, model):
    before = awards_snapshot()
    ids = list(apps.get_model("awards", model).objects.values_list("pk", flat=True))
    data = {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    response = contributor_client.post(f"/admin/awards/{model}/", data)
    # Without the delete permission the list has no actions at all: the post just shows the list again.
    assert response.status_code == 200
    assert parse(response).select_one("select[name=action]") is None
    assert awards_snapshot() == before


def test_the_same_posts_work_for_an_editor(editor_client, facts):
    city, edition, recognition, *_ = facts
    data = {"edition": edition.pk, "category": recognition.category_id, "city": city.pk, "result": "2"}
    assert editor_client.post(f"/admin/awards/recognition/{recognition.pk}/change/", data).status_code == 302
    recognition.refresh_from_db()
    assert recognition.result == Recognition.Result.FINALIST


def test_contributor_sees_a_city_read_only(contributor_client, facts):
    city = facts[0]
    response = contributor_client.get(f"/admin/awards/city/{city.pk}/change/")
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("input[name=name]") is None
    assert page.select_one(".field-name .readonly").get_text(strip=True) == "Shenzhen"


@pytest.mark.parametrize(
    ("field_name", "term", "expected"),
    [("cities", "Shen", ["Shenzhen"]), ("ranking_entries", "Shen", ["Shenzhen: 1 of 32, Smart services (2020)"])],
)
def test_contributor_can_look_up_facts_for_a_story(contributor_client, facts, field_name, term, expected):
    make_article()
    query = {"app_label": "articles", "model_name": "article", "field_name": field_name, "term": term}
    response = contributor_client.get("/admin/autocomplete/", query)
    assert response.status_code == 200
    assert [result["text"] for result in json.loads(response.content)["results"]] == expected

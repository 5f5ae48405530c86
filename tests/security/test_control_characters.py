"""Control characters where a person types (admin forms: a message, nothing saved) and in rows from before the rule."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.models import Article, Photo, Section
from awards.models import Category, City
from tests.conftest import form_data, make_article, make_photo, make_section, parse

CHARACTERS = {"vertical tab": "\x0b", "escape": "\x1b", "C1 control": "\x85", "noncharacter": "\uffff"}


def change_form(client, article):
    return form_data(client.get(f"/admin/articles/article/{article.pk}/change/"))


def snapshot():
    return [list(model.objects.order_by("pk").values()) for model in (Article, Photo, Section)]


@pytest.fixture
def story(db):
    article = make_article(section=make_section(), tags=["SCEWC"])
    make_photo(article, is_lead=True)
    return article


@pytest.mark.django_db
@pytest.mark.parametrize("character", CHARACTERS.values(), ids=CHARACTERS.keys())
@pytest.mark.parametrize(
    "field",
    [
        "title",
        "standfirst",
        "byline",
        "source_name",
        "tags",
        "photos-0-alt_text",
        "photos-0-caption",
        "photos-0-credit",
    ],
)
def test_article_form_refuses_control_characters_with_a_message(editor_client, story, field, character):
    before = snapshot()
    data = change_form(editor_client, story) | {field: f"Before{character}after"}
    response = editor_client.post(f"/admin/articles/article/{story.pk}/change/", data)
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one(".errornote") is not None
    errors = " ".join(li.get_text() for li in page.select(".errorlist li"))
    assert f"invisible control character (U+{ord(character):04X})" in errors
    assert snapshot() == before


@pytest.mark.django_db
def test_a_multi_line_standfirst_keeps_its_line_breaks(editor_client, story):
    data = change_form(editor_client, story) | {"standfirst": "First line.\r\nSecond line.\tTabbed."}
    response = editor_client.post(f"/admin/articles/article/{story.pk}/change/", data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.standfirst == "First line.\r\nSecond line.\tTabbed."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/admin/articles/section/add/", {"name": "Mobi\x0blity", "slug": "mobility", "position": "1"}, "name"),
        ("/admin/awards/city/add/", {"name": "Shen\x0bzhen", "slug": "shenzhen", "country": "China"}, "name"),
        ("/admin/awards/city/add/", {"name": "Shenzhen", "slug": "shenzhen", "country": "Chi\ufffena"}, "country"),
        ("/admin/awards/city/add/", {"name": "Shenzhen\nFutian", "slug": "shenzhen", "country": "China"}, "name"),
    ],
)
def test_other_forms_refuse_them_too(editor_client, url, data, field):
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert parse(response).select_one(f".field-{field} .errorlist") is not None
    assert not Section.objects.exists() and not City.objects.exists()


BEFORE_THE_RULE = [("articles", "0006_story_timelines"), ("awards", "0002_ranking_method_note_length")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_cleans_rows_saved_before_the_rule():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_RULE)
    old = executor.loader.project_state(BEFORE_THE_RULE).apps
    section = old.get_model("articles", "Section").objects.create(name="Mo\x0bbility", slug="mobility")
    # Two names that are one once cleaned: the second keeps its id, so the unique name stays unique.
    old.get_model("articles", "Section").objects.create(name="Mobility", slug="mobility-2")
    article = old.get_model("articles", "Article").objects.create(
        title="Shenzhen\x0b wins\nagain",
        slug="shenzhen-wins",
        standfirst="Line one\r\nline two\ufffe with a\x1b[0m reset",
        section=section,
        status="published",
        published_at=timezone.now(),
    )
    old.get_model("taggit", "Tag").objects.create(name="smart\x85city", slug="smart-city")
    city = old.get_model("awards", "City").objects.create(name="Fu\x0btian", slug="futian", country="China\uffff")
    programme = old.get_model("awards", "AwardProgramme").objects.create(name="SCEWC", slug="scewc")
    old.get_model("awards", "Category").objects.create(
        programme=programme, name="Mobility", normalised_name="mobility", aliases=["Mob\x0bility award"]
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from taggit.models import Tag

    cleaned = Article.objects.get(pk=article.pk)
    assert cleaned.title == "Shenzhen wins again"
    assert cleaned.standfirst == "Line one\r\nline two with a[0m reset"
    assert Section.objects.get(pk=section.pk).name == f"Mobility ({section.pk})"
    assert Tag.objects.get().name == "smartcity"
    assert (City.objects.get(pk=city.pk).name, City.objects.get(pk=city.pk).country) == ("Futian", "China")
    assert Category.objects.get().aliases == ["Mobility award"]

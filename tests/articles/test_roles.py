"""Editors publish; contributors write drafts. Forged POSTs as either role cannot go beyond that."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Photo, Section
from articles.roles import CONTRIBUTORS, EDITORS
from tests.conftest import (
    form_data,
    make_article,
    make_contributor,
    make_editor,
    make_photo,
    make_section,
    parse,
    snapshot,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"
CHANGELIST_URL = "/admin/articles/article/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def draft(**overrides):
    return make_article(status=Article.Status.DRAFT, published_at=None, **overrides)


def group_codenames(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_contributors_may_write_but_not_publish_or_delete_articles():
    codenames = group_codenames(CONTRIBUTORS)
    assert {"add_article", "change_article", "view_article", "add_photo", "view_section", "add_tag"} <= codenames
    assert not codenames & {"publish_article", "delete_article", "change_section", "delete_section", "delete_tag"}
    assert not Permission.objects.filter(group__name=CONTRIBUTORS, content_type__app_label="auth").exists()
    assert "publish_article" in group_codenames(EDITORS)
    assert not Permission.objects.filter(group__name=EDITORS, content_type__app_label="auth").exists()


def test_contributor_forging_a_published_status_on_add_gets_a_draft(contributor_client):
    data = form_data(contributor_client.get(ADD_URL))
    assert "status" not in data and "published_at_0" not in data
    data |= {
        "title": "Forged scoop",
        "slug": "forged-scoop",
        "status": "published",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
    }
    response = contributor_client.post(ADD_URL, data)
    assert response.status_code == 302
    article = Article.objects.get(slug="forged-scoop")
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None)
    assert not Article.objects.published().exists()


def test_contributor_forging_a_published_status_on_change_keeps_the_draft(contributor_client):
    article = draft(title="Draft title")
    data = form_data(contributor_client.get(change_url(article)))
    data |= {"title": "Improved title", "status": "published"}
    data |= {"published_at_0": "2026-01-01", "published_at_1": "10:00"}
    response = contributor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.status, article.published_at) == ("Improved title", "draft", None)


def test_contributor_cannot_change_a_published_article(contributor_client):
    article = make_article(title="Live story")
    response = contributor_client.get(change_url(article))
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("input[name=title]") is None, "the form is read-only"
    assert page.select_one(".field-title .readonly").get_text(strip=True) == "Live story"
    assert page.select(".field-opened_version") == []
    before = snapshot(Article)
    forged = {"title": "Defaced", "slug": article.slug, "opened_version": article.version, "status": "draft"}
    forged |= {"photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"}
    assert contributor_client.post(change_url(article), forged).status_code == 403
    assert snapshot(Article) == before


def test_contributor_cannot_delete_articles(contributor_client):
    article = draft()
    assert contributor_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("action", ["publish", "unpublish", "delete_selected"])
def test_contributor_forged_bulk_actions_change_nothing(contributor_client, action):
    draft()
    make_article()
    before = snapshot(Article)
    data = {"action": action, "_selected_action": list(Article.objects.values_list("pk", flat=True)), "post": "yes"}
    response = contributor_client.post(CHANGELIST_URL, data)
    assert response.status_code in {200, 302}
    assert snapshot(Article) == before


def test_editor_publishes_with_the_bulk_action(editor_client):
    article = draft()
    data = {"action": "publish", "_selected_action": [article.pk]}
    assert editor_client.post(CHANGELIST_URL, data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.is_live
    assert article.history.first().history_user.username == "editor", "the bulk change is a version too"


def test_contributor_cannot_delete_a_published_articles_photo_through_the_inline(contributor_client):
    live = make_article()
    photo = make_photo(live)
    forged = {"title": live.title, "slug": live.slug, "opened_version": live.version}
    forged |= {"photos-TOTAL_FORMS": "1", "photos-INITIAL_FORMS": "1", "photos-0-id": photo.pk}
    forged |= {"photos-0-article": live.pk, "photos-0-alt_text": photo.alt_text, "photos-0-DELETE": "on"}
    assert contributor_client.post(change_url(live), forged).status_code == 403
    assert Photo.objects.filter(pk=photo.pk).exists()


@pytest.mark.parametrize("delete", [False, True])
def test_contributor_cannot_reach_another_articles_photo_through_a_drafts_inline(contributor_client, delete):
    own = draft()
    other_photo = make_photo(make_article(), alt_text="Live photo")
    data = form_data(contributor_client.get(change_url(own)))
    data |= {"photos-TOTAL_FORMS": "1", "photos-INITIAL_FORMS": "1", "photos-0-id": str(other_photo.pk)}
    data |= {"photos-0-article": str(own.pk), "photos-0-alt_text": "Hijacked"}
    if delete:
        data["photos-0-DELETE"] = "on"
    before = snapshot(Photo)
    response = contributor_client.post(change_url(own), data)
    if delete:
        # A deletion of a row outside the article's own photos is dropped silently by the formset.
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        # The refused row is the inline's hidden id field, so the admin shows only its summary note.
        assert parse(response).select_one(".errornote").get_text(strip=True) == "Please correct the error below."
    assert snapshot(Photo) == before


@pytest.mark.parametrize("make_user", [make_editor, make_contributor])
def test_newsroom_roles_cannot_make_anyone_a_superuser(client, make_user):
    user = make_user()
    client.force_login(user)
    victim = User.objects.create_user("reporter", is_staff=True)
    before = snapshot(User)
    for target in (user, victim):
        forged = {"username": target.username, "is_active": "on", "is_staff": "on", "is_superuser": "on"}
        forged |= {"groups": [g.pk for g in Group.objects.all()], "date_joined_0": "2026-01-01"}
        assert client.post(f"/admin/auth/user/{target.pk}/change/", forged).status_code == 403
    assert client.post("/admin/auth/user/add/", {"username": "boss", "is_superuser": "on"}).status_code == 403
    password_change = {"password1": "x", "password2": "x"}
    assert client.post(f"/admin/auth/user/{victim.pk}/password/", password_change).status_code == 403
    assert snapshot(User) == before


@pytest.mark.parametrize("make_user", [make_editor, make_contributor])
def test_newsroom_roles_cannot_change_groups(client, make_user):
    client.force_login(make_user())
    contributors = Group.objects.get(name=CONTRIBUTORS)
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    before = sorted(Permission.objects.filter(group=contributors).values_list("pk", flat=True))
    forged = {"name": CONTRIBUTORS, "permissions": every_permission}
    assert client.post(f"/admin/auth/group/{contributors.pk}/change/", forged).status_code == 403
    assert client.post("/admin/auth/group/add/", {"name": "Admins", "permissions": every_permission}).status_code == 403
    assert client.post(f"/admin/auth/group/{contributors.pk}/delete/", {"post": "yes"}).status_code == 403
    assert sorted(Permission.objects.filter(group=contributors).values_list("pk", flat=True)) == before
    assert list(Group.objects.order_by("name").values_list("name", flat=True)) == [CONTRIBUTORS, EDITORS]


def test_scheduled_article_is_locked_for_contributors_too(contributor_client):
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    forged = {"title": "Changed", "slug": scheduled.slug, "opened_version": scheduled.version}
    assert contributor_client.post(change_url(scheduled), forged).status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.title != "Changed"


def test_contributor_cannot_change_sections_or_delete_tags(contributor_client):
    section = make_section(name="Awards")
    make_article(tags=["Mobility"])
    tag = Tag.objects.get(name="Mobility")
    before = snapshot(Section), snapshot(Tag)
    assert contributor_client.post("/admin/articles/section/add/", {"name": "X", "slug": "x"}).status_code == 403
    forged = {"name": "Renamed", "slug": "renamed", "position": "0"}
    assert contributor_client.post(f"/admin/articles/section/{section.pk}/change/", forged).status_code == 403
    assert contributor_client.post(f"/admin/articles/section/{section.pk}/delete/", {"post": "yes"}).status_code == 403
    assert contributor_client.post(f"/admin/taggit/tag/{tag.pk}/delete/", {"post": "yes"}).status_code == 403
    list_edit = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": section.pk, "form-0-position": "9"}
    contributor_client.post("/admin/articles/section/", list_edit | {"_save": "Save"})
    assert (snapshot(Section), snapshot(Tag)) == before

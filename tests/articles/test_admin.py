"""The newsroom admin: what the Editors group may do, the publishing actions, and who may publish."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Section
from tests.conftest import make_article, make_editor, make_section, parse

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


def action_names(response):
    select = parse(response).select_one('select[name="action"]')
    return [option["value"] for option in select.find_all("option") if option["value"]] if select else []


def run_action(client, action, *articles):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [a.pk for a in articles], "index": "0"})


@pytest.fixture
def writer_client(client):
    """Staff who may write and edit stories but not publish them."""
    user = User.objects.create_user("writer", is_staff=True)
    codenames = ["add_article", "change_article", "view_article", "add_photo", "change_photo", "view_photo"]
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))
    client.force_login(user)
    return client


def test_editor_sees_the_article_list(editor_client):
    make_article(title="Listed story")
    response = editor_client.get(CHANGELIST)
    assert response.status_code == 200
    assert [a.get_text() for a in parse(response).select("#result_list th.field-headline a")] == ["Listed story"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/add/",
        "/admin/articles/section/",
        "/admin/articles/section/add/",
        "/admin/taggit/tag/",
        "/admin/taggit/tag/add/",
    ],
)
def test_editor_opens_newsroom_pages(editor_client, url):
    assert editor_client.get(url).status_code == 200


def test_editor_changes_articles_with_their_photo_inline(editor_client):
    article = make_article()
    response = editor_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one('input[name="photos-TOTAL_FORMS"]') is not None
    assert page.select_one('input[type="file"][name="photos-0-image"]') is not None


def test_editors_group_has_exactly_the_newsroom_permissions(db):
    editor = make_editor()
    for perm in [
        "articles.add_article",
        "articles.change_article",
        "articles.publish_article",
        "articles.add_photo",
        "articles.change_photo",
        "articles.delete_photo",
        "articles.add_section",
        "articles.change_section",
        "taggit.add_tag",
        "taggit.change_tag",
    ]:
        assert editor.has_perm(perm), perm
    for perm in ["auth.view_user", "auth.change_user", "auth.add_group", "auth.change_group", "admin.view_logentry"]:
        assert not editor.has_perm(perm), perm


def test_editor_adds_a_section_and_a_tag(editor_client):
    response = editor_client.post(
        "/admin/articles/section/add/", {"name": "Rankings", "slug": "rankings", "description": "", "position": "2"}
    )
    assert response.status_code == 302
    assert Section.objects.filter(slug="rankings", position=2).exists()
    response = editor_client.post("/admin/taggit/tag/add/", {"name": "Smart City Expo", "slug": "smart-city-expo"})
    assert response.status_code == 302
    assert Tag.objects.filter(slug="smart-city-expo").exists()


def test_editor_changes_a_section(editor_client):
    section = make_section(name="Old name", slug="old")
    response = editor_client.post(
        f"/admin/articles/section/{section.pk}/change/",
        {"name": "New name", "slug": "old", "description": "", "position": "0"},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.name == "New name"


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"])
def test_editor_cannot_manage_accounts(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_editor_adds_and_publishes_an_article_through_the_form(editor_client):
    section = make_section()
    response = editor_client.post(
        "/admin/articles/article/add/",
        {
            "title": "Hangzhou tops the list",
            "slug": "hangzhou-tops-the-list",
            "standfirst": "",
            "body": "<p>Text.</p>",
            "source_name": "",
            "source_url": "",
            "byline": "",
            "section": section.pk,
            "tags": "rankings, hangzhou",
            "status": Article.Status.PUBLISHED,
            "published_at_0": "",
            "published_at_1": "",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED and article.is_live
    assert sorted(article.tags.names()) == ["hangzhou", "rankings"]


def test_publish_action_sets_time_when_empty_and_keeps_a_scheduled_one(editor_client):
    future = timezone.now() + timedelta(days=2)
    unscheduled = make_article(status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(status=Article.Status.DRAFT, published_at=future)
    already_live = make_article()
    live_time = already_live.published_at

    before = timezone.now()
    response = run_action(editor_client, "publish", unscheduled, scheduled, already_live)
    assert response.status_code == 302
    for article in (unscheduled, scheduled, already_live):
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
    assert before <= unscheduled.published_at <= timezone.now()
    assert scheduled.published_at == future and not scheduled.is_live
    assert already_live.published_at == live_time
    messages = [m.message for m in get_messages(response.wsgi_request)]
    assert messages == ["2 articles published."]


def test_unpublish_action_returns_articles_to_draft(editor_client, client):
    live = make_article()
    url = live.get_absolute_url()
    response = run_action(editor_client, "unpublish", live)
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT
    assert live.published_at is not None  # the time is kept for when it is published again
    client.logout()
    assert client.get(url).status_code == 404


def test_editor_sees_the_publishing_actions(editor_client):
    make_article()
    assert {"publish", "unpublish"} <= set(action_names(editor_client.get(CHANGELIST)))


def test_writer_without_publish_permission_gets_no_publishing_actions(writer_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    response = writer_client.get(CHANGELIST)
    assert response.status_code == 200
    assert not {"publish", "unpublish"} & set(action_names(response))

    run_action(writer_client, "publish", draft)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.published_at is None


def test_writer_cannot_set_status_or_publication_time(writer_client):
    form = parse(writer_client.get("/admin/articles/article/add/"))
    assert form.select_one('[name="status"]') is None
    assert form.select_one('[name="published_at_0"]') is None
    assert form.select_one('[name="title"]') is not None

    response = writer_client.post(
        "/admin/articles/article/add/",
        {
            "title": "Sneaky",
            "slug": "sneaky",
            "body": "<p>Text.</p>",
            "status": Article.Status.PUBLISHED,
            "published_at_0": "2020-01-01",
            "published_at_1": "10:00:00",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="sneaky")
    assert article.status == Article.Status.DRAFT and article.published_at is None


def test_writer_without_publish_permission_cannot_change_a_live_article(writer_client):
    live = make_article(title="Live", slug="live")
    response = writer_client.post(
        f"/admin/articles/article/{live.pk}/change/",
        {
            "title": "Live, corrected",
            "slug": "live",
            "body": "<p>Text.</p>",
            "status": Article.Status.DRAFT,
            "published_at_0": "",
            "published_at_1": "",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "1000",
        },
    )
    # Live work belongs to those who may publish: the forged save is refused and nothing changes.
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.title == "Live" and live.is_live

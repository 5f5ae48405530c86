"""Nothing lost: every save keeps a version, versions can be compared and restored, stale saves are refused."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.conftest import form_data, make_article, make_contributor, make_editor, parse

pytestmark = pytest.mark.django_db

REVERT_FORM = "form#historicalarticle_form"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def history_url(article):
    return f"/admin/articles/article/{article.pk}/history/"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def edit(client, article, **changes):
    data = form_data(client.get(change_url(article))) | changes
    return client.post(change_url(article), data)


def test_each_admin_save_keeps_a_version_with_its_author(editor_client):
    article = make_article(title="First", body="<p>One</p>")
    assert edit(editor_client, article, title="Second").status_code == 302
    assert edit(editor_client, article, body="<p>Two</p>").status_code == 302
    versions = list(article.history.order_by("history_date").values_list("title", "body", "history_user__username"))
    assert versions == [
        ("First", "<p>One</p>", None),
        ("Second", "<p>One</p>", "editor"),
        ("Second", "<p>Two</p>", "editor"),
    ]
    article.refresh_from_db()
    assert article.version == 3


def test_history_page_lists_versions_and_offers_a_comparison(editor_client):
    article = make_article(title="First")
    edit(editor_client, article, title="Second")
    response = editor_client.get(history_url(article))
    assert response.status_code == 200
    page = parse(response)
    assert len(page.select("#change-history tbody tr")) == 2
    form = page.select_one("form#compare-versions")
    assert form["action"] == f"{history_url(article)}compare/"
    older, newer = article.history.order_by("history_date")
    assert form.select_one("select[name=older] option[selected]")["value"] == str(older.history_id)
    assert form.select_one("select[name=newer] option[selected]")["value"] == str(newer.history_id)


def test_compare_shows_only_the_changed_fields_escaped(editor_client):
    published_at = timezone.now() - timedelta(hours=1, microseconds=1)
    article = make_article(title="Plain title", body="<p>Old text</p>", byline="Same", published_at=published_at)
    edit(editor_client, article, title="<script>alert(1)</script> title", body="<p>New text</p>")
    older, newer = article.history.order_by("history_date")
    response = editor_client.get(f"{history_url(article)}compare/?older={newer.history_id}&newer={older.history_id}")
    assert response.status_code == 200
    rows = parse(response).select("#version-differences tbody tr")
    table = [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in rows]
    assert table == [
        ["Title", "Plain title", "<script>alert(1)</script> title"],
        ["Body", "<p>Old text</p>", "<p>New text</p>"],
    ]
    assert parse(response).select("#version-differences script") == []
    article.refresh_from_db()
    assert article.published_at == published_at, "the form's whole seconds did not clip the stored time"


@pytest.mark.parametrize(
    "query", ["", "?older=abc&newer=1", "?older=1&newer=99999999999999999999", "?older=-1&newer=0"]
)
def test_compare_with_bad_versions_is_404(editor_client, query):
    article = make_article()
    assert editor_client.get(f"{history_url(article)}compare/{query}").status_code == 404


def test_compare_refuses_versions_of_another_article(editor_client):
    article, other = make_article(), make_article()
    mine = article.history.get().history_id
    theirs = other.history.get().history_id
    assert editor_client.get(f"{history_url(article)}compare/?older={mine}&newer={theirs}").status_code == 404


def test_compare_needs_article_permissions(client):
    article = make_article()
    version = article.history.get().history_id
    url = f"{history_url(article)}compare/?older={version}&newer={version}"
    assert client.get(url).status_code == 302, "anonymous readers go to the login page"
    client.force_login(User.objects.create_user("intern", is_staff=True))
    assert client.get(url).status_code == 403


def test_restoring_an_old_version_brings_back_its_text(editor_client):
    article = make_article(title="Original title", body="<p>Original body</p>")
    edit(editor_client, article, title="Rewritten", body="<p>Rewritten body</p>")
    original = article.history.order_by("history_date").first()
    revert_url = f"{history_url(article)}{original.history_id}/"
    revert_page = editor_client.get(revert_url)
    assert revert_page.status_code == 200
    assert editor_client.post(revert_url, form_data(revert_page, REVERT_FORM)).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("Original title", "<p>Original body</p>")
    assert article.history.count() == 3, "the restore is itself a new version"


def test_contributor_cannot_restore_a_version_into_published_state(editor_client):
    article = make_article(title="Live once")
    editor_client.post("/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    published_version = article.history.order_by("history_date").first()
    assert published_version.status == Article.Status.PUBLISHED

    contributor = logged_in(make_contributor())
    revert_url = f"{history_url(article)}{published_version.history_id}/"
    data = form_data(contributor.get(revert_url), REVERT_FORM) | {"status": "published", "published_at_0": "2026-01-01"}
    assert contributor.post(revert_url, data).status_code == 302
    article.refresh_from_db()
    assert article.title == "Live once"
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


def test_contributor_cannot_restore_over_a_published_article(editor_client):
    article = make_article(title="Draft wording", status=Article.Status.DRAFT, published_at=None)
    going_live = {"status": "published", "published_at_0": "2026-01-01", "published_at_1": "09:00"}
    edit(editor_client, article, title="Live wording", **going_live)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    draft_version = article.history.order_by("history_date").first()

    contributor = logged_in(make_contributor())
    revert_url = f"{history_url(article)}{draft_version.history_id}/"
    revert_page = contributor.get(revert_url)
    assert revert_page.status_code == 200
    assert parse(revert_page).select("input[value=Revert]") == [], "no Revert button offered"
    assert contributor.post(revert_url, form_data(revert_page, REVERT_FORM)).status_code == 403
    article.refresh_from_db()
    assert article.title == "Live wording"


def test_second_of_two_concurrent_saves_gets_a_conflict_and_the_first_text_survives():
    article = make_article(title="Agreed headline", body="<p>Agreed body</p>")
    alice, bob = logged_in(make_editor("alice")), logged_in(make_editor("bob"))
    alice_form = form_data(alice.get(change_url(article)))
    bob_form = form_data(bob.get(change_url(article)))
    assert alice_form["opened_version"] == bob_form["opened_version"] == [str(article.version)]

    assert alice.post(change_url(article), alice_form | {"body": "<p>Alice's body</p>"}).status_code == 302
    response = bob.post(change_url(article), bob_form | {"body": "<p>Bob's body</p>"})
    assert response.status_code == 200
    page = parse(response)
    message = page.select_one(".errornote + .errorlist, ul.errorlist.nonfield").get_text(strip=True)
    assert message.startswith("This article was changed by alice at ")
    assert message.endswith("not saved. Copy your text, reload the page, and apply your changes again.")
    assert page.select_one("textarea[name=body]").get_text() == "<p>Bob's body</p>", "Bob's text is still there to copy"
    article.refresh_from_db()
    assert article.body == "<p>Alice's body</p>"
    assert article.history.count() == 2


def test_a_save_without_the_opened_version_is_refused(editor_client):
    article = make_article(title="Kept")
    data = form_data(editor_client.get(change_url(article))) | {"title": "Blind overwrite"}
    del data["opened_version"]
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "Kept"


def test_a_bulk_publish_counts_as_a_change_for_open_forms(editor_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    stale_form = form_data(editor_client.get(change_url(article)))
    editor_client.post("/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]})
    response = editor_client.post(change_url(article), stale_form | {"title": "Stale edit"})
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.title != "Stale edit"

"""What editors do in the admin for the front page and for updates: pick stories, mark an update, name an author."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Author, FrontPagePick
from tests.conftest import form_data, make_article, parse

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def edit(client, article, **changes):
    data = form_data(client.get(change_url(article))) | changes
    return client.post(change_url(article), data)


def test_marking_an_update_dates_it_and_shows_the_note_to_readers(editor_client, client):
    article = make_article(title="Rates rise", published_at=timezone.now() - timedelta(days=1))
    before = timezone.now()
    response = edit(editor_client, article, mark_updated="on", update_note="Corrected the year of the award.")
    assert response.status_code == 302
    article.refresh_from_db()
    assert before <= article.substantive_update_at <= timezone.now()
    page = parse(client.get(article.get_absolute_url()))
    assert page.select_one(".update-note").get_text(" ", strip=True) == "Update: Corrected the year of the award."
    assert len(page.select(".dateline time")) == 2
    # A later save without the box ticked keeps the update's time.
    marked = article.substantive_update_at
    assert edit(editor_client, article, title="Rates rise again").status_code == 302
    article.refresh_from_db()
    assert article.substantive_update_at == marked


def test_a_draft_cannot_be_marked_as_updated(editor_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    response = edit(editor_client, draft, mark_updated="on")
    assert response.status_code == 200
    errors = parse(response).select(".field-mark_updated .errorlist li")
    assert [error.get_text() for error in errors] == [
        "Only a story already live can be updated; until then, just edit it."
    ]
    draft.refresh_from_db()
    assert draft.substantive_update_at is None


def test_republishing_later_drops_an_update_from_before(client):
    article = make_article(published_at=timezone.now() - timedelta(days=2))
    article.mark_substantive_update()
    article.save()
    article.published_at = timezone.now() + timedelta(minutes=1)
    article.save()  # the database would refuse an update older than the publication; none is kept
    article.refresh_from_db()
    assert article.substantive_update_at is None


def test_editor_picks_front_page_stories_with_an_order_and_an_end(editor_client, client):
    story = make_article(title="Picked story", published_at=timezone.now() - timedelta(days=3))
    make_article(title="Newer story")
    response = editor_client.post(
        "/admin/articles/frontpagepick/add/",
        {"article": story.pk, "position": 1, "ends_at_0": "", "ends_at_1": ""},
    )
    assert response.status_code == 302
    assert FrontPagePick.objects.get().article == story
    assert parse(client.get("/")).select_one(".front__lead .card__title a").get_text() == "Picked story"
    listing = parse(editor_client.get("/admin/articles/frontpagepick/"))
    assert listing.select_one(".field-showing_now img")["alt"] == "True"
    refused = editor_client.post("/admin/articles/frontpagepick/add/", {"article": story.pk, "position": 0})
    assert refused.status_code == 200 and FrontPagePick.objects.count() == 1


def test_contributors_cannot_pick_front_page_stories(contributor_client):
    assert contributor_client.get("/admin/articles/frontpagepick/").status_code == 403


def test_an_author_chosen_in_the_admin_is_linked_from_the_story(editor_client, client):
    author = Author.objects.create(name="Li Wei", slug="li-wei")
    article = make_article(byline="Li Wei")
    assert edit(editor_client, article, author=str(author.pk)).status_code == 302
    byline = parse(client.get(article.get_absolute_url())).select_one(".byline a")
    assert (byline.get_text(), byline["href"]) == ("Li Wei", "/authors/li-wei/")

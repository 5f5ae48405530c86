"""Deleting things in use: refused with a message, or a defined effect that leaves nothing dangling."""

from pathlib import Path

import pytest
from django.conf import settings
from taggit.models import Tag, TaggedItem

from articles.models import Article, Photo, Section
from tests.conftest import form_data, make_article, make_photo, make_section, make_upload, parse

pytestmark = pytest.mark.django_db


def stored_files(photo):
    return [Path(settings.MEDIA_ROOT) / name for name in [photo.image.name, *(r["name"] for r in photo.renditions)]]


def test_deleting_a_section_in_use_is_refused_with_a_message(editor_client):
    section = make_section(name="Awards")
    make_article(section=section, title="Filed under awards")
    url = f"/admin/articles/section/{section.pk}/delete/"
    response = editor_client.get(url)
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("h1").get_text(strip=True) == "Cannot delete section"
    assert [li.get_text(" ", strip=True) for li in page.select("#content ul li")] == ["Article: Filed under awards"]
    assert page.select_one("input[type=submit]") is None
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert parse(response).select_one("h1").get_text(strip=True) == "Cannot delete section"
    assert Section.objects.filter(pk=section.pk).exists()


def test_bulk_deleting_sections_in_use_is_refused(editor_client):
    used, unused = make_section(name="Used"), make_section(name="Unused")
    make_article(section=used)
    data = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"}
    response = editor_client.post("/admin/articles/section/", data)
    assert response.status_code == 200
    assert parse(response).select_one("h1").get_text(strip=True) == "Cannot delete sections"
    assert Section.objects.count() == 2


def test_deleting_an_unused_section_works(editor_client):
    section = make_section()
    assert editor_client.post(f"/admin/articles/section/{section.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Section.objects.exists()


def test_deleting_an_article_deletes_its_photos_and_their_files_but_keeps_its_history(
    editor_client, django_capture_on_commit_callbacks
):
    article = make_article(title="Going away")
    photos = [make_photo(article, is_lead=True), make_photo(article)]
    files = [path for photo in photos for path in stored_files(photo)]
    assert files and all(path.exists() for path in files)
    keeper = make_photo(make_article(), alt_text="Another article's photo")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert list(Photo.objects.values_list("pk", flat=True)) == [keeper.pk]
    assert not any(path.exists() for path in files)
    assert all(path.exists() for path in stored_files(keeper))
    assert article.history.first().history_type == "-", "the deletion is a version too"
    assert editor_client.get(f"/admin/articles/article/{article.pk}/history/").status_code == 200


def test_an_editor_can_bring_back_a_deleted_article_from_its_history(editor_client):
    article = make_article(title="Deleted by mistake", body="<p>Precious</p>")
    pk = article.pk
    editor_client.post(f"/admin/articles/article/{pk}/delete/", {"post": "yes"})
    last_saved = article.history.filter(history_type="+").get()
    revert_url = f"/admin/articles/article/{pk}/history/{last_saved.history_id}/"
    data = form_data(editor_client.get(revert_url), "form#historicalarticle_form")
    assert editor_client.post(revert_url, data).status_code == 302
    restored = Article.objects.get(pk=pk)
    assert (restored.title, restored.body) == ("Deleted by mistake", "<p>Precious</p>")


def test_a_rolled_back_photo_delete_keeps_its_files(django_capture_on_commit_callbacks):
    photo = make_photo(make_article())
    files = stored_files(photo)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo.delete()
    assert all(path.exists() for path in files), "file removal waits for the commit"
    for callback in callbacks:
        callback()
    assert not any(path.exists() for path in files)


def test_removing_the_lead_photo_through_the_inline_leaves_working_pages(
    editor_client, client, django_capture_on_commit_callbacks
):
    section = make_section(slug="awards")
    article = make_article(section=section, title="Once had a lead")
    lead = make_photo(article, is_lead=True, alt_text="Lead")
    make_photo(article, alt_text="Gallery")
    change_url = f"/admin/articles/article/{article.pk}/change/"
    data = form_data(editor_client.get(change_url))
    lead_prefix = next(k for k, v in data.items() if k.endswith("-id") and v == [str(lead.pk)])[: -len("id")]
    data[f"{lead_prefix}DELETE"] = ["on"]
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(change_url, data).status_code == 302
    assert list(article.photos.values_list("alt_text", flat=True)) == ["Gallery"]

    story = parse(client.get(article.get_absolute_url()))
    assert story.select_one("figure.story__lead") is None
    assert [img["alt"] for img in story.select(".gallery figure img")] == ["Gallery"]
    for url in ("/", "/section/awards/"):
        response = client.get(url)
        assert response.status_code == 200
        card = next(c for c in parse(response).select("main .card") if "Once had a lead" in c.get_text())
        assert card.select("img") == []


def test_deleting_a_tag_in_use_untags_its_articles(editor_client, client):
    article = make_article(tags=["Mobility", "Energy"])
    mobility = Tag.objects.get(name="Mobility")
    assert editor_client.post(f"/admin/taggit/tag/{mobility.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(article.tags.names()) == ["Energy"]
    assert not TaggedItem.objects.filter(tag_id=mobility.pk).exists()
    assert client.get(f"/tag/{mobility.slug}/").status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 200


def test_replacing_a_photos_image_removes_the_old_files_after_the_save(settings, django_capture_on_commit_callbacks):
    photo = make_photo(make_article())
    old_names = [photo.image.name, *(r["name"] for r in photo.renditions)]
    assert all((settings.MEDIA_ROOT / name).exists() for name in old_names)
    photo.image = make_upload("replacement.png", fmt="PNG", content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    assert not any((settings.MEDIA_ROOT / name).exists() for name in old_names)
    assert (settings.MEDIA_ROOT / photo.image.name).exists() and photo.image.name.endswith(".png")

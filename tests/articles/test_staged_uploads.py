"""A photo chosen in an article form that fails validation is kept for the next try: privately, for the
editor's own session, for a limited time; several photos can be added in one go."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from articles import staged_uploads
from articles.models import Article, Photo
from tests.articles.test_uploads import ADD_URL, article_form_data
from tests.conftest import form_data, make_article, make_editor, make_photo, make_upload, parse

pytestmark = pytest.mark.django_db


def staged_files(settings):
    root = Path(settings.STORAGES["staged_uploads"]["OPTIONS"]["location"])
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def failed_first_try(client):
    """An add form whose photo is fine but has no alt text: the save fails."""
    data = article_form_data(image=make_upload("harbour.jpg", size=(900, 600)), alt_text="")
    response = client.post(ADD_URL, data)
    assert response.status_code == 200, "the form comes back with its errors"
    assert not Article.objects.exists()
    return response


def test_a_photo_chosen_in_a_failed_save_is_kept_and_shown(editor_client, settings):
    page = parse(failed_first_try(editor_client))
    row = page.select_one("#photos-0")
    assert "This field is required." in row.select_one(".field-alt_text").get_text()
    thumbnail = row.select_one("img[data-staged-photo]")
    assert thumbnail["src"].startswith("data:image/webp;base64,"), "drawn into the page, never served"
    assert "harbour.jpg" in row.select_one(".staged-photo").get_text()
    assert row.select_one("input[type=hidden][name=photos-0-image-staged]")["value"]
    assert len(staged_files(settings)) == 1
    assert media_files(settings) == [], "nothing under MEDIA_ROOT before the photo is saved"


def test_the_second_try_saves_the_kept_photo_without_choosing_it_again(
    editor_client, settings, django_capture_on_commit_callbacks
):
    data = form_data(failed_first_try(editor_client))
    data["photos-0-alt_text"] = "The harbour at dusk"
    data["_save"] = "Save"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.alt_text, photo.width, photo.height) == ("The harbour at dusk", 900, 600)
    assert staged_files(settings) == [], "the kept copy goes once the photo is saved"


def test_a_kept_photo_survives_a_second_failure_too(editor_client, settings):
    data = form_data(failed_first_try(editor_client))
    data["title"] = ""
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    row = parse(response).select_one("#photos-0")
    assert row.select_one("img[data-staged-photo]") is not None
    assert len(staged_files(settings)) == 1, "the same kept file, not a copy per try"


def test_another_session_cannot_take_a_kept_photo(client, settings):
    client.force_login(make_editor("first"))
    data = form_data(failed_first_try(client))
    data["photos-0-alt_text"] = "Taken by someone else"
    client.logout()
    client.force_login(make_editor("second"))
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = parse(response).select_one("#photos-0 .field-image").get_text()
    assert "The photo chosen earlier cannot be found; choose it again." in errors
    assert not Photo.objects.exists()


def test_a_forged_token_is_a_form_error(editor_client):
    data = form_data(failed_first_try(editor_client))
    data["photos-0-alt_text"] = "Forged"
    data["photos-0-image-staged"] = "not-a-token"
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "cannot be found" in parse(response).select_one("#photos-0 .field-image").get_text()
    assert not Photo.objects.exists()


def test_an_expired_photo_is_asked_for_again_and_removed(editor_client, settings, monkeypatch):
    data = form_data(failed_first_try(editor_client))
    data["photos-0-alt_text"] = "Too late"
    later = time.time() + settings.STAGED_UPLOAD_MAX_AGE + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert staged_uploads.EXPIRED in parse(response).select_one("#photos-0 .field-image").get_text()
    assert staged_files(settings) == []
    assert not Photo.objects.exists()


def test_kept_photos_are_never_reachable_by_readers(client, editor_client, settings):
    failed_first_try(editor_client)
    (name,) = staged_files(settings)
    staging_root = Path(settings.STORAGES["staged_uploads"]["OPTIONS"]["location"]).resolve()
    assert not staging_root.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    client.logout()
    for address in [f"{settings.MEDIA_URL}{name}", f"{settings.MEDIA_URL}staged-uploads/{name}", f"/{name}"]:
        assert client.get(address).status_code == 404


def test_expired_kept_photos_are_removed_by_the_sweep(editor_client, settings):
    failed_first_try(editor_client)
    failed_first_try(editor_client)
    old, fresh = staged_files(settings)
    root = Path(settings.STORAGES["staged_uploads"]["OPTIONS"]["location"])
    long_ago = time.time() - settings.STAGED_UPLOAD_MAX_AGE - 60
    os.utime(root / old, (long_ago, long_ago))
    output = io.StringIO()
    call_command("remove_expired_staged_uploads", stdout=output)
    assert staged_files(settings) == [fresh]
    assert output.getvalue().splitlines() == [f"removed {old}", "1 expired staged upload(s) removed."]


def test_the_sweep_with_nothing_staged_removes_nothing(settings):
    assert staged_uploads.remove_expired() == []


def test_several_photos_added_at_once_each_get_a_row_to_describe(editor_client, settings):
    data = article_form_data()
    data.update({"photos-TOTAL_FORMS": "0", "_continue": "Save and continue editing"})
    del data["_save"]
    data = {key: value for key, value in data.items() if not key.startswith("photos-0-")}
    data["add_photos"] = [
        make_upload("first.jpg", size=(640, 480)),
        make_upload("second.png", fmt="PNG", content_type="image/png", size=(500, 500)),
        SimpleUploadedFile("notes.jpg", b"just some notes", content_type="image/jpeg"),
    ]
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    page = parse(response)
    field_errors = page.select_one(".field-add_photos .errorlist").get_text()
    assert "Not added: notes.jpg: This is not a readable JPEG, PNG, WebP or GIF image." in field_errors
    rows = page.select(".inline-related:not(.empty-form)[id^=photos-]")
    kept = [row.select_one(".staged-photo").get_text() for row in rows if row.select_one(".staged-photo")]
    assert [text.split(":")[0].strip() for text in kept] == ["first.jpg", "second.png"]
    assert not Article.objects.exists()

    data = form_data(response)
    for number, alt in enumerate(["The first photo", "The second photo"]):
        data[f"photos-{number}-alt_text"] = alt
    data["_save"] = "Save"
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302
    assert sorted(Photo.objects.values_list("alt_text", "width")) == [
        ("The first photo", 640),
        ("The second photo", 500),
    ]


def test_a_change_page_shows_place_in_story_buttons_for_saved_photos(editor_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    photo = make_photo(article, alt_text="A tram")
    page = parse(editor_client.get(reverse("admin:articles_article_change", args=[article.pk])))
    button = page.select_one(f"button[data-place-photo='{photo.pk}']")
    assert button.get_text() == "Place in story"
    assert page.select_one(f"img[data-photo-preview='{photo.pk}']")["data-photo-alt"] == "A tram"

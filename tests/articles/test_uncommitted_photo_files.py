"""A photo's files stay only while a committed row names them: a failed save leaves none behind, and a
rollback outside the blocks that clean up after one leaves them to the sweep.

Real transactions (``transaction=True``): a test wrapped in one never commits nor truly rolls back.
"""

import io
from contextlib import suppress
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models.signals import pre_save

from articles.importer import MalformedStory
from articles.models import Article, Photo
from articles.uncommitted_files import removed_on_failure
from tests.conftest import form_data, image_bytes, make_article, make_photo, make_upload

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    """Raised inside an atomic block to roll it back."""


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def file_names(photo):
    return [photo.image.name, *(r["name"] for r in photo.renditions), *(c["name"] for c in photo.social_crops)]


def png_upload(name="replacement.png"):
    return make_upload(name, fmt="PNG", content_type="image/png", size=(700, 400))


def test_a_photo_saved_in_a_unit_of_work_that_fails_leaves_no_files(settings):
    article = make_article()
    with pytest.raises(Rollback), removed_on_failure():
        photo = make_photo(article, image=make_upload(size=(1000, 600)))
        written = file_names(photo)
        assert len(written) == 8, "the image, its 320, 640, 960 and 1000 px renditions and three JPEG crops"
        assert media_files(settings) == sorted(written)
        raise Rollback
    assert media_files(settings) == []
    assert not Photo.objects.exists()


def test_a_successful_save_keeps_its_files(settings):
    article = make_article()
    on_its_own = make_photo(article, alt_text="Saved on its own")
    with removed_on_failure():
        in_a_transaction = make_photo(article, alt_text="Saved in a transaction")
    assert media_files(settings) == sorted(file_names(on_its_own) + file_names(in_a_transaction))
    stored = {photo.alt_text: file_names(photo) for photo in Photo.objects.all()}
    assert stored == {
        "Saved on its own": file_names(on_its_own),
        "Saved in a transaction": file_names(in_a_transaction),
    }


def test_a_failed_inner_block_takes_only_its_own_photos_files(settings):
    article = make_article()
    with removed_on_failure():
        kept = make_photo(article, alt_text="Kept")
        with suppress(Rollback), removed_on_failure():
            make_photo(article, alt_text="Rolled back")
            raise Rollback
    assert list(Photo.objects.values_list("alt_text", flat=True)) == ["Kept"]
    assert media_files(settings) == sorted(file_names(kept))


def test_a_photo_whose_row_is_refused_leaves_no_files_and_can_be_saved_again(settings):
    article = make_article()
    lead = make_photo(article, is_lead=True)
    second = Photo(article=article, alt_text="A second lead", is_lead=True, image=make_upload())
    with pytest.raises(IntegrityError):
        second.save()
    assert media_files(settings) == sorted(file_names(lead))

    second.is_lead = False
    second.save()
    assert media_files(settings) == sorted(file_names(lead) + file_names(second))
    assert Photo.objects.get(pk=second.pk).image.name == second.image.name


def test_a_rolled_back_replacement_keeps_the_old_files_and_removes_the_new(settings):
    photo = make_photo(make_article())
    old = file_names(photo)
    with pytest.raises(Rollback), removed_on_failure():
        photo.image = png_upload()
        photo.save()
        new = file_names(photo)
        assert media_files(settings) == sorted(old + new)
        raise Rollback
    assert media_files(settings) == sorted(old)
    photo.refresh_from_db()
    assert file_names(photo) == old


def test_a_replacement_whose_row_is_refused_keeps_the_old_files(settings):
    article = make_article()
    lead = make_photo(article, is_lead=True)
    photo = make_photo(article)
    old = file_names(photo)
    photo.image, photo.is_lead = png_upload(), True  # a second lead: the update is refused
    with pytest.raises(IntegrityError):
        photo.save()
    assert media_files(settings) == sorted(file_names(lead) + old)
    assert file_names(Photo.objects.get(pk=photo.pk)) == old


def test_a_committed_replacement_removes_the_old_files(settings):
    photo = make_photo(make_article())
    old = file_names(photo)
    photo.image = png_upload()
    photo.save()
    assert media_files(settings) == sorted(file_names(photo))
    assert not set(old) & set(file_names(photo))


@pytest.fixture
def second_photo_refused_by_the_database():
    """The database refuses the second photo's row after the first photo was saved: as when another
    editor's lead photo is committed between the admin's form checks and its save."""

    def make_it_a_second_lead(sender, instance, **kwargs):
        if instance.alt_text == "Second":
            instance.is_lead = True

    pre_save.connect(make_it_a_second_lead, sender=Photo, dispatch_uid="test.second_lead")
    yield
    pre_save.disconnect(sender=Photo, dispatch_uid="test.second_lead")


def test_an_admin_save_whose_later_inline_fails_leaves_no_files(
    editor_client, settings, second_photo_refused_by_the_database
):
    article = make_article(title="Two new photos")
    change_url = f"/admin/articles/article/{article.pk}/change/"
    data = form_data(editor_client.get(change_url))
    data["photos-TOTAL_FORMS"] = ["2"]
    for index, alt_text, is_lead in [(0, "First", True), (1, "Second", False)]:
        fields = {"id": "", "article": str(article.pk), "alt_text": alt_text, "caption": "", "credit": ""}
        fields |= {"taken_on": "", "position": str(index), "image": make_upload(f"{alt_text}.jpg")}
        if is_lead:
            fields["is_lead"] = "on"
        data.update({f"photos-{index}-{name}": value for name, value in fields.items()})

    with pytest.raises(IntegrityError):
        editor_client.post(change_url, data)

    assert not Photo.objects.exists()
    assert media_files(settings) == []
    article.refresh_from_db()
    assert article.version == 1, "the whole save was rolled back"


def test_an_import_refused_at_its_second_photo_leaves_no_files(settings, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    story = folder / "story.txt"
    story.write_text(
        "Riverton City Portal\nLibrary opening hours extended\nFrom: Riverton Evening Post\n"
        "Updated: 2021-03-02 09:30\n\nOpening paragraph.\n\nhall.jpg\n\nsquare.png\n",
        encoding="utf-8",
    )
    (folder / "hall.jpg").write_bytes(image_bytes("JPEG", size=(400, 300)))
    (folder / "square.png").write_bytes(image_bytes("PNG", size=(500, 250)))

    def refuse_the_second_photo(sender, instance, **kwargs):
        if instance.position == 1:
            raise MalformedStory("line 11: square.png: refused")

    pre_save.connect(refuse_the_second_photo, sender=Photo, dispatch_uid="test.refuse_second")
    errors = io.StringIO()
    try:
        with pytest.raises(CommandError):
            call_command("import_story", str(story), stderr=errors)
    finally:
        pre_save.disconnect(sender=Photo, dispatch_uid="test.refuse_second")

    assert errors.getvalue() == f"{story}: rejected: line 11: square.png: refused\n"
    assert not Article.objects.exists() and not Photo.objects.exists()
    assert media_files(settings) == []


def test_an_outer_failure_takes_the_files_of_an_inner_block_that_succeeded(settings):
    article = make_article()
    with pytest.raises(Rollback), removed_on_failure():
        with removed_on_failure():
            make_photo(article, alt_text="Saved, then rolled back with the outer block")
        raise Rollback
    assert not Photo.objects.exists()
    assert media_files(settings) == []


def test_a_rollback_outside_the_cleanup_blocks_is_left_to_the_sweep(settings):
    """Django has no rollback hook: a script's own atomic() that rolls back leaves the files, and the
    sweep removes them once they are past its grace period."""
    article = make_article()
    with pytest.raises(Rollback), transaction.atomic():
        written = file_names(make_photo(article))
        raise Rollback
    assert media_files(settings) == sorted(written)
    output = io.StringIO()
    call_command("remove_orphaned_photo_files", "--delete", "--older-than-hours", "0", stdout=output)
    assert media_files(settings) == []

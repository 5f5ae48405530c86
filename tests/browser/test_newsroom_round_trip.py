"""A newsroom round trip: a contributor drafts a story with three photos (one kept across a failed save)
and places one in the text; an editor schedules it; readers get it at its time, every photo loaded."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from articles.roles import CONTRIBUTORS
from tests.conftest import image_bytes

from .conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOES_LIVE_AFTER = timedelta(seconds=20)


def log_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Newsroom")).to_be_visible()
    return context, page


def test_a_story_with_photos_goes_from_contributor_to_readers(live_server, browser, editor, tmp_path, artifacts_dir):
    contributor = User.objects.create_user("contributor", password=EDITOR_PASSWORD, is_staff=True)
    contributor.groups.add(Group.objects.get(name=CONTRIBUTORS))
    files = {}
    for name, size, colour in [("tram.jpg", (1600, 1000), (200, 40, 40)), ("depot.jpg", (1200, 800), (40, 160, 60)),
                               ("platform.png", (900, 900), (40, 60, 200))]:  # fmt: skip
        files[name] = tmp_path / name
        files[name].write_bytes(image_bytes("PNG" if name.endswith(".png") else "JPEG", size=size, color=colour))

    # The contributor: two photos in their rows, a third through "Add photos", which still needs its alt text.
    writer_context, writer = log_in(browser, live_server, "contributor")
    writer.goto(f"{live_server.url}/admin/articles/article/add/")
    writer.get_by_label("Title:").fill("Line 3 trams start running through Futian")
    writer.get_by_label("Standfirst:").fill("The district's first tram line carries its first passengers.")
    body = writer.locator(".field-body .ProseMirror[contenteditable]")
    expect(body).to_have_attribute("spellcheck", "true")
    assert body.evaluate("element => element.spellcheck") is True
    body.click()
    writer.keyboard.type("The first tram left the depot at six.")
    writer.keyboard.press("Enter")
    writer.keyboard.type("Passengers filled every carriage by seven.")
    expect(writer.locator(".word-count")).to_have_text("14 words")
    writer.locator("#id_photos-0-image").set_input_files(str(files["tram.jpg"]))
    writer.locator("#id_photos-0-alt_text").fill("A red tram at a stop in Futian")
    writer.locator("#id_photos-0-is_lead").check()
    writer.get_by_role("button", name="Add another Photo").click()
    writer.locator("#id_photos-1-image").set_input_files(str(files["depot.jpg"]))
    writer.locator("#id_photos-1-alt_text").fill("Trams parked side by side in the depot")
    writer.locator("#id_photos-1-caption").fill("The depot the night before opening.")
    writer.locator("#id_photos-1-credit").fill("Li Wei")
    writer.locator("#id_add_photos").set_input_files(str(files["platform.png"]))
    writer.get_by_role("button", name="Save and continue editing").first.click()

    expect(writer.locator(".errornote")).to_be_visible()
    assert not Article.objects.exists()
    kept = writer.locator("img[data-staged-photo]")
    expect(kept).to_have_count(3)
    for index in range(3):
        kept.nth(index).scroll_into_view_if_needed()
        writer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=kept.nth(index).element_handle())
    third = writer.locator("#photos-2")
    expect(third.locator(".staged-photo")).to_contain_text("platform.png")
    expect(third.locator(".field-alt_text .errorlist")).to_have_text("This field is required.")
    third.screenshot(path=str(artifacts_dir / "newsroom-kept-photo.png"))
    writer.screenshot(path=str(artifacts_dir / "newsroom-article-form.png"), full_page=True)
    third.locator("#id_photos-2-alt_text").fill("The new platform at Futian station")
    writer.get_by_role("button", name="Save and continue editing").first.click()
    expect(writer.locator(".messagelist .success")).to_contain_text("was added successfully")

    article = Article.objects.get()
    photos = {photo.alt_text: photo for photo in article.photos.all()}
    assert sorted((p.width, p.height) for p in photos.values()) == [(900, 900), (1200, 800), (1600, 1000)]
    depot = photos["Trams parked side by side in the depot"]

    # Placing the depot photo between the two paragraphs.
    writer.locator(".field-body .ProseMirror[contenteditable] p").first.click()
    writer.keyboard.press("End")
    place = writer.locator(f"button[data-place-photo='{depot.pk}']")
    expect(place).to_be_enabled()
    place.click()
    expect(writer.locator(f".ProseMirror figure[data-photo='{depot.pk}']")).to_contain_text(depot.alt_text)
    writer.locator(".field-body").screenshot(path=str(artifacts_dir / "newsroom-body-editor.png"))
    writer.get_by_role("button", name="Save and continue editing").first.click()
    expect(writer.locator(".messagelist .success")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.placed_photo_ids == [depot.pk]
    assert article.status == Article.Status.DRAFT
    writer_context.close()

    # The editor reviews it and schedules it.
    editor_context, desk = log_in(browser, live_server, "editor")
    expect(desk.locator(".newsroom-dashboard")).to_contain_text(article.title)
    desk.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    goes_live = timezone.localtime(timezone.now() + GOES_LIVE_AFTER).replace(microsecond=0)
    desk.locator("#id_status").select_option("published")
    desk.locator("#id_published_at_0").fill(goes_live.strftime("%d/%m/%Y"))
    desk.locator("#id_published_at_1").fill(goes_live.strftime("%H:%M:%S"))
    desk.get_by_role("button", name="Save", exact=True).first.click()
    expect(desk.locator(".messagelist .success")).to_contain_text("was changed successfully")
    row = desk.get_by_role("row", name=re.compile(article.title))
    expect(row.locator(".status-badge")).to_have_text("Scheduled")
    desk.screenshot(path=str(artifacts_dir / "newsroom-article-list.png"))
    article.refresh_from_db()
    assert article.published_at == goes_live

    reader_context = browser.new_context(viewport={"width": 1280, "height": 900})
    reader = reader_context.new_page()
    assert reader.goto(f"{live_server.url}{article.get_absolute_url()}").status == 404
    time.sleep(max(0, (goes_live - timezone.now()).total_seconds()) + 1)
    assert reader.goto(f"{live_server.url}{article.get_absolute_url()}").status == 200

    # The placed photo sits between the paragraphs, the lead above, the third in the gallery: all loaded.
    expect(reader.locator(".story__body > *")).to_have_count(3)
    placed = reader.locator(".story__body > figure img")
    expect(placed).to_have_attribute("alt", depot.alt_text)
    expect(placed).to_have_attribute("loading", "lazy")
    expect(placed).to_have_attribute("srcset", re.compile(r"320w, .+ 1200w$"))
    expect(reader.locator(".story__body > figure figcaption")).to_contain_text("Photo: Li Wei")
    images = reader.locator("article.story img")
    expect(images).to_have_count(3)
    for index in range(3):
        images.nth(index).scroll_into_view_if_needed()
        reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=images.nth(index).element_handle())
    assert sorted(images.evaluate_all("imgs => imgs.map(img => img.alt)")) == sorted(photos)
    reader.screenshot(path=str(artifacts_dir / "newsroom-story-for-readers.png"), full_page=True)
    editor_context.close()
    reader_context.close()

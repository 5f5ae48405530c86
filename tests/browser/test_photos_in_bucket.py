"""With photos in an S3-compatible bucket, an editor uploads through the admin and a reader's page shows every image."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.conftest import image_bytes

from .conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_CSP = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
    "`${e.violatedDirective} ${e.blockedURI}`));"
)


def every_image_loaded(page, selector="img"):
    """Scrolls each image into view (lazy ones load then) and returns the addresses it loaded from."""
    addresses = []
    images = page.locator(selector)
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        addresses.append(image.evaluate("img => img.currentSrc"))
    return addresses


def test_editor_uploads_to_the_bucket_and_a_reader_sees_every_photo(
    live_server, browser, editor, media_bucket, tmp_path
):
    lead_path, gallery_path = tmp_path / "harbour.jpg", tmp_path / "ferry.png"
    lead_path.write_bytes(image_bytes("JPEG", size=(1400, 900), color=(20, 60, 120)))
    gallery_path.write_bytes(image_bytes("PNG", size=(900, 600), color=(200, 120, 40)))

    newsroom = browser.new_context()
    admin = newsroom.new_page()
    admin.add_init_script(WATCH_CSP)
    admin.goto(f"{live_server.url}/admin/login/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill(EDITOR_PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.goto(f"{live_server.url}/admin/articles/article/add/")
    admin.get_by_label("Title:").fill("Ferries return to the harbour")
    admin.locator("#id_status").select_option("published")
    admin.locator("#id_photos-0-image").set_input_files(str(lead_path))
    admin.locator("#id_photos-0-alt_text").fill("The harbour at dusk")
    admin.locator("#id_photos-0-is_lead").check()
    admin.get_by_role("button", name="Save and continue editing").first.click()
    expect(admin.locator(".messagelist .success")).to_contain_text("was added successfully")
    admin.locator("#id_photos-1-image").set_input_files(str(gallery_path))
    admin.locator("#id_photos-1-alt_text").fill("A ferry leaving the pier")
    admin.locator("#id_photos-1-position").fill("1")
    admin.get_by_role("button", name="Save and continue editing").first.click()
    expect(admin.locator(".messagelist .success")).to_contain_text("was changed successfully")
    previews = every_image_loaded(admin, ".field-preview img")
    assert len(previews) == 2 and all(url.startswith(media_bucket.public_url) for url in previews)
    assert admin.evaluate("window.__cspViolations") == []

    article = Article.objects.get()
    names = {photo.image.name for photo in article.photos.all()}
    names |= {rendition["name"] for photo in article.photos.all() for rendition in photo.renditions}
    assert names <= set(media_bucket.object_names()) and len(names) > 2

    reader = browser.new_context().new_page()
    reader.add_init_script(WATCH_CSP)
    for path, photos_shown in ((article.get_absolute_url(), 2), ("/", 1)):
        reader.goto(f"{live_server.url}{path}")
        loaded = every_image_loaded(reader)
        assert len(loaded) == photos_shown, loaded
        assert all(url.startswith(f"{media_bucket.public_url}/photos/") for url in loaded), loaded
        assert reader.evaluate("window.__cspViolations") == []
    newsroom.close()

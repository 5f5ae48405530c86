"""Photos dropped on the article form join its "Add photos" input, and the next save gives each a row."""

import base64

import pytest
from playwright.sync_api import expect

from tests.conftest import image_bytes

from .conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROP = """([zone, files]) => {
  const transfer = new DataTransfer()
  for (const [name, type, data] of files) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
    transfer.items.add(new File([bytes], name, { type }))
  }
  zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }))
}"""


def encoded(data):
    return base64.b64encode(data).decode()


def test_dropped_photos_become_rows_to_describe(live_server, browser, editor, artifacts_dir):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.get_by_label("Title:").fill("Night markets return to Nanshan")

    files = [
        ["stalls.jpg", "image/jpeg", encoded(image_bytes("JPEG", size=(640, 480), color=(200, 120, 40)))],
        ["lanterns.png", "image/png", encoded(image_bytes("PNG", size=(640, 480), color=(220, 40, 40)))],
        ["notes.txt", "text/plain", encoded(b"not a photo")],  # not an image: the zone leaves it out
    ]
    zone = page.locator(".photo-drop-zone")
    page.evaluate(DROP, [zone.element_handle(), files])
    expect(page.locator(".photo-drop-list li")).to_have_text(["stalls.jpg", "lanterns.png"])
    assert page.locator("#id_add_photos").evaluate("input => input.files.length") == 2

    page.get_by_role("button", name="Save and continue editing").first.click()
    kept = page.locator(".staged-photo")
    expect(kept).to_have_count(2)
    expect(kept.nth(0)).to_contain_text("stalls.jpg")
    expect(kept.nth(1)).to_contain_text("lanterns.png")
    page.screenshot(path=str(artifacts_dir / "newsroom-dropped-photos.png"), full_page=True)

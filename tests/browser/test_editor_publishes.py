"""An editor writes and publishes a story in the admin; a reader then finds it."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.conftest import image_bytes

from .conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_drafts_publishes_and_reader_sees_photo(live_server, browser, editor, tmp_path, artifacts_dir):
    photo_path = tmp_path / "WechatIMG814_副本.jpg"
    photo_path.write_bytes(image_bytes("JPEG", size=(1600, 1000)))

    newsroom = browser.new_context()
    admin = newsroom.new_page()
    admin.goto(f"{live_server.url}/admin/login/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill(EDITOR_PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    expect(admin.get_by_role("heading", name="Newsroom")).to_be_visible()

    admin.goto(f"{live_server.url}/admin/articles/article/add/")
    admin.get_by_label("Title:").fill("Futian opens its AI hub to fifty companies")
    admin.get_by_label("Standfirst:").fill("The district's innovation space now hosts more than fifty firms.")
    expect(admin.locator("#id_slug")).to_have_value("futian-opens-its-ai-hub-to-fifty-companies")
    admin.get_by_role("textbox").and_(admin.locator(".ProseMirror")).click()
    admin.keyboard.type("The hub pairs public data with real scenarios for AI developers.")
    admin.locator("#id_photos-0-image").set_input_files(str(photo_path))
    admin.locator("#id_photos-0-alt_text").fill("Developers at desks in an open-plan innovation lab")
    admin.locator("#id_photos-0-caption").fill("Inside the hub's open laboratory.")
    admin.locator("#id_photos-0-is_lead").check()
    admin.get_by_role("button", name="Save", exact=True).first.click()
    expect(admin.locator(".messagelist .success")).to_contain_text("was added successfully")

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert "real scenarios for AI developers" in article.body
    photo = article.photos.get()
    assert photo.is_lead and photo.renditions and photo.image.name.startswith("photos/")

    reader_context = browser.new_context()
    reader = reader_context.new_page()
    response = reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert response.status == 404
    reader.goto(f"{live_server.url}/")
    expect(reader.get_by_role("link", name=article.title)).to_have_count(0)

    admin.goto(f"{live_server.url}/admin/articles/article/")
    admin.get_by_role("row", name=re.compile(article.title)).get_by_role("checkbox").check()
    admin.locator("select[name=action]").select_option("publish")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist .success")).to_contain_text("1 article published.")

    article.refresh_from_db()
    assert article.is_live
    reader.goto(f"{live_server.url}/")
    reader.get_by_role("link", name=article.title).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(article.title)
    assert reader.url == f"{live_server.url}{article.get_absolute_url()}"
    lead = reader.locator("figure.story__lead img")
    expect(lead).to_have_attribute("alt", "Developers at desks in an open-plan innovation lab")
    expect(lead).to_have_attribute("srcset", re.compile(r"\.webp 320w, .+\.webp 1600w$"))
    lead.scroll_into_view_if_needed()
    reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=lead.element_handle())
    assert lead.evaluate("img => img.currentSrc").endswith(".webp")
    reader.screenshot(path=str(artifacts_dir / "article-page.png"), full_page=True)

    newsroom.close()
    reader_context.close()

"""The site's icon: at /favicon.ico for whoever asks there, and linked from readers' and editors' pages."""

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from tests.conftest import parse

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].startswith("/static/") and response["Location"].endswith(".ico")
    with Image.open(finders.find("favicon.ico")) as icon:
        assert icon.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_readers_and_editors_pages_link_the_icon(client, path):
    icons = parse(client.get(path)).select('link[rel="icon"]')
    assert "image/svg+xml" in [icon.get("type") for icon in icons]
    assert all(finders.find(icon["href"].removeprefix("/static/")) for icon in icons)

import pytest
from django.core.management import call_command
from PIL import Image

from articles.models import Article, Photo
from tests.conftest import parse

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_shows_a_real_story(client, settings):
    call_command("load_demo", stdout=None)
    call_command("load_demo", stdout=None)
    article = Article.objects.get()
    assert article.is_live and article.source_name == "Shenzhen Daily"
    assert not article.was_updated
    assert sorted(article.tags.names()) == ["Futian District", "SCEWC", "Shenzhen", "Smart City Expo World Congress"]
    photo = Photo.objects.get()
    with Image.open(settings.MEDIA_ROOT / photo.image.name) as image:
        assert image.format == "JPEG" and image.size == (photo.width, photo.height)

    page = parse(client.get(article.get_absolute_url()))
    assert page.h1.get_text(strip=True) == article.title
    assert page.select_one(".story .source").get_text(" ", strip=True) == "From: Shenzhen Daily"
    assert "AI-HUB (SZ)" in page.select_one(".story__body").get_text()
    assert len(page.select_one("figure.story__lead img")["srcset"].split(",")) == len(photo.renditions)

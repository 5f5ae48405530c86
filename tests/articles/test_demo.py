import pytest
from django.core.management import call_command
from PIL import Image

from articles.models import Article, Photo
from tests.conftest import parse

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_shows_a_real_story(client, settings):
    call_command("load_demo", stdout=None)
    call_command("load_demo", stdout=None)
    article = Article.objects.get(slug="shenzhen-wins-enabling-technologies-award-scewc-2020")
    assert article.is_live and article.source_name == "Shenzhen Daily"
    assert not article.was_updated
    assert sorted(article.tags.names()) == ["Futian District", "SCEWC", "Shenzhen", "Smart City Expo World Congress"]
    photo = Photo.objects.get(article=article)
    with Image.open(settings.MEDIA_ROOT / photo.image.name) as image:
        assert image.format == "JPEG" and image.size == (photo.width, photo.height)

    page = parse(client.get(article.get_absolute_url()))
    assert page.h1.get_text(strip=True) == article.title
    assert page.select_one(".story .source").get_text(" ", strip=True) == "From: Shenzhen Daily"
    assert "AI-HUB (SZ)" in page.select_one(".story__body").get_text()
    assert len(page.select_one("figure.story__lead img")["srcset"].split(",")) == len(photo.renditions)


def test_the_demo_fills_the_front_page_and_keeps_its_draft_from_readers(client):
    """Four live stories in two sections, each linked to the facts it reports, and a draft only editors see."""
    call_command("load_demo", stdout=None)
    live = Article.objects.published()
    assert live.count() == 4 and Article.objects.count() == 5
    assert set(live.values_list("section__slug", flat=True)) == {"news", "analysis"}
    for story in live:
        assert story.recognitions.exists() or story.ranking_entries.exists(), story.slug
        assert story.cities.exists(), story.slug
    draft = Article.objects.get(status=Article.Status.DRAFT)
    assert draft.published_at is None

    home = parse(client.get("/"))
    headlines = [link.get_text(strip=True) for link in home.select(".card__title a")]
    assert sorted(headlines) == sorted(live.values_list("title", flat=True))
    assert headlines[0] == "Shenzhen wins Enabling Technologies Award at Smart City Expo World Congress"
    assert draft.title not in home.get_text()
    assert client.get(draft.get_absolute_url()).status_code == 404
    # Every demo photo is a real JPEG drawn for it, with words for readers who cannot see it.
    for photo in Photo.objects.select_related("article"):
        assert photo.article.is_live and photo.alt_text and photo.caption
        with Image.open(photo.image.path) as image:
            assert image.format == "JPEG"

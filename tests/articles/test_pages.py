from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import make_article, make_photo, make_section, parse

pytestmark = pytest.mark.django_db


def test_home_lists_live_articles_newest_first(client):
    older = make_article(title="Older", published_at=timezone.now() - timedelta(days=2))
    newer = make_article(title="Newer", published_at=timezone.now() - timedelta(days=1))
    response = client.get("/")
    assert response.status_code == 200
    titles = [a.get_text(strip=True) for a in parse(response).select("main .card__title a")]
    assert titles == [newer.title, older.title]


def test_article_page_shows_every_part(client):
    section = make_section(name="Awards", slug="awards")
    article = make_article(
        title="Shenzhen wins", section=section, byline="A. Writer", source_url="https://example.org/s", tags=["SCEWC"]
    )
    make_photo(article, is_lead=True, alt_text="Lead alt", caption="Lead caption", credit="Lead credit")
    make_photo(article, alt_text="Gallery alt")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = parse(response)
    story = page.select_one("main article.story")
    assert story.h1.get_text(strip=True) == "Shenzhen wins"
    assert story.select_one(".source a")["href"] == "https://example.org/s"
    lead = story.select_one("figure.story__lead img")
    assert lead["alt"] == "Lead alt" and "w," in lead["srcset"] and lead["width"] == "800"
    assert "loading" not in lead.attrs
    gallery = story.select(".gallery figure img")
    assert [img["alt"] for img in gallery] == ["Gallery alt"] and gallery[0]["loading"] == "lazy"
    assert [a.get_text() for a in story.select(".tags a")] == ["SCEWC"]
    assert story.select_one("time")["datetime"] == timezone.localtime(article.published_at).isoformat()


def test_draft_is_404_for_readers(client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404

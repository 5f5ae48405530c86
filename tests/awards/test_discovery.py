"""The awards data in search, sitemaps and feeds."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.awards.factories import make_category, make_city, make_edition, make_programme, make_ranking
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def groups(response):
    return {
        section.h2.get_text(): [(a.get_text(), a["href"]) for a in section.select("a")]
        for section in parse(response).select("main section.search-group")
    }


def test_search_finds_cities_categories_and_rankings(client):
    shenzhen = make_city(name="Shenzhen", slug="shenzhen")
    make_city(name="Futian", slug="futian", parent=shenzhen)
    make_city(name="Hangzhou", slug="hangzhou")
    programme = make_programme(name="Smart City Expo World Congress Awards", slug="scewc")
    make_category(programme, name="Enabling Technologies Award", aliases=["Tech enablers"])
    make_ranking(title="Online services in Shenzhen and beyond", slug="online", year=2021)
    make_ranking(title="Online services in Shenzhen and beyond", slug="online", year=2020)

    found = groups(client.get("/search/", {"q": "shenzhen"}))
    assert found["Cities"] == [("Shenzhen", "/cities/shenzhen/")]
    assert found["Rankings"] == [
        ("Online services in Shenzhen and beyond (2021)", "/rankings/online/2021/"),
        ("Online services in Shenzhen and beyond (2020)", "/rankings/online/2020/"),
    ]
    assert "Award categories" not in found

    by_alias = groups(client.get("/search/", {"q": "enablers"}))
    assert by_alias == {
        "Award categories": [("Enabling Technologies Award (Smart City Expo World Congress Awards)", "/awards/scewc/")]
    }
    assert groups(client.get("/search/", {"q": "of in"})) == {}


def test_sitemap_index_and_awards_sections(client):
    city = make_city(name="Suzhou", slug="suzhou")
    edition = make_edition(programme=make_programme(slug="scewc"), year=2020)
    ranking = make_ranking(slug="online", year=2021)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [el.findtext("s:loc", namespaces=NS) for el in index.findall("s:sitemap", NS)]
    for name in ["cities", "awards", "rankings"]:
        assert f"http://testserver/sitemap-{name}.xml" in locations

    def urls(name):
        response = client.get(f"/sitemap-{name}.xml")
        assert response.status_code == 200
        return [el.findtext("s:loc", namespaces=NS) for el in ET.fromstring(response.content).findall("s:url", NS)]

    assert urls("cities") == [f"http://testserver{city.get_absolute_url()}"]
    assert urls("awards") == ["http://testserver/awards/scewc/", f"http://testserver{edition.get_absolute_url()}"]
    assert urls("rankings") == [f"http://testserver{ranking.get_absolute_url()}"]


def test_city_feed_has_live_stories_about_the_city_and_its_districts(client):
    shenzhen = make_city(name="Shenzhen", slug="shenzhen")
    futian = make_city(name="Futian", slug="futian", parent=shenzhen)
    now = timezone.now()
    about_city = make_article(title="About Shenzhen", published_at=now - timedelta(hours=1))
    about_city.cities.set([shenzhen])
    about_district = make_article(title="About Futian", published_at=now - timedelta(hours=2))
    about_district.cities.set([futian])
    make_article(title="Elsewhere")
    draft = make_article(title="Draft about Shenzhen", status=Article.Status.DRAFT, published_at=None)
    draft.cities.set([shenzhen])
    for url in ["/cities/shenzhen/rss/", "/cities/shenzhen/atom/"]:
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo
        assert [entry.title for entry in feed.entries] == ["About Shenzhen", "About Futian"]
    assert client.get("/cities/nowhere/rss/").status_code == 404
    links = [link["href"] for link in parse(client.get("/cities/shenzhen/")).select("head link[rel=alternate]")]
    assert links[2:] == ["/cities/shenzhen/rss/", "/cities/shenzhen/atom/"]

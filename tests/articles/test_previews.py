from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from awards.models import City
from tests.conftest import make_article, make_photo, make_section, meta_content, parse, structured_data

pytestmark = pytest.mark.django_db

SITE = "https://citynews.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def json_ld(page):
    """The page's NewsArticle (its BreadcrumbList is tested in tests/site/test_structured_data.py)."""
    return structured_data(page, "NewsArticle")


def test_canonical_open_graph_and_twitter_tags(client):
    article = make_article(title="Shenzhen wins", standfirst="A short summary.", tags=["awards"])
    photo = make_photo(article, is_lead=True, alt_text="The Shenzhen skyline at dusk")
    page = parse(client.get(article.get_absolute_url()))
    canonical = f"{SITE}{article.get_absolute_url()}"
    assert page.select_one('link[rel="canonical"]')["href"] == canonical
    assert meta_content(page, "og:type") == "article"
    assert meta_content(page, "og:title") == "Shenzhen wins"
    assert meta_content(page, "og:description") == "A short summary."
    assert meta_content(page, "og:url") == canonical
    # The 16:9 JPEG crop made at upload: social sites do not all read WebP.
    wide = photo.social_crops[0]
    assert wide["ratio"] == "16:9"
    assert meta_content(page, "og:image") == f"{SITE}/media/{wide['name']}"
    assert meta_content(page, "og:image:type") == "image/jpeg"
    assert meta_content(page, "og:image:alt") == "The Shenzhen skyline at dusk"
    assert meta_content(page, "og:image:width") == str(wide["width"])
    assert meta_content(page, "twitter:card") == "summary_large_image"
    assert meta_content(page, "twitter:image") == meta_content(page, "og:image")
    assert meta_content(page, "twitter:image:alt") == "The Shenzhen skyline at dusk"
    assert meta_content(page, "article:tag") == "awards"


def test_json_ld_news_article_field_by_field(client):
    section = make_section(name="Awards")
    article = make_article(title="Hangzhou named", byline="Li Wei", section=section, tags=["lighthouse"])
    photo = make_photo(article, is_lead=True, alt_text="Hangzhou's West Lake")
    hangzhou = City.objects.create(name="Hangzhou", slug="hangzhou", country="China")
    xihu = City.objects.create(name="Xihu District", slug="xihu", country="China", parent=hangzhou)
    article.cities.set([xihu, hangzhou])
    data = json_ld(parse(client.get(article.get_absolute_url())))
    url = f"{SITE}{article.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Hangzhou named"
    assert data["url"] == url and data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["datePublished"] == timezone.localtime(article.published_at).isoformat()
    # Saving is not updating: the modified time is the publication until an editor marks an update.
    assert data["dateModified"] == data["datePublished"]
    assert data["author"] == [{"@type": "Person", "name": "Li Wei"}]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "citynews",
        "url": f"{SITE}/",
        "logo": {"@type": "ImageObject", "url": f"{SITE}/static/img/logo.png", "width": 512, "height": 512},
    }
    assert data["articleSection"] == "Awards"
    assert data["keywords"] == ["lighthouse"]
    assert data["timeRequired"] == "PT1M"
    assert data["about"] == [
        {"@type": "City", "name": "Hangzhou", "url": f"{SITE}/cities/hangzhou/"},
        {"@type": "City", "name": "Xihu District", "url": f"{SITE}/cities/xihu/"},
    ]
    # The three JPEG crops; the caption is the photo's caption ("Caption"), never its alt text.
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "url": f"{SITE}/media/{crop['name']}",
            "width": crop["width"],
            "height": crop["height"],
            "caption": "Caption",
        }
        for crop in photo.social_crops
    ]


def test_json_ld_cannot_be_broken_out_of(client):
    article = make_article(title='</script><script>alert("x")</script> & <!-- more')
    response = client.get(article.get_absolute_url())
    assert b"</script><script>alert" not in response.content
    page = parse(response)
    assert json_ld(page)["headline"] == article.title
    # Only the JSON-LD scripts (the story, its breadcrumbs): the title produced no element of its own.
    assert [script["type"] for script in page.select("script")] == ["application/ld+json"] * 2


def test_without_photo_or_byline(client):
    article = make_article(byline="", title="Plain")
    page = parse(client.get(article.get_absolute_url()))
    # The site's own card stands in for a photo on social sites; search engines get no image at all.
    assert meta_content(page, "og:image") == f"{SITE}/static/img/social-card.png"
    data = json_ld(page)
    assert "image" not in data and "about" not in data
    assert data["author"] == [{**data["publisher"]}] and data["publisher"]["@type"] == "Organization"


def test_preview_of_a_draft_has_noindex_and_no_rich_preview(editor_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, title="Embargoed")
    page = parse(editor_client.get(draft.get_absolute_url()))
    assert meta_content(page, "robots") == "noindex, nofollow"
    assert page.select('script[type="application/ld+json"]') == []
    assert page.select('link[rel="canonical"]') == []
    assert meta_content(page, "og:title") is None


def test_related_stories_share_a_tag_newest_first_capped(client):
    article = make_article(tags=["metro", "budget"])
    now = timezone.now()
    related = [make_article(tags=["metro"], published_at=now - timedelta(hours=h)) for h in range(10, 16)]
    make_article(tags=["other"])
    make_article(tags=["metro"], status=Article.Status.DRAFT, published_at=None, title="Draft metro")
    make_article(tags=["budget"], published_at=now + timedelta(hours=1), title="Scheduled budget")
    page = parse(client.get(article.get_absolute_url()))
    titles = [a.get_text() for a in page.select("aside.related .card__title a")]
    assert titles == [a.title for a in related[:4]]
    assert page.select_one("aside.related h2").get_text() == "Related stories"


def test_related_stories_also_share_cities(client):
    shenzhen = City.objects.create(name="Shenzhen", slug="shenzhen", country="China")
    futian = City.objects.create(name="Futian", slug="futian", country="China", parent=shenzhen)
    article = make_article(tags=["awards"])
    article.cities.set([shenzhen])
    now = timezone.now()
    same_city = make_article(title="Same city", published_at=now - timedelta(hours=1))
    same_city.cities.set([shenzhen])
    same_tag = make_article(title="Same tag", tags=["awards"], published_at=now - timedelta(hours=2))
    both = make_article(title="Both", tags=["awards"], published_at=now - timedelta(hours=3))
    both.cities.set([shenzhen])
    make_article(title="Only a district", published_at=now - timedelta(minutes=5)).cities.set([futian])
    related = list(Article.objects.published().related_to(article))
    assert related == [same_city, same_tag, both]
    page = parse(client.get(article.get_absolute_url()))
    assert [a.get_text() for a in page.select("aside.related .card__title a")] == ["Same city", "Same tag", "Both"]


def test_no_related_section_without_tags(client):
    article = make_article()
    make_article()
    assert parse(client.get(article.get_absolute_url())).select("aside.related") == []


def test_reading_time(client):
    article = make_article(body="<p>" + "word " * 450 + "</p>")
    assert article.reading_minutes == 3
    page = parse(client.get(article.get_absolute_url()))
    assert page.select_one(".story .reading-time").get_text() == "3 min read"
    assert make_article(body="").reading_minutes == 1


def test_article_page_query_count_is_fixed(client, django_assert_max_num_queries):
    article = make_article(tags=["metro"])
    make_photo(article, is_lead=True)
    make_article(tags=["metro"])
    with django_assert_max_num_queries(10) as few:
        client.get(article.get_absolute_url())
    for n in range(10):
        other = make_article(tags=["metro", f"t{n}"])
        make_photo(other, is_lead=True)
    # A change to the story too, so that its own parts are rendered again (not taken from citynews.fragments).
    Article.objects.filter(pk=article.pk).update(standfirst="Changed.")
    with django_assert_max_num_queries(10) as many:
        client.get(article.get_absolute_url())
    assert len(few.captured_queries) == len(many.captured_queries)

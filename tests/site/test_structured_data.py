"""Every public page tells other sites what it is: canonical, Open Graph, Twitter card and JSON-LD, checked by parsing.

The required and recommended properties are the ones Google documents for articles
(developers.google.com/search/docs/appearance/structured-data/article), breadcrumbs (…/breadcrumb)
and datasets (…/dataset).
"""

import json
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author
from tests.awards.factories import make_city, make_edition, make_entry, make_ranking, make_recognition
from tests.conftest import make_article, make_photo, make_section, make_upload, meta_content, parse, structured_data

pytestmark = pytest.mark.django_db

SITE = "https://citynews.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def structured(page):
    return [json.loads(script.string) for script in page.select('script[type="application/ld+json"]')]


def assert_breadcrumbs(page, names, last_url):
    """Google: itemListElement of ListItems with position (from 1), name and item (a URL; the last may omit it)."""
    data = structured_data(page, "BreadcrumbList")
    items = data["itemListElement"]
    assert [item["@type"] for item in items] == ["ListItem"] * len(names)
    assert [item["position"] for item in items] == list(range(1, len(names) + 1))
    assert [item["name"] for item in items] == names
    assert items[0]["item"] == f"{SITE}/"
    assert items[-1]["item"] == last_url
    assert all(urlsplit(item["item"]).netloc == "citynews.example" for item in items)
    # The same trail readers see.
    trail = page.select("nav.breadcrumbs li a")
    assert [link.get_text() for link in trail] == names
    assert trail[-1]["aria-current"] == "page"


def assert_social_card(page, canonical, og_type="website"):
    assert page.select_one('link[rel="canonical"]')["href"] == canonical
    assert meta_content(page, "og:url") == canonical
    assert meta_content(page, "og:type") == og_type
    assert (
        meta_content(page, "og:title") and meta_content(page, "og:description") and meta_content(page, "twitter:title")
    )
    assert meta_content(page, "og:image").startswith(f"{SITE}/")
    assert meta_content(page, "twitter:card") == "summary_large_image"


def test_news_article_has_googles_article_properties_with_three_jpeg_shapes(client, settings, tmp_path):
    author = Author.objects.create(name="Li Wei", slug="li-wei", website="https://li-wei.example")
    section = make_section(name="Awards", slug="awards")
    article = make_article(title="Hangzhou named", section=section, author=author, byline="Li Wei")
    photo = make_photo(article, is_lead=True, alt_text="West Lake", caption="West Lake at dawn",
                       image=make_upload(size=(1600, 1000)))  # fmt: skip
    page = parse(client.get(article.get_absolute_url()))
    url = f"{SITE}{article.get_absolute_url()}"
    data = structured_data(page, "NewsArticle")
    assert data["headline"] == "Hangzhou named" and len(data["headline"]) <= 110
    assert data["datePublished"] == timezone.localtime(article.published_at).isoformat()
    assert data["dateModified"] == data["datePublished"]  # no update marked
    assert data["author"] == [
        {"@type": "Person", "name": "Li Wei", "url": f"{SITE}/authors/li-wei/", "sameAs": ["https://li-wei.example"]}
    ]
    logo = data["publisher"]["logo"]
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"] == "citynews"
    assert logo["url"].startswith(f"{SITE}/static/") and logo["url"].endswith(".png")
    # 16:9, 4:3 and 1:1, JPEG, each at least 50,000 pixels; the caption is the caption, not the alt text.
    images = data["image"]
    assert [round(image["width"] / image["height"], 2) for image in images] == [1.78, 1.33, 1.0]
    for image in images:
        assert image["url"].startswith(f"{SITE}/media/") and image["url"].endswith(".jpg")
        assert image["width"] * image["height"] >= 50_000
        assert image["caption"] == "West Lake at dawn"
        with Image.open(settings.MEDIA_ROOT / image["url"].removeprefix(f"{SITE}/media/")) as stored:
            assert stored.format == "JPEG" and stored.size == (image["width"], image["height"])
    assert_social_card(page, url, og_type="article")
    assert meta_content(page, "og:image") == images[0]["url"] and meta_content(page, "og:image:type") == "image/jpeg"
    assert meta_content(page, "og:image:alt") == "West Lake"
    assert meta_content(page, "article:published_time") == data["datePublished"]
    assert meta_content(page, "article:modified_time") == data["dateModified"]
    assert_breadcrumbs(page, ["Home", "Awards", "Hangzhou named"], url)
    assert photo.social_crops


def test_an_organisation_byline_stays_an_organization_and_a_plain_byline_a_person(client):
    desk = Author.objects.create(name="Xinhua", slug="xinhua", is_organisation=True)
    by_desk = make_article(author=desk)
    assert structured_data(parse(client.get(by_desk.get_absolute_url())), "NewsArticle")["author"] == [
        {"@type": "Organization", "name": "Xinhua", "url": f"{SITE}/authors/xinhua/"}
    ]
    plain = make_article(byline="Wang Fang")
    assert structured_data(parse(client.get(plain.get_absolute_url())), "NewsArticle")["author"] == [
        {"@type": "Person", "name": "Wang Fang"}
    ]


def test_a_marked_update_is_the_modified_time_everywhere_and_its_note_is_shown(client):
    article = make_article(title="Corrected story", published_at=timezone.now() - timedelta(days=2))
    article.body = "<p>A typo fixed.</p>"
    article.save()
    page = parse(client.get(article.get_absolute_url()))
    # A quiet fix is not an update: no "Updated" line, and the modified time stays the publication.
    assert "Updated" not in page.select_one(".dateline").get_text()
    assert structured_data(page, "NewsArticle")["dateModified"] == timezone.localtime(article.published_at).isoformat()
    article.mark_substantive_update("An earlier version gave the wrong year for the award.")
    article.save()
    article.refresh_from_db()
    page = parse(client.get(article.get_absolute_url()))
    times = page.select(".dateline time")
    assert [time["datetime"] for time in times] == [
        timezone.localtime(article.published_at).isoformat(),
        timezone.localtime(article.substantive_update_at).isoformat(),
    ]
    assert times[1].get_text().endswith("(Beijing time, UTC+8)")
    assert (
        structured_data(page, "NewsArticle")["dateModified"]
        == timezone.localtime(article.substantive_update_at).isoformat()
    )
    assert meta_content(page, "article:modified_time") == timezone.localtime(article.substantive_update_at).isoformat()
    assert page.select_one(".update-note").get_text(" ", strip=True) == (
        "Update: An earlier version gave the wrong year for the award."
    )


def test_front_page_is_a_website_with_search_and_the_publisher(client):
    story = make_article()
    make_photo(story, is_lead=True)
    page = parse(client.get("/"))
    website = structured_data(page, "WebSite")
    assert website["url"] == f"{SITE}/"
    assert website["potentialAction"]["target"] == f"{SITE}/search/?q={{search_term_string}}"
    assert structured_data(page, "Organization")["logo"]["width"] == 512
    assert_social_card(page, f"{SITE}/")
    assert not page.select("nav.breadcrumbs")  # the front page is the top of every trail


@pytest.mark.parametrize("kind", ["latest", "section", "tag", "author", "year", "month", "city-news"])
def test_lists_are_collection_pages_of_their_stories(client, kind):
    section = make_section(name="Analysis", slug="analysis")
    author = Author.objects.create(name="Li Wei", slug="li-wei")
    city = make_city(name="Shenzhen", slug="shenzhen")
    when = timezone.make_aware(timezone.datetime(2024, 3, 5, 10, 0))
    stories = [
        make_article(title=f"Story {n}", section=section, author=author, tags=["Smart grids"],
                     published_at=when - timedelta(hours=n))
        for n in range(3)
    ]  # fmt: skip
    for story in stories:
        story.cities.set([city])
    path, names = {
        "latest": ("/latest/", ["Home", "Latest stories"]),
        "section": ("/section/analysis/", ["Home", "Sections", "Analysis"]),
        "tag": ("/tag/smart-grids/", ["Home", "Stories tagged “Smart grids”"]),
        "author": ("/authors/li-wei/", ["Home", "Li Wei"]),
        "year": ("/2024/", ["Home", "Archive", "2024"]),
        "month": ("/2024/03/", ["Home", "Archive", "2024", "March 2024"]),
        "city-news": ("/cities/shenzhen/news/", ["Home", "Cities", "Shenzhen", "News"]),
    }[kind]
    page = parse(client.get(path))
    collection = structured_data(page, "CollectionPage")
    assert collection["url"] == f"{SITE}{path}"
    items = collection["mainEntity"]["itemListElement"]
    assert collection["mainEntity"]["@type"] == "ItemList"
    assert [item["position"] for item in items] == [1, 2, 3]
    assert [item["url"] for item in items] == [f"{SITE}{story.get_absolute_url()}" for story in stories]
    assert_breadcrumbs(page, names, f"{SITE}{path}")
    assert page.select_one('link[rel="canonical"]')["href"] == f"{SITE}{path}"


def test_a_city_is_a_place_inside_its_parent(client):
    shenzhen = make_city(name="Shenzhen", slug="shenzhen", description="A city in Guangdong.")
    futian = make_city(name="Futian District", slug="futian", parent=shenzhen)
    page = parse(client.get("/cities/futian/"))
    place = structured_data(page, "City")
    assert place["name"] == "Futian District" and place["url"] == f"{SITE}/cities/futian/"
    assert place["address"] == {"@type": "PostalAddress", "addressCountry": "China"}
    assert place["containedInPlace"] == {"@type": "City", "name": "Shenzhen", "url": f"{SITE}/cities/shenzhen/"}
    assert_breadcrumbs(page, ["Home", "Cities", "Shenzhen", "Futian District"], f"{SITE}/cities/futian/")
    assert page.select_one('link[rel="canonical"]')["href"] == f"{SITE}/cities/futian/"
    assert structured_data(parse(client.get("/cities/shenzhen/")), "City")["containedInPlace"] == {
        "@type": "Country",
        "name": "China",
    }
    assert futian.parent == shenzhen


def test_a_ranking_is_a_dataset_with_its_csv_as_distribution(client):
    ranking = make_ranking(slug="online", year=2020, title="Online services", publisher="", field_size=32)
    make_entry(ranking, position=1)
    page = parse(client.get("/rankings/online/2020/"))
    dataset = structured_data(page, "Dataset")
    # Google requires name and description (50 to 5,000 characters); url, distribution, creator recommended.
    assert dataset["name"] == "Online services (2020)"
    assert 50 <= len(dataset["description"]) <= 5000
    assert dataset["url"] == f"{SITE}/rankings/online/2020/"
    assert dataset["distribution"] == [
        {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": f"{SITE}/rankings/online/2020/csv"}
    ]
    assert dataset["temporalCoverage"] == "2020" and dataset["isAccessibleForFree"] is True
    assert "creator" not in dataset  # no source names the publisher: nobody is invented
    assert dataset["variableMeasured"] == ["position"]
    assert_breadcrumbs(page, ["Home", "Rankings", "Online services (2020)"], f"{SITE}/rankings/online/2020/")
    named = make_ranking(slug="green", year=2021, publisher="Tsinghua University")
    make_entry(named, position=1, score=91)
    dataset = structured_data(parse(client.get(named.get_absolute_url())), "Dataset")
    assert dataset["creator"] == {"@type": "Organization", "name": "Tsinghua University"}
    assert dataset["variableMeasured"] == ["position", "score"]


def test_an_award_edition_is_an_event(client):
    edition = make_edition(year=2020, starts_on=date(2020, 11, 17), ends_on=date(2020, 11, 18), is_online=True)
    edition.programme.organiser = "Fira de Barcelona"
    edition.programme.save()
    edition.host_cities.set([make_city(name="Barcelona", country="Spain")])
    make_recognition(edition)
    page = parse(client.get(edition.get_absolute_url()))
    event = structured_data(page, "Event")
    assert event["name"] == f"{edition.programme.name} 2020"
    assert (event["startDate"], event["endDate"]) == ("2020-11-17", "2020-11-18")
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in event["location"]] == ["Place", "VirtualLocation"]
    assert event["location"][0]["address"]["addressCountry"] == "Spain"
    assert event["organizer"] == {"@type": "Organization", "name": "Fira de Barcelona"}
    assert_breadcrumbs(
        page,
        ["Home", "Awards", edition.programme.name, "2020"],
        f"{SITE}{edition.get_absolute_url()}",
    )
    series = structured_data(parse(client.get(edition.programme.get_absolute_url())), "EventSeries")
    assert series["subEvent"][0]["url"] == f"{SITE}{edition.get_absolute_url()}"


@pytest.mark.parametrize(
    "path, names",
    [
        ("/cities/", ["Home", "Cities"]),
        ("/awards/", ["Home", "Awards"]),
        ("/rankings/", ["Home", "Rankings"]),
        ("/sections/", ["Home", "Sections"]),
        ("/archive/", ["Home", "Archive"]),
    ],
)
def test_index_pages_are_collection_pages_with_breadcrumbs(client, path, names):
    make_entry(make_ranking(), make_city())
    make_recognition(make_edition())
    make_article(section=make_section())
    page = parse(client.get(path))
    assert structured_data(page, "CollectionPage")["url"] == f"{SITE}{path}"
    assert_breadcrumbs(page, names, f"{SITE}{path}")
    assert_social_card(page, f"{SITE}{path}")


def test_drafts_are_in_no_structured_data(client):
    draft = make_article(title="Unpublished scoop", status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(title="Embargoed scoop", published_at=timezone.now() + timedelta(hours=1))
    city = make_city(slug="shenzhen")
    for story in (draft, scheduled):
        story.cities.set([city])
        story.tags.set(["Shenzhen"])
    make_article(tags=["Shenzhen"]).cities.set([city])
    for path in ("/", "/latest/", "/cities/shenzhen/", "/cities/shenzhen/news/", "/tag/shenzhen/"):
        text = json.dumps(structured(parse(client.get(path))))
        assert "scoop" not in text, path

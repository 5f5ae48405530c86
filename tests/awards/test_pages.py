"""Reader pages for cities, awards and rankings: exact content, no drafts, CSV and chart formats."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from awards.models import Recognition
from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_entry,
    make_organisation,
    make_programme,
    make_ranking,
    make_recognition,
)
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def hidden_articles():
    """A draft and a scheduled story: neither may show anywhere readers look."""
    draft = make_article(title="Draft story", status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(title="Scheduled story", published_at=timezone.now() + timedelta(days=1))
    return [draft, scheduled]


@pytest.fixture
def shenzhen_facts():
    shenzhen = make_city(name="Shenzhen", slug="shenzhen")
    futian = make_city(name="Futian District", slug="futian-district", parent=shenzhen)
    programme = make_programme(name="Smart City Expo World Congress", short_name="SCEWC", slug="scewc")
    edition = make_edition(programme=programme, year=2020, number=10, starts_on=date(2020, 11, 17), is_online=True)
    edition.host_cities.set([make_city(name="Barcelona", country="Spain"), make_city(name="New York")])
    enabling = make_category(programme, name="Enabling Technologies Award")
    inclusive = make_category(programme, name="Inclusive & Sharing Cities Award")
    finalist = make_recognition(edition, category=enabling, city=make_city(name="Bogotá"), result=2)
    winner = make_recognition(edition, category=enabling, city=shenzhen)
    hub = make_recognition(
        edition,
        category=inclusive,
        city=futian,
        organisation=make_organisation(name="Futian District Government", city=futian),
        project_name="AI-HUB (SZ)",
    )
    older_edition = make_edition(programme=programme, year=2019, number=9)
    older = make_recognition(older_edition, category=enabling, city=shenzhen, result=Recognition.Result.FINALIST)
    rankings = [
        make_ranking(slug="online-services", title="Online administration service capability", year=year)
        for year in (2019, 2020)
    ]
    make_entry(rankings[0], shenzhen, position=3)
    entry = make_entry(rankings[1], shenzhen, position=1)
    make_entry(rankings[1], futian, position=2)
    story = make_article(title="Shenzhen wins")
    story.cities.set([shenzhen])
    story.recognitions.set([winner, hub])
    story.ranking_entries.set([entry])
    for hidden in hidden_articles():
        hidden.cities.set([shenzhen, futian])
        hidden.recognitions.set([winner, hub])
        hidden.ranking_entries.set([entry])
    return {
        "city": shenzhen,
        "futian": futian,
        "edition": edition,
        "winner": winner,
        "finalist": finalist,
        "hub": hub,
        "older": older,
        "ranking": rankings[1],
        "entry": entry,
        "story": story,
    }


def texts(elements):
    return [" ".join(element.get_text(" ", strip=True).split()) for element in elements]


def test_city_page_awards_ranks_chart_and_news(client, shenzhen_facts):
    response = client.get("/cities/shenzhen/")
    assert response.status_code == 200
    page = parse(response)
    awards = page.select_one("section[aria-labelledby=awards-heading]")
    assert texts(awards.select("h3")) == ["2020", "2019"]
    first_year, second_year = awards.select("ul.recognitions")
    assert [a.get_text() for a in first_year.select("a.recognition__city")] == ["Shenzhen", "Futian District"]
    assert "AI-HUB (SZ)" in first_year.get_text()
    assert texts(second_year.select(".recognition__result")) == ["Finalist"]
    assert [a.get_text() for a in awards.select(".recognition__stories a")] == ["Shenzhen wins", "Shenzhen wins"]

    ranks = page.select_one("section[aria-labelledby=rankings-heading]")
    assert texts(ranks.select(".rank-latest strong")) == ["1st of 32"]
    assert ranks.select_one(".rank-latest .movement-up .visually-hidden").get_text() == (
        "Up 2 places since the previous edition"
    )
    svg = ranks.select_one("figure.chart svg")
    chart = ET.fromstring(str(svg))
    assert chart.get("role") == "img"
    title_id = chart.get("aria-labelledby").split()[0]
    assert chart.find(f"{SVG}title").get("id") == title_id
    assert chart.find(f"{SVG}title").text == "Shenzhen: Online administration service capability, rank by year"
    circles = chart.findall(f".//{SVG}circle")
    assert [c.find(f"{SVG}title").text for c in circles] == ["2019: 3rd of 32", "2020: 1st of 32"]
    assert float(circles[1].get("cy")) < float(circles[0].get("cy"))  # 1st is drawn above 3rd
    rows = ranks.select("table.data tbody tr")
    # No year has a score: no column of dashes.
    assert [texts(row.select("th, td")) for row in rows] == [["2019", "3rd", "32"], ["2020", "1st", "32"]]

    news = page.select_one("section[aria-labelledby=news-heading]")
    assert texts(news.select(".card__title")) == ["Shenzhen wins"]
    assert "Draft story" not in response.content.decode() and "Scheduled story" not in response.content.decode()


def test_district_page_links_to_parent_and_shows_only_its_own(client, shenzhen_facts):
    page = parse(client.get("/cities/futian-district/"))
    assert page.select_one("header .meta a")["href"] == "/cities/shenzhen/"
    assert [a.get_text() for a in page.select("a.recognition__city")] == ["Futian District"]
    assert texts(page.select(".rank-latest strong")) == ["2nd of 32"]
    assert page.select_one(".rank-latest .visually-hidden").get_text() == "New in this edition"  # absent in 2019
    assert page.select(".card__title") == []  # the live story is about Shenzhen only


def test_edition_page_groups_categories_winners_first(client, shenzhen_facts):
    response = client.get("/awards/scewc/2020/")
    assert response.status_code == 200
    page = parse(response)
    assert texts(page.select("main section h2")) == ["Enabling Technologies Award", "Inclusive & Sharing Cities Award"]
    enabling = page.select("main section")[0]
    assert texts(enabling.select(".recognition__result")) == ["Winner", "Finalist"]
    assert [a["href"] for a in enabling.select("a.recognition__city")] == [
        "/cities/shenzhen/",
        shenzhen_facts["finalist"].city.get_absolute_url(),
    ]
    assert [a["href"] for a in page.select(".recognition__stories a")] == [
        shenzhen_facts["story"].get_absolute_url()
    ] * 2
    assert "Held in Barcelona and New York, and online" in " ".join(page.select_one("header p.meta").get_text().split())
    assert "Draft story" not in response.content.decode() and "Scheduled story" not in response.content.decode()
    for other_address in ("/awards/scewc/10/", "/awards/scewc/0010/"):
        moved = client.get(other_address)
        assert (moved.status_code, moved["Location"]) == (301, shenzhen_facts["edition"].get_absolute_url())


@pytest.mark.parametrize("url", ["/awards/scewc/2020/", "/cities/shenzhen/"])
def test_an_award_names_its_newest_three_stories_and_counts_the_rest(client, shenzhen_facts, url):
    newest = shenzhen_facts["story"].published_at
    for day in range(1, 5):
        make_article(title=f"Day {day}", published_at=newest - timedelta(days=day)).recognitions.add(
            shenzhen_facts["winner"]
        )
    page = parse(client.get(url))
    (line,) = [item for item in page.select("li.recognition") if "Day 1" in item.get_text()]
    stories = line.select_one(".recognition__stories")
    assert [a.get_text() for a in stories.select("a")] == ["Shenzhen wins", "Day 1", "Day 2"]
    # The draft and the scheduled story of the fixture are not counted among the earlier ones.
    assert " ".join(stories.get_text().split()).endswith("Day 2; and 2 earlier stories")
    # The hub's line names its one live story and counts nothing more.
    (hub,) = [item for item in page.select("li.recognition") if "AI-HUB (SZ)" in item.get_text()]
    assert " ".join(hub.select_one(".recognition__stories").get_text().split()) == "Reported in: Shenzhen wins"


@pytest.mark.parametrize(
    "url",
    [
        "/awards/scewc/2031/",
        "/awards/scewc/11/",
        "/awards/scewc/0/",
        "/awards/scewc/99999999999999999999999/",
        "/awards/nope/2020/",
        "/cities/nope/",
        "/rankings/online-services/2018/",
        "/rankings/online-services/99999999999999999999999/",
        "/rankings/online-services/99999999999999999999999/csv",
    ],
)
def test_unknown_addresses_are_404(client, shenzhen_facts, url):
    assert client.get(url).status_code == 404


def test_programme_page_lists_editions_newest_first(client, shenzhen_facts):
    page = parse(client.get("/awards/scewc/"))
    assert texts(page.select("main section.edition h2")) == ["2020: edition 10", "2019: edition 9"]
    assert "Draft story" not in str(page) and "Scheduled story" not in str(page)
    # An overview of the results: the stories reporting them are on each edition's page, which it links.
    assert page.select(".recognition__stories") == []
    assert shenzhen_facts["edition"].get_absolute_url() in [a["href"] for a in page.select("p.block-more a")]


def test_ranking_page_table_other_years_and_csv(client, shenzhen_facts):
    response = client.get("/rankings/online-services/2020/")
    assert response.status_code == 200
    page = parse(response)
    rows = page.select("table.ranking-table tbody tr")
    # No entry has a score: the column is left out.
    assert [texts(row.select("td, th"))[:2] for row in rows] == [["1", "Shenzhen"], ["2", "Futian District"]]
    assert len(rows[0].select("td, th")) == 3
    assert [row.select_one(".movement")["class"][1] for row in rows] == ["movement-up", "movement-new"]
    assert [a["href"] for a in page.select("nav[aria-labelledby=other-years-heading] a")] == [
        "/rankings/online-services/2019/"
    ]
    assert texts(page.select("section[aria-labelledby=stories-heading] .card__title")) == ["Shenzhen wins"]
    assert page.select_one("a[download]")["href"] == "/rankings/online-services/2020/csv"
    assert "Draft story" not in response.content.decode() and "Scheduled story" not in response.content.decode()

    download = client.get("/rankings/online-services/2020/csv")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="online-services-2020.csv"'
    table = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert table == [
        {
            "position": "1",
            "city": "Shenzhen",
            "country": "China",
            "score": "",
            "movement": "up",
            "places_moved": "2",
            "slug": "shenzhen",
        },
        {
            "position": "2",
            "city": "Futian District",
            "country": "China",
            "score": "",
            "movement": "new",
            "places_moved": "",
            "slug": "futian-district",
        },
    ]
    assert client.get("/rankings/online-services/2030/csv").status_code == 404


@pytest.mark.parametrize("url", ["/rankings/online-services/2020/", "/cities/shenzhen/"])
def test_data_tables_scroll_in_a_named_focusable_region(client, shenzhen_facts, url):
    """On a phone a wide table scrolls inside its own box: one a keyboard reaches and a screen reader names."""
    tables = parse(client.get(url)).select("main table")
    assert tables
    for table in tables:
        box = table.parent
        assert (box.name, box["class"], box["role"], box["tabindex"]) == ("div", ["table-scroll"], "region", "0")
        assert box.find_all(recursive=False) == [table]
        caption = table.find("caption", recursive=False)
        assert box["aria-labelledby"] == caption["id"]
        assert caption.get_text(strip=True)
    captions = [table.caption["id"] for table in tables]
    assert len(set(captions)) == len(captions)


def test_csv_keeps_scores_and_unicode_names(client):
    ranking = make_ranking(slug="scores", year=2021)
    make_entry(ranking, make_city(name="São Paulo, SP", country="Brazil"), position=1, score="87.500")
    make_entry(ranking, make_city(name='=HYPERLINK("x")', country="Nowhere"), position=2, score="-1")
    make_entry(ranking, make_city(name="Round", country="Nowhere"), position=3, score="100.000")
    rows = list(csv.reader(io.StringIO(client.get("/rankings/scores/2021/csv").content.decode())))
    assert rows[1][:4] == ["1", "São Paulo, SP", "Brazil", "87.5"]
    assert rows[2][:4] == ["2", '\'=HYPERLINK("x")', "Nowhere", "-1"]  # a name never runs as a formula
    assert rows[3][:4] == ["3", "Round", "Nowhere", "100"]  # not "1E+2"


def test_index_pages(client, shenzhen_facts):
    cities = parse(client.get("/cities/"))
    china = cities.select_one("main section h2#country-1").parent
    assert "Futian District" in texts(china.select(".index-item a"))
    awards = parse(client.get("/awards/"))
    assert texts(awards.select(".index-item h2 a")) == ["Smart City Expo World Congress"]
    rankings = parse(client.get("/rankings/"))
    assert texts(rankings.select("main .index-item h2")) == ["Online administration service capability"]
    assert [a["href"] for a in rankings.select("main .index-item a")] == [
        "/rankings/online-services/2020/",
        "/rankings/online-services/2020/",
        "/rankings/online-services/2019/",
    ]
    nav = [a["href"] for a in awards.select("nav[aria-label=Main] a")]
    assert {"/cities/", "/awards/", "/rankings/"} <= set(nav)


def test_article_facts_box_links_each_fact(client, shenzhen_facts):
    page = parse(client.get(shenzhen_facts["story"].get_absolute_url()))
    facts = page.select_one("aside.facts")
    assert facts.h2.get_text() == "Facts in this story"
    links = [a["href"] for a in facts.select("a")]
    edition_url = "/awards/scewc/2020/"
    assert f"{edition_url}#category-{shenzhen_facts['winner'].category_id}" in links
    assert f"{edition_url}#category-{shenzhen_facts['hub'].category_id}" in links
    assert "/rankings/online-services/2020/" in links and "/cities/shenzhen/" in links
    assert "1st of 32" in facts.get_text(" ", strip=True)
    assert [a["href"] for a in facts.select(".facts__cities a")] == ["/cities/shenzhen/"]


def test_article_without_facts_has_no_box(client):
    page = parse(client.get(make_article().get_absolute_url()))
    assert page.select("aside.facts") == []

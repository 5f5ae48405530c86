"""Embeddable rank charts: standalone SVG and PNG at stable addresses, framable only there; the city page snippet."""

import io
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from awards import embeds, ranking_import
from tests.awards.factories import make_city, make_entry, make_ranking
from tests.conftest import parse

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> "Quoted" & Co'


@pytest.fixture
def series(django_capture_on_commit_callbacks):
    """Shenzhen in three years of a ranking, saved as an editor saves (the commit draws the PNG)."""
    with django_capture_on_commit_callbacks(execute=True):
        city = make_city(name="Shenzhen", slug="shenzhen")
        for year, position in [(2019, 3), (2020, 2), (2021, 1)]:
            ranking = make_ranking(slug="online-services", title="Online services", publisher="Party School", year=year)
            make_entry(ranking, city=city, position=position)
    return city


def test_svg_stands_alone_with_its_title_and_source(client, series):
    response = client.get("/embed/cities/shenzhen/rankings/online-services.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = ET.fromstring(response.content)
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts[0] == "Shenzhen: Online services, rank by year"
    assert texts[-1] == "Source: Party School. Chart: citynews"
    assert len(list(svg.iter(f"{SVG}circle"))) == 3
    assert svg.find(f"{SVG}style") is not None  # the site's stylesheet does not reach other sites


def test_only_the_embeds_may_be_framed_or_read_by_other_sites(client, series):
    embed = client.get("/embed/cities/shenzhen/rankings/online-services.svg", HTTP_ORIGIN="https://other.example")
    assert "X-Frame-Options" not in embed
    policy = embed["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "default-src 'none'" in policy and "script-src" not in policy
    assert embed["Access-Control-Allow-Origin"] == "*"

    page = client.get("/cities/shenzhen/", HTTP_ORIGIN="https://other.example")
    assert page["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in page


def test_hostile_names_stay_text_in_the_svg(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_entry(make_ranking(slug="r", title=HOSTILE, publisher=HOSTILE), city=make_city(slug="c", name=HOSTILE))
    svg = ET.fromstring(client.get("/embed/cities/c/rankings/r.svg").content)
    assert not list(svg.iter(f"{SVG}script"))
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts[0] == f"{HOSTILE}: {HOSTILE}, rank by year" and texts[-1] == f"Source: {HOSTILE}. Chart: citynews"


def test_png_is_drawn_on_save_and_only_read_on_request(client, series, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a reader's request drew an image")

    monkeypatch.setattr(embeds, "rank_history_png", refuse)
    response = client.get("/embed/cities/shenzhen/rankings/online-services.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (960, 564)
    assert image.getpixel((5, 5)) == (255, 255, 255)


def test_an_editor_change_draws_a_new_png(client, series, django_capture_on_commit_callbacks):
    before = embeds.rank_chart("shenzhen", "online-services").png_name
    with django_capture_on_commit_callbacks(execute=True):
        make_entry(make_ranking(slug="online-services", title="Online services", year=2022, publisher="Party School"),
                   city=series, position=5)  # fmt: skip
    after = embeds.rank_chart("shenzhen", "online-services").png_name
    assert after != before and default_storage.exists(after)
    assert client.get("/embed/cities/shenzhen/rankings/online-services.png").status_code == 200


def test_a_chart_not_drawn_yet_sends_the_svg(client):
    make_entry(make_ranking(slug="r"), city=make_city(slug="c"))  # no commit: nothing drawn
    response = client.get("/embed/cities/c/rankings/r.png")
    assert response.status_code == 302 and response["Location"] == "/embed/cities/c/rankings/r.svg"


def test_a_chart_with_no_named_publisher_says_so(client):
    make_entry(make_ranking(slug="r", publisher=""), city=make_city(slug="c"))
    svg = ET.fromstring(client.get("/embed/cities/c/rankings/r.svg").content)
    assert [text.text for text in svg.iter(f"{SVG}text")][-1] == "Source: publisher not named. Chart: citynews"


@pytest.mark.parametrize("url", ["/embed/cities/nowhere/rankings/online-services.svg",
                                 "/embed/cities/shenzhen/rankings/nothing.png"])  # fmt: skip
def test_unknown_charts_are_404(client, series, url):
    assert client.get(url).status_code == 404


def test_city_page_offers_the_embed_code_and_the_data(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        city = make_city(slug="c", name=HOSTILE)
        make_entry(make_ranking(slug="r", year=2020), city=city)
    page = parse(client.get("/cities/c/"))
    (embed,) = page.select(".rank-history details.embed")
    links = {a.get_text(): a["href"] for a in embed.select("a")}
    assert links == {"SVG": "/embed/cities/c/rankings/r.svg", "PNG": "/embed/cities/c/rankings/r.png",
                     "CSV": "/datasets/rankings/r/2020.csv", "JSON": "/datasets/rankings/r/2020.json"}  # fmt: skip
    code = embed.select_one("textarea").get_text()  # what a reader copies
    snippet = BeautifulSoup(code, "html5lib")
    (link,) = snippet.select("a")
    assert link["href"] == "http://testserver/cities/c/" and not snippet.select("script")
    (image,) = link.select("img")
    assert image["src"] == "http://testserver/embed/cities/c/rankings/r.svg"
    assert image["alt"].startswith(HOSTILE)


def test_a_ranking_import_draws_its_charts(django_capture_on_commit_callbacks):
    city = make_city(slug="c", name="Shenzhen")
    ranking = make_ranking(slug="r")
    table = SimpleUploadedFile("table.csv", b"position,city,slug\n1,Shenzhen,c\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        ranking_import.import_entries(ranking, table)
    assert default_storage.exists(embeds.rank_chart(city.slug, "r").png_name)


def test_render_rank_charts_draws_only_what_is_missing():
    make_entry(make_ranking(slug="r"), city=make_city(slug="c"))  # no commit: nothing drawn yet
    out = io.StringIO()
    call_command("render_rank_charts", stdout=out)
    assert out.getvalue() == "Drew 1 rank-history chart(s).\n"
    assert default_storage.exists(embeds.rank_chart("c", "r").png_name)
    call_command("render_rank_charts", stdout=out)
    assert out.getvalue().endswith("Drew 0 rank-history chart(s).\n")


@pytest.mark.django_db(transaction=True)  # the import commits inside the request, as in production
def test_an_editors_import_is_drawn_after_the_response(editor_client):
    city = make_city(slug="c", name="Shenzhen")
    ranking = make_ranking(slug="r")
    table = SimpleUploadedFile("table.csv", b"position,city,slug\n1,Shenzhen,c\n", content_type="text/csv")
    drawn_after_response = []

    def note_drawing(*args):
        drawn_after_response.append(not embeds._state.in_request)
        return b"PNG"

    with mock.patch.object(embeds, "rank_history_png", note_drawing):
        response = editor_client.post(f"/admin/awards/ranking/{ranking.pk}/import/", {"file": table})
    assert response.status_code == 302
    assert drawn_after_response == [True]
    assert default_storage.exists(embeds.rank_chart(city.slug, "r").png_name)

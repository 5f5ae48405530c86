"""Dataset downloads parsed back: CSV, JSON, the Frictionless data package (validated by frictionless itself)."""

import csv
import io
import json

import pytest
from frictionless import validate

from tests.awards.factories import make_city, make_edition, make_entry, make_programme, make_ranking, make_recognition
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","x") </script><script>alert(1)</script>'


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_a_ranking_downloads_as_csv_and_json_with_its_sources(client, facts):
    ranking = facts["ranking"]
    (row,) = rows(client.get(ranking.get_dataset_url("csv")))
    assert row["city"] == "Shenzhen" and row["position"] == "1" and row["field_size"] == "32"
    assert (row["publisher"], row["publisher_named"]) == ("Party School", "true")
    assert row["stories"] == f"http://127.0.0.1:8000{facts['live'].get_absolute_url()}"

    document = client.get(ranking.get_dataset_url("json")).json()
    assert document["license"]["name"] == "CC-BY-4.0"
    assert [field["name"] for field in document["schema"]["fields"]] == list(row)
    (entry,) = document["rows"]
    assert entry["position"] == 1 and entry["publisher_named"] is True and entry["stories"] == row["stories"]


def test_an_edition_downloads_as_csv_and_json(client, facts):
    edition = facts["edition"]
    (row,) = rows(client.get(edition.get_dataset_url("csv")))
    assert (row["result"], row["project_name"], row["city_slug"]) == ("winner", "AI-HUB (SZ)", "futian")
    assert row["publisher"] == "FIRA Barcelona"
    assert client.get(edition.get_dataset_url("json")).json()["rows"][0]["year"] == 2020
    assert client.get("/datasets/awards/scewc/1999.csv").status_code == 404


def test_a_fact_with_no_named_publisher_says_so(client):
    ranking = make_ranking(publisher="")
    make_entry(ranking)
    (row,) = rows(client.get(ranking.get_dataset_url("csv")))
    assert (row["publisher"], row["publisher_named"]) == ("", "false")


def test_hostile_text_stays_inert_in_csv_and_json(client):
    city = make_city(name=HOSTILE, country="\tTab land")
    edition = make_edition(programme=make_programme(organiser="@SUM(A1)"))
    make_recognition(edition, city=city, project_name="+1+1", note="-2")
    ranking = make_ranking(title=HOSTILE, publisher="-cmd")
    make_entry(ranking, city=city, score=-5)

    (row,) = rows(client.get(ranking.get_dataset_url("csv")))
    assert row["city"] == "'" + HOSTILE and row["country"] == "'\tTab land" and row["publisher"] == "'-cmd"
    assert row["score"] == "-5"  # a number stays a number
    (award,) = rows(client.get(edition.get_dataset_url("csv")))
    assert award["project_name"] == "'+1+1" and award["publisher"] == "'@SUM(A1)"

    response = client.get(ranking.get_dataset_url("json"))
    assert response["Content-Type"].startswith("application/json") and response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["rows"][0]["city"] == HOSTILE
    api = client.get(f"/api/v1/cities/{city.slug}/")
    assert api.json()["name"] == HOSTILE and api["Content-Type"] == "application/json"


def test_the_data_package_validates_and_parses_back(client, facts, tmp_path):
    make_ranking(publisher="")  # a ranking with no entries and no named publisher
    # A title holds no line break (citynews.text): commas and quotes are what the CSV must quote.
    make_article(title='Story, with "quotes", and commas')
    descriptor = client.get("/datasets/citynews-facts/datapackage.json").json()
    assert descriptor["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    names = [resource["name"] for resource in descriptor["resources"]]
    assert names == ["cities", "programmes", "editions", "categories", "recognitions", "rankings",
                     "ranking_entries", "stories"]  # fmt: skip
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    for resource in descriptor["resources"]:
        response = client.get(f"/datasets/citynews-facts/{resource['path']}")
        assert response.status_code == 200
        (tmp_path / resource["path"]).write_bytes(response.content)

    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    stories = list(csv.DictReader((tmp_path / "stories.csv").open(encoding="utf-8")))
    assert sorted(story["title"] for story in stories) == ["Live story", 'Story, with "quotes", and commas']
    cities = {row["slug"]: row for row in csv.DictReader((tmp_path / "cities.csv").open(encoding="utf-8"))}
    assert cities["futian"]["parent_id"] == str(facts["city"].pk)
    assert client.get("/datasets/citynews-facts/nothing.csv").status_code == 404


def test_the_datasets_page_lists_every_download_in_dataset_json_ld(client, facts, django_assert_num_queries):
    with django_assert_num_queries(3):  # rankings, editions, and the site's section links
        response = client.get("/datasets/")
    page = parse(response)
    (script,) = page.select('script[type="application/ld+json"]')
    catalogue = json.loads(script.string)
    assert catalogue["@type"] == "Dataset" and catalogue["license"].startswith("https://creativecommons.org/")
    assert catalogue["distribution"][0]["contentUrl"].endswith("/datasets/citynews-facts/datapackage.json")
    downloads = {d["contentUrl"] for part in catalogue["hasPart"] for d in part["distribution"]}
    assert "http://127.0.0.1:8000/datasets/rankings/online-services/2020.csv" in downloads
    assert "http://127.0.0.1:8000/datasets/awards/scewc/2020.json" in downloads
    links = {a["href"] for a in page.select("main a")}
    assert "/datasets/rankings/online-services/2020.json" in links and "/api/v1/docs/" in links

"""A ranking's table imported from CSV in the admin: any size, all rows or none, errors by line, never a 500."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from awards import ranking_import
from awards.admin import MAX_RANKING_ROWS_PER_SAVE
from awards.models import City, RankingEntry
from tests.awards.factories import make_city, make_entry, make_ranking
from tests.conftest import form_data, make_article, parse

pytestmark = pytest.mark.django_db

HEADER = "position,city,country,score\n"


def import_url(ranking):
    return f"/admin/awards/ranking/{ranking.pk}/import/"


def upload(content, name="table.csv"):
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def post_import(client, ranking, content, replace=False, **extra):
    data = {"file": upload(content)} | ({"replace": "on"} if replace else {}) | extra
    return client.post(import_url(ranking), data)


def messages_shown(client, response):
    """The messages the editor reads on the page the import redirects to."""
    assert response.status_code == 302, problems(response)
    page = parse(client.get(response["Location"]))
    return [li.get_text(strip=True) for li in page.select(".messagelist li")]


def problems(response):
    return [" ".join(li.get_text().split()) for li in parse(response).select("#import-problems li")]


def table(ranking):
    return list(ranking.entries.order_by("position", "city__name").values_list("city__name", "position", "score"))


def page_rows(client, ranking):
    """The public ranking page's table as (position, city, score) texts, parsed from its HTML."""
    response = client.get(ranking.get_absolute_url())
    assert response.status_code == 200
    rows = parse(response).select("table.ranking-table tbody tr")
    return [
        (
            row.select("td")[0].get_text(strip=True),
            row.th.get_text(strip=True),
            row.select("td")[1].get_text(strip=True),
        )
        for row in rows
    ]


@pytest.fixture
def prefecture_cities():
    return City.objects.bulk_create(
        City(name=f"Prefecture {n}", slug=f"prefecture-{n}", country="China") for n in range(1, 301)
    )


def test_editor_imports_a_300_city_table_and_the_page_shows_it(editor_client, prefecture_cities):
    ranking = make_ranking(slug="prefecture-cities", year=2023, field_size=337)
    lines = [f"{n},Prefecture {n},China,{100 - n / 10:.1f}" for n in range(1, 301)]
    response = post_import(editor_client, ranking, HEADER + "\n".join(lines) + "\n")

    assert response.status_code == 302
    assert response["Location"] == f"/admin/awards/ranking/{ranking.pk}/change/"
    assert messages_shown(editor_client, response) == ["Imported table.csv: 300 added, 0 changed, 0 unchanged."]
    assert ranking.entries.count() == 300
    assert set(ranking.entries.values_list("ranking_field_size", "ranking_allows_ties")) == {(337, False)}
    rows = page_rows(Client(), ranking)
    assert len(rows) == 300
    assert rows[0] == ("1", "Prefecture 1", "99.900")
    assert rows[-1] == ("300", "Prefecture 300", "70.000")


def test_a_ranking_too_long_for_the_inline_keeps_a_savable_change_page(editor_client, prefecture_cities):
    ranking = make_ranking(field_size=337)
    RankingEntry.objects.bulk_create(
        RankingEntry(ranking=ranking, city=city, position=n, ranking_field_size=337)
        for n, city in enumerate(prefecture_cities, start=1)
    )
    response = editor_client.get(f"/admin/awards/ranking/{ranking.pk}/change/")
    assert response.status_code == 200
    page = parse(response)
    assert response.context["inline_admin_formsets"] == []
    assert f"more than the {MAX_RANKING_ROWS_PER_SAVE}" in page.select_one("#entries-too-many").get_text()
    assert page.select_one(f"a[href='{import_url(ranking)}']").get_text() == "Import entries from CSV"

    data = form_data(response, "form#ranking_form") | {"method_note": ["Weighted indicators."]}
    assert editor_client.post(f"/admin/awards/ranking/{ranking.pk}/change/", data).status_code == 302
    ranking.refresh_from_db()
    assert ranking.method_note == "Weighted indicators."
    assert ranking.entries.count() == 300


def test_the_sites_own_download_reimports_as_it_is(editor_client, client):
    shenzhen = make_city(name="Shenzhen", slug="shenzhen")
    futian = make_city(name="Futian", slug="futian", parent=shenzhen)
    formula = make_city(name="=Formula Town", slug="formula-town", country="Nowhere")
    source = make_ranking(slug="online-services", year=2020, field_size=10, allow_ties=True)
    make_entry(source, shenzhen, position=1, score=Decimal("100"))
    make_entry(source, futian, position=2, score=Decimal("87.125"))
    make_entry(source, formula, position=2)
    download = client.get(source.get_csv_url()).content.decode()
    target = make_ranking(slug="online-services", year=2021, field_size=10, allow_ties=True)

    response = post_import(editor_client, target, download)
    assert messages_shown(editor_client, response) == ["Imported table.csv: 3 added, 0 changed, 0 unchanged."]
    assert table(target) == table(source)
    # The same file again, replacing: nothing to change.
    response = post_import(editor_client, source, download, replace=True)
    assert messages_shown(editor_client, response) == ["Imported table.csv: 0 added, 0 changed, 3 unchanged."]


def test_the_download_names_cities_by_slug_so_namesakes_reimport(editor_client, client):
    beijing = make_city(name="Beijing", slug="beijing")
    district = make_city(name="Chaoyang", slug="chaoyang-beijing", parent=beijing)
    city = make_city(name="Chaoyang", slug="chaoyang-liaoning", country="China")
    source = make_ranking(slug="district-services", year=2020, field_size=5)
    make_entry(source, city, position=1)
    make_entry(source, district, position=2)
    download = client.get(source.get_csv_url()).content.decode()
    assert [row["slug"] for row in csv.DictReader(io.StringIO(download))] == ["chaoyang-liaoning", "chaoyang-beijing"]
    target = make_ranking(slug="district-services", year=2021, field_size=5)

    response = post_import(editor_client, target, download)
    assert messages_shown(editor_client, response) == ["Imported table.csv: 2 added, 0 changed, 0 unchanged."]
    assert list(target.entries.order_by("position").values_list("city__slug", flat=True)) == [
        "chaoyang-liaoning",
        "chaoyang-beijing",
    ]


def test_two_cities_swap_places_and_stories_keep_their_links(editor_client):
    a, b, c = make_city(name="Alpha"), make_city(name="Beta"), make_city(name="Gamma")
    ranking = make_ranking(field_size=5)
    entry_a, entry_b = make_entry(ranking, a, position=1), make_entry(ranking, b, position=2)
    story = make_article(title="Alpha leads")
    story.ranking_entries.add(entry_a)

    response = post_import(editor_client, ranking, HEADER + "1,Beta,,\n2,alpha,,\n3,GAMMA,china,3.5\n")
    assert response.status_code == 302, problems(response)
    assert table(ranking) == [("Beta", 1, None), ("Alpha", 2, None), ("Gamma", 3, Decimal("3.5"))]
    assert ranking.entries.get(city=a).pk == entry_a.pk and ranking.entries.get(city=b).pk == entry_b.pk
    assert list(story.ranking_entries.all()) == [entry_a]
    assert c.ranking_entries.get().ranking_field_size == 5


def test_without_replace_other_entries_stay_and_with_it_they_leave(editor_client):
    a, b = make_city(name="Alpha"), make_city(name="Beta")
    ranking = make_ranking(field_size=5)
    entry_a = make_entry(ranking, a, position=1)
    make_entry(ranking, b, position=2)
    story = make_article(title="Alpha leads")
    story.ranking_entries.add(entry_a)

    response = post_import(editor_client, ranking, HEADER + "1,Alpha,,\n")
    assert messages_shown(editor_client, response) == [
        "Imported table.csv: 0 added, 0 changed, 1 unchanged, 1 not in the file kept."
    ]
    response = post_import(editor_client, ranking, HEADER + "3,Beta,,9\n")
    assert messages_shown(editor_client, response) == [
        "Imported table.csv: 0 added, 1 changed, 0 unchanged, 1 not in the file kept."
    ]
    assert table(ranking) == [("Alpha", 1, None), ("Beta", 3, Decimal("9"))]

    # Replacing would delete Alpha's entry, which a story reports: refused, nothing saved.
    response = post_import(editor_client, ranking, HEADER + "1,Beta,,\n", replace=True)
    assert response.status_code == 200
    assert problems(response) == [
        "Alpha (position 1) is reported by “Alpha leads”: keep it in the file, or take it out of those stories first."
    ]
    assert table(ranking) == [("Alpha", 1, None), ("Beta", 3, Decimal("9"))]
    assert list(story.ranking_entries.all()) == [entry_a]

    story.ranking_entries.clear()
    response = post_import(editor_client, ranking, HEADER + "1,Beta,,\n", replace=True)
    assert messages_shown(editor_client, response) == [
        "Imported table.csv: 0 added, 1 changed, 0 unchanged, 1 removed."
    ]
    assert table(ranking) == [("Beta", 1, None)]


def test_a_position_held_by_an_entry_that_stays_is_a_tie(editor_client):
    a = make_city(name="Alpha")
    make_city(name="Beta")
    ranking = make_ranking(field_size=5)
    make_entry(ranking, a, position=1)
    response = post_import(editor_client, ranking, HEADER + "1,Beta,,\n")
    assert response.status_code == 200
    assert problems(response) == [
        "Line 2: position 1 is also given to Alpha, who stays in the ranking (not in the file), "
        "and this ranking does not allow ties."
    ]
    assert table(ranking) == [("Alpha", 1, None)]
    assert post_import(editor_client, ranking, HEADER + "1,Beta,,\n", replace=True).status_code == 302
    assert table(ranking) == [("Beta", 1, None)]


def test_ties_are_imported_where_the_ranking_allows_them(editor_client):
    make_city(name="Alpha"), make_city(name="Beta")
    ranking = make_ranking(field_size=5, allow_ties=True)
    assert post_import(editor_client, ranking, HEADER + "1,Alpha,,\n1,Beta,,\n").status_code == 302
    assert table(ranking) == [("Alpha", 1, None), ("Beta", 1, None)]


def test_cities_are_told_apart_by_country_district_label_or_slug(editor_client):
    beijing = make_city(name="Beijing", slug="beijing")
    make_city(name="Chaoyang", slug="chaoyang-beijing", parent=beijing)
    make_city(name="Chaoyang", slug="chaoyang-liaoning")
    make_city(name="Victoria", slug="victoria-canada", country="Canada")
    make_city(name="Victoria", slug="victoria-seychelles", country="Seychelles")
    ranking = make_ranking(field_size=10)

    response = post_import(editor_client, ranking, HEADER + "1,Chaoyang,China,\n2,Victoria,,\n")
    assert problems(response) == [
        "Line 2: “Chaoyang” in China could be Chaoyang (Beijing) (slug “chaoyang-beijing”) or Chaoyang "
        "(slug “chaoyang-liaoning”): give the slug in a “slug” column, or write a district as “District (City)”.",
        "Line 3: “Victoria” could be Victoria (slug “victoria-canada”) or Victoria (slug “victoria-seychelles”): "
        "give the slug in a “slug” column, or write a district as “District (City)”.",
    ]
    content = "position,city,slug,country\n1,Chaoyang (Beijing),,\n2,Chaoyang,chaoyang-liaoning,\n3,Victoria,,canada\n"
    assert post_import(editor_client, ranking, content).status_code == 302
    assert list(ranking.entries.order_by("position").values_list("city__slug", flat=True)) == [
        "chaoyang-beijing",
        "chaoyang-liaoning",
        "victoria-canada",
    ]


def gbk(text):
    return text.encode("gbk")


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            HEADER + "1,Atlantis,,\n",
            ["Line 2: no city is called “Atlantis”: add it under Cities first, or check the spelling."],
        ),
        (
            HEADER + "1,Alpha,Japan,\n",
            ["Line 2: no city is called “Alpha” in Japan: add it under Cities first, or check the spelling."],
        ),
        (HEADER + "1,Alpha,,\n2,ALPHA,,\n", ["Line 3: Alpha is already on line 2: keep one row per city."]),
        (
            HEADER + "1,Alpha,,\n1,Beta,,\n",
            ["Line 3: position 1 is also given to Alpha on line 2, and this ranking does not allow ties."],
        ),
        (HEADER + "0,Alpha,,\n", ["Line 2: the position “0” is not a whole number from 1 up."]),
        (HEADER + "2.5,Alpha,,\n", ["Line 2: the position “2.5” is not a whole number from 1 up."]),
        (HEADER + "٣,Alpha,,\n", ["Line 2: the position “٣” is not a whole number from 1 up."]),
        (HEADER + ",Alpha,,\n", ["Line 2: the position is missing."]),
        (
            HEADER + "6,Alpha,,\n",
            [
                "Line 2: position 6 is beyond the ranking's field size of 5: "
                "if the ranking has grown, change its field size first."
            ],
        ),
        (HEADER + "1,Alpha,,abc\n", ["Line 2: the score “abc” cannot be used: Enter a number."]),
        (
            HEADER + "1,Alpha,,1.2345\n",
            ["Line 2: the score “1.2345” cannot be used: Ensure that there are no more than 3 decimal places."],
        ),
        (HEADER + "1,Alpha,,NaN\n", ["Line 2: the score “NaN” cannot be used: Enter a number."]),
        (HEADER + "1,,,\n", ["Line 2: the city is missing."]),
        (HEADER + "1,Alpha,China,5,extra\n", ["Line 2: 5 cells, but line 1 names 4 columns."]),
        ("position,slug\n1,nowhere\n", ["Line 2: no city has the slug “nowhere”."]),
        ("position,city,slug\n1,Beta,alpha\n", ["Line 2: the slug “alpha” is Alpha, not “Beta”."]),
        (
            gbk(HEADER + "1,深圳,中国,\n"),
            [
                "Line 2: the file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”; "
                "in LibreOffice, choose the UTF-8 character set."
            ],
        ),
        (PNG, ["This is not a CSV file: export the table from the spreadsheet as CSV (UTF-8)."]),
        (
            "\n" + HEADER + "1,Alpha,,\n",
            [
                "Line 1 must name the columns, as the ranking page's CSV download does: "
                "“position,city,country,score” (position and city are needed)."
            ],
        ),
        (HEADER, ["The file has no rows under its first line: nothing to import."]),
        (
            "1,Alpha,China,5\n",
            [
                "Line 1 must name the columns, as the ranking page's CSV download does: "
                "“position,city,country,score” (position and city are needed)."
            ],
        ),
        (
            "position,city,points\n1,Alpha,5\n",
            [
                "Line 1: unknown column “points”. The columns are position, city, slug, country and score "
                "(movement and places_moved are ignored)."
            ],
        ),
        (
            "position,country\n1,China\n",
            ["Line 1: name a “city” column (or a “slug” column) to say which city each row is."],
        ),
        (HEADER + '1,"Alpha,,\n', ["Line 2: this is not readable as CSV (unexpected end of data)."]),
        (
            HEADER + "1,Atlantis,,\nx,Alpha,,y\n",
            [
                "Line 2: no city is called “Atlantis”: add it under Cities first, or check the spelling.",
                "Line 3: the position “x” is not a whole number from 1 up.",
                "Line 3: the score “y” cannot be used: Enter a number.",
            ],
        ),
    ],
)
def test_each_problem_is_listed_by_line_and_nothing_is_saved(editor_client, content, expected):
    alpha, beta = make_city(name="Alpha", slug="alpha"), make_city(name="Beta", slug="beta")
    ranking = make_ranking(field_size=5)
    make_entry(ranking, alpha, position=5, score=Decimal("1"))
    make_entry(ranking, beta, position=4)
    before = table(ranking)

    response = post_import(editor_client, ranking, content, replace=True)

    assert response.status_code == 200
    assert problems(response) == expected
    assert parse(response).select_one(".errornote").get_text(strip=True).startswith("Nothing was imported.")
    assert table(ranking) == before


def test_semicolons_and_a_byte_order_mark_are_read(editor_client):
    make_city(name="Alpha")
    ranking = make_ranking(field_size=5)
    content = "\ufeffPosition;City;Score\r\n1;Alpha;87,5\r\n".replace("87,5", "87.5")
    assert post_import(editor_client, ranking, content).status_code == 302
    assert table(ranking) == [("Alpha", 1, Decimal("87.5"))]


def test_too_big_a_file_or_too_many_rows_is_refused(editor_client, monkeypatch):
    make_city(name="Alpha"), make_city(name="Beta")
    ranking = make_ranking(field_size=5)
    monkeypatch.setattr(ranking_import, "MAX_IMPORT_ROWS", 1)
    assert problems(post_import(editor_client, ranking, HEADER + "1,Alpha,,\n2,Beta,,\n")) == [
        "The file has more than 1 rows: split it."
    ]
    monkeypatch.setattr(ranking_import, "MAX_IMPORT_BYTES", 20)
    assert problems(post_import(editor_client, ranking, HEADER + "1,Alpha,,\n")) == [
        "The file is 38 bytes: at most 20 can be imported at once."
    ]
    assert ranking.entries.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "This field is required."), ({"file": upload("")}, "The submitted file is empty.")],
)
def test_a_missing_or_empty_file_is_a_form_error(editor_client, data, message):
    ranking = make_ranking()
    response = editor_client.post(import_url(ranking), {"replace": "on"} | data)
    assert response.status_code == 200
    assert [li.get_text() for li in parse(response).select(".field-file .errorlist li")] == [message]


def test_a_database_refusal_is_a_form_error_not_a_500(editor_client, monkeypatch):
    make_city(name="Alpha"), make_city(name="Beta")
    ranking = make_ranking(field_size=5)
    check_rows = ranking_import.check_rows

    def lenient(ranking, *args):
        # As if another editor's change slipped in between the checks and the save.
        ranking.allow_ties = True
        try:
            return check_rows(ranking, *args)
        finally:
            ranking.allow_ties = False

    monkeypatch.setattr(ranking_import, "check_rows", lenient)
    response = post_import(editor_client, ranking, HEADER + "1,Alpha,,\n1,Beta,,\n")
    assert response.status_code == 200
    assert problems(response)[0].startswith("The database refused the table")
    assert ranking.entries.count() == 0


def test_the_import_page_has_the_admins_shape(editor_client):
    ranking = make_ranking(title="Smart services", year=2021)
    change = editor_client.get(f"/admin/awards/ranking/{ranking.pk}/change/")
    assert parse(change).select_one(".object-tools a[href$='/import/']")["href"] == import_url(ranking)
    response = editor_client.get(import_url(ranking))
    assert response.status_code == 200
    page = parse(response)
    crumbs = [a.get_text() for a in page.select(".breadcrumbs a")]
    assert crumbs == ["Home", "Awards", "Rankings", "Smart services (2021)"]
    form = page.select_one("form#ranking_import_form")
    assert form["enctype"] == "multipart/form-data"
    assert form.select_one("input[type=file][name=file]") and form.select_one("input[type=checkbox][name=replace]")
    assert form.select_one("input[name=csrfmiddlewaretoken]")


def test_contributors_and_anonymous_visitors_cannot_import(client, contributor_client):
    make_city(name="Alpha")
    ranking = make_ranking()
    assert contributor_client.get(import_url(ranking)).status_code == 403
    assert post_import(contributor_client, ranking, HEADER + "1,Alpha,,\n").status_code == 403
    change = contributor_client.get(f"/admin/awards/ranking/{ranking.pk}/change/")
    assert parse(change).select_one("a[href$='/import/']") is None
    anonymous = Client()
    response = post_import(anonymous, ranking, HEADER + "1,Alpha,,\n")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert ranking.entries.count() == 0


@pytest.mark.parametrize("object_id", ["%ff", "%00", str(10**20), "-1", "abc", "999999"])
def test_hostile_ranking_ids_are_refused(editor_client, object_id):
    editor_client.raise_request_exception = False
    response = editor_client.post(f"/admin/awards/ranking/{object_id}/import/", {"file": upload(HEADER)})
    assert response.status_code == (400 if object_id == "%00" else 302)


def test_an_import_retires_cached_pages_at_once(editor_client, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300
    alpha, beta = make_city(name="Alpha", slug="alpha"), make_city(name="Beta", slug="beta")
    ranking = make_ranking(title="Smart services", field_size=5)
    make_entry(ranking, alpha, position=1)
    reader = Client()
    pages = [ranking.get_absolute_url(), beta.get_absolute_url()]
    for url in pages:
        assert reader.get(url)["X-Page-Cache"] == "miss"
        assert reader.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_import(editor_client, ranking, HEADER + "1,Beta,,\n", replace=True)
    assert response.status_code == 302
    assert callbacks  # the page cache is retired again once the import is committed

    ranking_page = reader.get(pages[0])
    assert ranking_page["X-Page-Cache"] == "miss"
    assert [row[1] for row in page_rows(reader, ranking)] == ["Beta"]
    city_page = reader.get(pages[1])
    assert city_page["X-Page-Cache"] == "miss"
    assert parse(city_page).select_one(".rank-latest strong").get_text(strip=True) == "1st of 5"


def test_bulk_writes_send_no_signals_so_the_import_retires_the_cache_itself(monkeypatch, editor_client):
    bumps = []
    monkeypatch.setattr(ranking_import, "bump_on_content_change", lambda sender: bumps.append(sender))
    make_city(name="Alpha")
    ranking = make_ranking()
    assert post_import(editor_client, ranking, HEADER + "1,Alpha,,\n").status_code == 302
    assert bumps == [RankingEntry]


def test_download_columns_are_the_ones_the_import_reads(client):
    ranking = make_ranking()
    make_entry(ranking, make_city(name="Alpha"), position=1)
    header = next(csv.reader(io.StringIO(client.get(ranking.get_csv_url()).content.decode())))
    assert set(header) <= set(ranking_import.COLUMN_NAMES) | ranking_import.IGNORED_COLUMNS


def test_invisible_control_characters_in_cells_are_removed_and_reported(editor_client):
    make_city(name="Alpha"), make_city(name="Beta")
    ranking = make_ranking(field_size=5)
    content = HEADER + "1,Al\x0bpha,,12.5\n2,\x1bBeta\ufffe,,\x0c9\n"
    response = post_import(editor_client, ranking, content)
    assert messages_shown(editor_client, response) == [
        "Imported table.csv: 2 added, 0 changed, 0 unchanged, invisible control characters removed on lines 2, 3."
    ]
    assert table(ranking) == [("Alpha", 1, Decimal("12.5")), ("Beta", 2, Decimal("9"))]

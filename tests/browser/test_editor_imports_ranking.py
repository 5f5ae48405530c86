"""An editor enters a 300-city ranking by importing a CSV file in the admin; a reader then sees the whole table."""

import pytest
from playwright.sync_api import expect

from tests.awards.factories import make_city, make_ranking

from .conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIES = 300


def test_editor_imports_a_table_too_long_for_the_inline(live_server, page, editor, tmp_path, artifacts_dir):
    ranking = make_ranking(title="Prefecture city digital index", slug="prefecture-index", field_size=CITIES)
    for n in range(1, CITIES + 1):
        make_city(name=f"City {n:03d}", slug=f"city-{n:03d}")
    table = tmp_path / "prefecture-index.csv"
    # Listed in reverse, with one mistake, as a table pasted from a publisher's spreadsheet might be.
    rows = [f"{position},City {position:03d},China,{1000 - position}.5" for position in range(CITIES, 0, -1)]
    table.write_text("position,city,country,score\n" + "\n".join(rows).replace("City 150", "City 15O") + "\n")

    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/awards/ranking/{ranking.pk}/change/")
    page.get_by_role("link", name="Import entries from CSV").click()
    expect(page.get_by_role("heading", name="Import entries from CSV")).to_be_visible()

    page.get_by_label("CSV file").set_input_files(table)
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".errornote")).to_contain_text("Nothing was imported")
    expect(page.locator("#import-problems li")).to_have_text(
        ["Line 152: no city is called “City 15O” in China: add it under Cities first, or check the spelling."]
    )
    assert ranking.entries.count() == 0

    table.write_text(table.read_text().replace("City 15O", "City 150"))
    page.get_by_label("CSV file").set_input_files(table)
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".messagelist .success")).to_have_text(
        f"Imported prefecture-index.csv: {CITIES} added, 0 changed, 0 unchanged."
    )
    assert ranking.entries.count() == CITIES

    page.goto(f"{live_server.url}{ranking.get_absolute_url()}")
    rows = page.locator("table.ranking-table tbody tr")
    expect(rows).to_have_count(CITIES)
    expect(rows.first.locator("th")).to_have_text("City 001")
    expect(rows.last.locator("th")).to_have_text(f"City {CITIES:03d}")
    page.screenshot(path=artifacts_dir / "ranking-imported.png")

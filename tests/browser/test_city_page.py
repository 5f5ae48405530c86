"""A reader opens the demo city page and finds the rank-history chart and its data table."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_city_page_shows_chart_and_table(live_server, page, transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cities").click()
    page.get_by_role("link", name="Shenzhen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shenzhen")

    chart = page.get_by_role("img", name="Shenzhen: Online administration service capability, rank by year")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(2)
    table = page.get_by_role("table", name="Shenzhen: Online administration service capability, by year")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("row").nth(2)).to_contain_text("2020")
    expect(table.get_by_role("row").nth(2)).to_contain_text("1st")
    expect(page.locator(".rank-latest")).to_contain_text("1st of 32")

    page.get_by_role("link", name="SCEWC 2020").first.click()
    expect(page.get_by_role("heading", name="Inclusive & Sharing Cities Award")).to_be_visible()

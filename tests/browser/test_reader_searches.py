"""A reader searches from the header box, pages through results and follows one to the story."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_searches_from_any_page(live_server, page, artifacts_dir):
    now = timezone.now()
    for n in range(12):
        make_article(
            title=f"Harbin ice festival report {n}",
            body=f"<p>Visitors to Harbin, part {n}.</p>",
            published_at=now - timedelta(hours=n + 1),
        )
    make_article(title="Unrelated story", body="<p>Nothing about that city.</p>", published_at=now)

    page.goto(f"{live_server.url}/sections/")
    search = page.get_by_role("search").first
    search.get_by_label("Search stories").fill("harbin")
    search.get_by_label("Search stories").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/search/?q=harbin")
    expect(page.get_by_role("status")).to_have_text("12 stories match “harbin”.")
    results = page.locator(".search-result")
    expect(results).to_have_count(10)
    expect(results.first.locator("mark").first).to_have_text("Harbin")
    # The title already shows the word: no snippet of the body repeats it.
    expect(results.first.locator(".search-result__snippet")).to_have_count(0)

    page.get_by_role("link", name="Next →").click()
    expect(results).to_have_count(2)
    page.screenshot(path=artifacts_dir / "reader-search-page-2.png", full_page=True)

    results.first.get_by_role("link", name="Harbin ice festival report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbin ice festival report 10")


def test_reader_orders_results_newest_first_and_sees_where_the_body_matches(live_server, page, artifacts_dir):
    now = timezone.now()
    make_article(title="Harbin wins the ice city award", published_at=now - timedelta(days=3))
    make_article(
        title="Winter lights festival opens",
        standfirst="Crowds came for the sculptures.",
        body="<p>Visitors came from Harbin and beyond.</p>",
        published_at=now - timedelta(hours=1),
    )

    page.goto(f"{live_server.url}/search/?q=harbin")
    titles = page.locator(".search-result .card__title")
    expect(titles).to_have_count(2)  # in the order of their rank on PostgreSQL, newest first on SQLite

    page.get_by_role("navigation", name="Order of the stories").get_by_role("link", name="Newest first").click()
    expect(page).to_have_url(f"{live_server.url}/search/?q=harbin&sort=newest")
    expect(page.get_by_role("status")).to_have_text("Stories that match “harbin”, newest first.")
    expect(titles).to_have_text(["Winter lights festival opens", "Harbin wins the ice city award"])
    # Only the body has the word: a snippet of it shows where, marked.
    snippet = page.locator(".search-result").first.locator(".search-result__snippet")
    expect(snippet).to_have_text("Visitors came from Harbin and beyond.")
    expect(snippet.locator("mark")).to_have_text("Harbin")
    page.screenshot(path=artifacts_dir / "reader-search-newest-first.png", full_page=True)

"""An editor enters an award edition's winners and finalists in one form, in a 1,280 px window."""

import re

import pytest
from playwright.sync_api import expect

from awards.models import Recognition
from tests.awards.factories import make_category, make_city, make_edition, make_organisation, make_programme

from .conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    ("Enabling Technologies Award", "Winner", "Shenzhen", None, "AI-HUB (SZ)"),
    ("Mobility Award", "Winner", None, "Futian Data Bureau", "Smart bus lanes"),
    ("Mobility Award", "Finalist", "Hangzhou", None, "City Brain traffic"),
    ("Governance & Economy Award", "Finalist", "Shanghai", None, "One Network"),
    ("Enabling Technologies Award", "Special mention", "Futian (Shenzhen)", None, "Open data portal"),
]


def assert_no_horizontal_scroll(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def pick(page, row, field, text):
    """Choose ``text`` in a row's searchable picker (the admin's select2 autocomplete)."""
    page.locator(f"#recognitions-{row} .field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text.split(" (")[0])
    page.locator(".select2-results__option").filter(has_text=re.compile(f"^{re.escape(text)}$")).click()


def test_an_edition_with_five_winners_and_finalists_fits_the_window(live_server, browser, editor, artifacts_dir):
    scewc = make_programme(name="Smart City Expo World Congress", short_name="SCEWC")
    other = make_programme(name="Another Prize", short_name="AP")
    edition = make_edition(programme=scewc, year=2020, number=10)
    for name in ["Enabling Technologies Award", "Mobility Award", "Governance & Economy Award"]:
        make_category(scewc, name=name)
    make_category(other, name="Enabling Technologies Award")
    shenzhen = make_city(name="Shenzhen", slug="shenzhen")
    futian = make_city(name="Futian", slug="futian", parent=shenzhen)
    make_city(name="Hangzhou", slug="hangzhou")
    make_city(name="Shanghai", slug="shanghai")
    make_organisation(name="Futian Data Bureau", city=futian)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/awards/edition/{edition.pk}/change/")
    expect(page.locator("#recognitions-4")).to_be_visible()
    assert_no_horizontal_scroll(page)
    categories = page.locator("#recognitions-0 .field-category select option").all_inner_texts()
    assert categories == ["---------", *sorted({row[0] for row in ROWS})]

    for number, (category, result, city, organisation, project) in enumerate(ROWS):
        page.locator(f"#recognitions-{number} .field-category select").select_option(label=category)
        page.locator(f"#recognitions-{number} .field-result select").select_option(label=result)
        if city:
            pick(page, number, "city", city)
        if organisation:
            pick(page, number, "organisation", f"{organisation} (Futian (Shenzhen))")
        page.locator(f"#recognitions-{number} .field-project_name input").fill(project)
    assert_no_horizontal_scroll(page)
    page.locator(".recognitions-inline").screenshot(path=str(artifacts_dir / "edition-recognitions-1280.png"))
    page.screenshot(path=str(artifacts_dir / "edition-form-1280.png"), full_page=True)

    page.get_by_role("button", name="Save and continue editing").click()
    # Five rows with their pickers: on a busy machine the save can take longer than expect()'s 5 s. A form error
    # fails with its messages rather than with a missing success message.
    expect(page.locator(".messagelist .success, .errornote")).to_be_visible(timeout=30_000)
    assert page.locator(".errornote").count() == 0, page.locator(".errorlist").all_inner_texts()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    saved = [
        (
            f"{r.category.name}",
            r.get_result_display(),
            r.city and str(r.city),
            r.organisation and r.organisation.name,
            r.project_name,
        )
        for r in Recognition.objects.filter(edition=edition)
        .select_related("category", "city__parent", "organisation")
        .order_by("pk")
    ]
    assert saved == ROWS
    assert_no_horizontal_scroll(page)
    context.close()

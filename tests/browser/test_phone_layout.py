"""Nothing on a reader page scrolls sideways on a phone, even with the widest content editors can enter.

The demo's pages are checked in test_reader_pages_render.py; here the content is made to be wide:
a story whose body holds an eight-column table and an address with no spaces, a city whose name is
one 58-letter word, a ranking of sixty such cities. Only a wide table may scroll, and then inside its
own box, with every column still reachable.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import RankingEntry
from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_organisation,
    make_programme,
    make_ranking,
    make_recognition,
)
from tests.conftest import make_article, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# A real place name, and addresses and compounds as editors paste them: none has a place to break.
LONG_NAME = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
LONG_URL = "https://www.sz.gov.cn/en_szgov/news/latest/content/post_8309012_smartcityexpoworldcongress2020awards.html"
LONG_WORD = "Digitalisierungsinfrastrukturförderungsprogrammauszeichnung"
COLUMNS = [
    "Award category",
    "Recipient city or district",
    "Project name",
    "Organisation responsible",
    "Population served",
    "Annual budget (million yuan)",
    "Previous recognitions",
    "Source of the figures",
]
HEADER_ROW = "".join(f"<th>{name}</th>" for name in COLUMNS)
BODY_ROWS = "".join(
    "<tr>" + "".join(f"<td>{name} for entry {row}: Infrastructure administration</td>" for name in COLUMNS) + "</tr>"
    for row in range(1, 4)
)
WIDE_TABLE = (
    "<table><caption>Recipients of the 2020 awards, with the figures each city reported</caption>"
    f"<thead><tr>{HEADER_ROW}</tr></thead><tbody>{BODY_ROWS}</tbody></table>"
)
WIDE_BODY = (
    f"<p>The full list was published at {LONG_URL} on the day of the ceremony.</p>"
    f"<p>The jury praised the {LONG_WORD} and the <a href='{LONG_URL}'>{LONG_URL}</a> report.</p>"
    f"{WIDE_TABLE}<p>The figures come from the cities themselves.</p>"
)

# Whatever sticks out past the right edge of the screen without a scrolling box around it: the
# culprits when the page is wider than the screen. A box clipped by an overflow container that
# itself fits is reachable by scrolling that container, which is what a wide table should do.
OVERFLOWING = """() => {
  const screen = document.documentElement.clientWidth;
  const culprits = [];
  for (const element of document.body.querySelectorAll("*")) {
    // Its box, or what runs out of its box (a word too long for its line); a scrolling box keeps its content in.
    const box = element.getBoundingClientRect();
    const scrolls = getComputedStyle(element).overflowX !== "visible";
    const right = scrolls ? box.right : Math.max(box.right, box.left + element.scrollWidth);
    if (right <= screen + 0.5) continue;
    let ancestor = element.parentElement;
    let contained = false;
    while (ancestor && ancestor !== document.body) {
      if (getComputedStyle(ancestor).overflowX !== "visible") { contained = true; break; }
      ancestor = ancestor.parentElement;
    }
    if (!contained) {
      const name = element.tagName.toLowerCase() + (element.className ? "." + element.className : "");
      culprits.push(`${name} ends at ${Math.round(right)}px`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    culprits: culprits.slice(0, 8),
  };
}"""

SCROLL_BOX = """(box) => ({
  scrollWidth: box.scrollWidth,
  clientWidth: box.clientWidth,
  overflowX: getComputedStyle(box).overflowX,
  right: box.getBoundingClientRect().right,
})"""


@pytest.fixture
def wide_content(transactional_db):
    """A story, a city, a ranking and an award, each as wide as editors can make them."""
    section = make_section(name=f"Infrastructure {LONG_WORD}", slug="infrastructure")
    city = make_city(name=LONG_NAME, slug="llanfair", country="United Kingdom of Great Britain and Northern Ireland")
    rivals = [make_city(name=f"{LONG_NAME[:40]}{n:02d}", slug=f"rival-{n}") for n in range(59)]
    # Three years of three rankings: the city's page draws a chart and a data table for each.
    rankings = {}
    for series in range(3):
        for year in (2018, 2019, 2020):
            ranking = make_ranking(
                title=f"{LONG_WORD} index {series}",
                slug=f"index-{series}",
                year=year,
                publisher="China Center for Urban Development, National Development and Reform Commission",
                scope="Sixty key cities of the Belt and Road Initiative",
                field_size=60,
                method_note=f"Scores are weighted as described at {LONG_URL}.",
                method_url=LONG_URL,
            )
            ranks = list(range(1, 61))
            if year == 2020:
                ranks = ranks[1:] + ranks[:1]  # everyone moves, so the movement column is full
            RankingEntry.objects.bulk_create(
                RankingEntry(
                    ranking=ranking,
                    city=entrant,
                    position=rank,
                    score=f"{99999.999 - rank * 1000:.3f}",
                    ranking_field_size=ranking.field_size,  # save() copies it; bulk_create() does not
                )
                for entrant, rank in zip([city, *rivals], ranks, strict=True)
            )
            rankings[series, year] = ranking
    programme = make_programme(name=f"Smart City Expo World Congress {LONG_WORD} Awards", slug="scewc")
    edition = make_edition(programme=programme, year=2020)
    edition.host_cities.set([city, *rivals[:3]])
    recognition = make_recognition(
        edition,
        category=make_category(programme, name=f"{LONG_WORD} Award"),
        city=city,
        project_name=f"{LONG_WORD}-AI-HUB ({LONG_URL})",
        note=f"Built with {LONG_URL}",
    )
    make_recognition(edition, organisation=make_organisation(name=f"Bureau of {LONG_WORD}", city=rivals[0]))
    article = make_article(
        title=f"{LONG_NAME} wins the {LONG_WORD}",
        slug="wide-story",
        standfirst=f"The city's entry is at {LONG_URL}.",
        byline=f"Staff reporter {LONG_WORD}",
        source_name=f"{LONG_WORD} Daily",
        source_url=LONG_URL,
        body=WIDE_BODY,
        section=section,
        tags=[LONG_WORD, LONG_NAME],
    )
    article.cities.add(city, *rivals[:3])
    article.recognitions.add(recognition)
    article.ranking_entries.add(rankings[0, 2020].entries.get(city=city))
    # Enough stories in the section for its list and the home page to need a second page.
    for n in range(12):
        make_article(
            title=f"{LONG_WORD} story {n}",
            section=section,
            standfirst=LONG_URL,
            published_at=timezone.now() - timedelta(days=1, hours=n),
        )
    return {"article": article, "city": city, "ranking": rankings[0, 2020], "edition": edition}


def reader_paths(wide_content):
    article, city, ranking, edition = (wide_content[key] for key in ("article", "city", "ranking", "edition"))
    published = timezone.localtime(article.published_at)  # archives are by the site's calendar
    return {
        "home": reverse("articles:home"),
        "home, page 2": reverse("articles:home") + "?page=2",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=[article.tags.get(name=LONG_WORD).slug]),
        "sections": reverse("articles:section_list"),
        "month": reverse("articles:archive_month", args=[published.year, f"{published.month:02d}"]),
        "search with results": reverse("articles:search") + f"?q={LONG_NAME}",
        "search for an address": reverse("articles:search") + f"?q={LONG_URL}",
        "cities": reverse("awards:cities"),
        "city": city.get_absolute_url(),
        "awards": reverse("awards:programmes"),
        "programme": edition.programme.get_absolute_url(),
        "edition": edition.get_absolute_url(),
        "rankings": reverse("awards:rankings"),
        "ranking": ranking.get_absolute_url(),
    }


def overflowing_pages(page, base_url, paths):
    found = {}
    for name, path in paths.items():
        response = page.goto(f"{base_url}{path}")
        assert response.status == 200, f"{name} ({path}): status {response.status}"
        facts = page.evaluate(OVERFLOWING)
        if facts["scrollWidth"] > facts["innerWidth"] or facts["culprits"]:
            found[f"{name} ({path})"] = f"{facts['scrollWidth']}px on {facts['innerWidth']}px: {facts['culprits']}"
    return found


@pytest.mark.parametrize("width", [320, PHONE["width"]])  # the narrowest phones still sold, and a common one
def test_no_reader_page_scrolls_sideways_on_a_phone(live_server, page, wide_content, width):
    page.set_viewport_size({**PHONE, "width": width})
    found = overflowing_pages(page, live_server.url, reader_paths(wide_content))
    assert not found, "\n".join(f"{name}: {problem}" for name, problem in found.items())


def test_no_reader_page_scrolls_sideways_on_a_desktop(live_server, page, wide_content):
    page.set_viewport_size(DESKTOP)
    found = overflowing_pages(page, live_server.url, reader_paths(wide_content))
    assert not found, "\n".join(f"{name}: {problem}" for name, problem in found.items())


def assert_scrolls_to_its_last_column(page, box, table):
    """The box is narrower than its table and fits the screen; scrolled to the end, the last column shows."""
    facts = box.evaluate(SCROLL_BOX)
    assert facts["overflowX"] in {"auto", "scroll"}
    assert facts["scrollWidth"] > facts["clientWidth"], "the table fits: this content was meant to be wide"
    assert facts["right"] <= PHONE["width"]
    box.evaluate("(box) => { box.scrollLeft = box.scrollWidth; }")
    last_header = table.locator("thead th").last.bounding_box()
    assert last_header["x"] + last_header["width"] <= PHONE["width"] + 1


def test_wide_story_table_scrolls_inside_the_story(live_server, page, wide_content, artifacts_dir):
    """Stored story HTML has no wrapper to add: the body's table itself is the scrolling box."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{wide_content['article'].get_absolute_url()}")
    page.screenshot(path=artifacts_dir / "phone-article.png", full_page=True)
    table = page.get_by_role("table", name="Recipients of the 2020 awards, with the figures each city reported")
    assert_scrolls_to_its_last_column(page, table, table)
    # Its cells keep whole words (break-word, unlike anywhere, leaves a word's width as the column's
    # least): the table scrolls rather than squeezing "Infrastructure" into a column of letters.
    assert table.locator("td").first.evaluate("(cell) => getComputedStyle(cell).overflowWrap") == "break-word"
    # The address in the text wraps within the column instead of widening the page.
    paragraph = page.locator(".prose p").first
    assert paragraph.bounding_box()["width"] <= PHONE["width"]


def test_story_table_is_reached_with_the_keyboard(live_server, page, wide_content):
    """Chromium makes a scrolling box without focusable content a tab stop; the arrow keys then scroll it."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{wide_content['article'].get_absolute_url()}")
    table = page.locator(".prose table")
    page.locator(".prose a").last.focus()  # the last link before the table
    page.keyboard.press("Tab")
    assert table.evaluate("(table) => document.activeElement === table")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.prose table').scrollLeft > 0")


def test_wide_ranking_table_scrolls_in_its_own_region(live_server, page, wide_content, artifacts_dir):
    ranking = wide_content["ranking"]
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{ranking.get_absolute_url()}")
    region = page.get_by_role("region", name=f"{ranking.title}, 2020: 60 of 60 places, movement since 2019")
    region.evaluate("(region) => region.scrollIntoView()")
    page.screenshot(path=artifacts_dir / "phone-ranking.png")
    table = region.get_by_role("table")
    assert table.get_by_role("row").count() == 61
    assert_scrolls_to_its_last_column(page, region, table)
    region.evaluate("(region) => { region.scrollLeft = 0; }")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(region) => region.scrollLeft > 0", arg=region.element_handle())
    page.screenshot(path=artifacts_dir / "phone-ranking-scrolled.png")


def test_city_page_rank_tables_fit_or_scroll_on_a_phone(live_server, page, wide_content, artifacts_dir):
    city = wide_content["city"]
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{city.get_absolute_url()}")
    page.screenshot(path=artifacts_dir / "phone-city.png", full_page=True)
    regions = page.locator(".rank-history").get_by_role("region")
    assert regions.count() == 3
    for index in range(3):
        region = regions.nth(index)
        facts = region.evaluate(SCROLL_BOX)
        assert facts["right"] <= PHONE["width"]
        assert facts["overflowX"] in {"auto", "scroll"}
        assert region.get_by_role("row").count() == 4  # the header and three years


def test_desktop_screenshots(live_server, page, wide_content, artifacts_dir):
    """For a person to look at: the fixes for phones must not change how a wide screen looks."""
    page.set_viewport_size(DESKTOP)
    for name, url in [
        ("article", wide_content["article"].get_absolute_url()),
        ("ranking", wide_content["ranking"].get_absolute_url()),
        ("city", wide_content["city"].get_absolute_url()),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=artifacts_dir / f"desktop-{name}.png", full_page=name != "ranking")

"""Every main reader page of the demo, opened on a phone: nothing wider than the screen, images with alt
text, one h1 and no skipped heading levels, the header, navigation, main and footer landmarks, and nothing
refused by the Content Security Policy (readers' pages allow no inline CSS at all); and every rule of axe-core's
accessibility checks passed on a phone and on a desktop screen."""

import io
import itertools

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from awards.models import AwardProgramme, City, Edition, Ranking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Read in the browser, so the layout is the one the stylesheet really gives.
PAGE_FACTS = """() => ({
  scrollWidth: document.scrollingElement.scrollWidth,
  innerWidth: window.innerWidth,
  imagesWithoutAlt: [...document.querySelectorAll("img:not([alt])")].map((img) => img.src),
  headingLevels: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1])),
  cspViolations: window.__cspViolations,
  landmarks: {
    header: document.querySelectorAll("body > header").length,
    nav: document.querySelectorAll("nav").length,
    main: document.querySelectorAll("main").length,
    footer: document.querySelectorAll("body > footer").length,
  },
})"""


def demo_reader_paths():
    """The demo's reader pages, found from its content rather than typed in, so new demo data is covered."""
    article = Article.objects.published().select_related("section").latest("published_at")
    published = article.published_at
    tag = article.tags.order_by("name").first()
    city = City.objects.filter(districts__isnull=False).order_by("name").first()
    district = City.objects.filter(parent=city).order_by("name").first()
    programme = AwardProgramme.objects.order_by("name").first()
    edition = Edition.objects.filter(programme=programme).order_by("-year").first()
    rankings = list(Ranking.objects.order_by("slug", "year"))
    return {
        "home": reverse("articles:home"),
        "latest": reverse("articles:latest"),
        "author": article.author.get_absolute_url(),
        "city news": reverse("awards:city_news", args=[city.slug]),
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=[tag.slug]),
        "sections": reverse("articles:section_list"),
        "archive": reverse("articles:archive"),
        "year": reverse("articles:archive_year", args=[published.year]),
        "month": reverse("articles:archive_month", args=[published.year, f"{published.month:02d}"]),
        "search with results": reverse("articles:search") + f"?q={city.name}",
        "search without results": reverse("articles:search") + "?q=zzyzx",
        "cities": reverse("awards:cities"),
        "city with chart": city.get_absolute_url(),
        "district": district.get_absolute_url(),
        "awards": reverse("awards:programmes"),
        "programme": programme.get_absolute_url(),
        "edition": edition.get_absolute_url(),
        "rankings": reverse("awards:rankings"),
        "open data": reverse("awards:datasets"),
        **{f"ranking {ranking.year}": ranking.get_absolute_url() for ranking in rankings},
    }


def heading_problems(levels):
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 elements")
    if levels and levels[0] != 1:
        problems.append(f"the first heading is h{levels[0]}")
    problems += [f"h{before} then h{after}" for before, after in itertools.pairwise(levels) if after > before + 1]
    return problems


def test_reader_pages_fit_a_phone_and_keep_their_structure(live_server, page, transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    paths = demo_reader_paths()
    assert len(paths) >= 22  # the demo holds two years of its ranking
    page.set_viewport_size(PHONE)
    # securitypolicyviolation events: what the policy refused on the page, logged to the console or not.
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
        "`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"
    )
    problems = {}
    for name, path in paths.items():
        response = page.goto(f"{live_server.url}{path}")
        facts = page.evaluate(PAGE_FACTS)
        found = [] if response.status == 200 else [f"status {response.status}"]
        if facts["scrollWidth"] > facts["innerWidth"]:
            found.append(f"{facts['scrollWidth']}px wide on a {facts['innerWidth']}px screen")
        found += [f"<img> without alt: {src}" for src in facts["imagesWithoutAlt"]]
        found += [f"refused by the CSP: {violation}" for violation in facts["cspViolations"]]
        found += heading_problems(facts["headingLevels"])
        landmarks = facts["landmarks"]
        found += [f"no {landmark}" for landmark, count in landmarks.items() if count == 0]
        if landmarks["main"] > 1:
            found.append(f"{landmarks['main']} main elements")
        if found:
            problems[f"{name} ({path})"] = found
    assert problems == {}


@pytest.mark.parametrize("screen", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_reader_pages_pass_axe_core(live_server, page, transactional_db, screen):
    """axe-core (WCAG 2.x A and AA rules and best practices) finds nothing on any reader page. Its "incomplete"
    results are left to people: text over a photo is one it cannot measure."""
    call_command("load_demo", stdout=io.StringIO())
    axe = Axe()
    page.set_viewport_size(screen)
    violations = {}
    for name, path in {**demo_reader_paths(), "missing page": "/no-such-page/"}.items():
        page.goto(f"{live_server.url}{path}")
        results = axe.run(page).response
        assert results["passes"], f"axe-core did not run on {path}"
        for rule in results["violations"]:
            violations.setdefault(f"{name} ({path})", []).append(
                f"{rule['id']} ({rule['impact']}): {rule['help']} at {[node['target'] for node in rule['nodes']][:3]}"
            )
    assert violations == {}


def test_missing_page_has_the_same_structure(live_server, page, transactional_db):
    page.set_viewport_size(PHONE)
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    facts = page.evaluate(PAGE_FACTS)
    assert facts["scrollWidth"] <= facts["innerWidth"]
    assert heading_problems(facts["headingLevels"]) == []
    landmarks = facts["landmarks"]
    assert (landmarks["header"], landmarks["main"], landmarks["footer"]) == (1, 1, 1)
    assert landmarks["nav"] >= 1


def test_rank_chart_labels_stay_legible_on_a_phone(live_server, page, transactional_db):
    """The SVG scales down with the screen; its text must still render at 11 CSS pixels or more."""
    call_command("load_demo", stdout=io.StringIO())
    city = City.objects.filter(districts__isnull=False).order_by("name").first()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{city.get_absolute_url()}")
    rendered_sizes = page.evaluate(
        """() => [...document.querySelectorAll("figure.chart svg text")].map((text) => {
          const svg = text.ownerSVGElement;
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return parseFloat(getComputedStyle(text).fontSize) * scale;
        })"""
    )
    assert len(rendered_sizes) >= 6  # two axis ticks, two years, and the position of each point
    assert min(rendered_sizes) >= 11


def test_reader_finds_a_story_and_a_ranking_with_javascript_off(live_server, browser, transactional_db):
    """Reader pages are plain HTML and GET forms: search, follow a result, open a ranking table."""
    call_command("load_demo", stdout=io.StringIO())
    article = Article.objects.get(slug="futian-ai-hub-inclusive-sharing-cities-award")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        page.get_by_role("searchbox", name="Search stories").fill("Futian")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("status")).to_have_text("3 stories match “Futian”.")
        page.locator(".search-result .card__title a", has_text=article.title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(article.title)

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Rankings").click()
        page.get_by_role("link", name=str(Ranking.objects.latest("year").year)).first.click()
        table = page.get_by_role("region").get_by_role("table")
        expect(table).to_be_visible()
        assert table.get_by_role("row").count() > 1
    finally:
        context.close()


def test_a_printed_story_is_the_story_without_the_site_around_it(live_server, page, transactional_db, artifacts_dir):
    call_command("load_demo", stdout=io.StringIO())
    story = Article.objects.get(slug="shenzhen-wins-enabling-technologies-award-scewc-2020")
    story.body += '<p>Read the <a href="https://www.smartcityexpo.com/">congress site</a>.</p>'
    story.save()
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    page.emulate_media(media="print")
    hidden = ".site-nav, .search-form, .section-nav, .share, .story-nav, .related, .tags"
    assert page.locator(hidden).count() >= 5
    assert page.eval_on_selector_all(hidden, "nodes => nodes.filter(n => n.offsetParent !== null).length") == 0
    for kept in ("h1", ".story__standfirst", ".story__meta", "figure.story__lead", ".story__body", "aside.facts"):
        expect(page.locator(kept).first).to_be_visible()
    link_text = page.eval_on_selector(".story__body a[href^='http']", "a => getComputedStyle(a, '::after').content")
    assert link_text == '" (https://www.smartcityexpo.com/)"'
    (artifacts_dir / "story-printed.pdf").write_bytes(page.pdf(format="A4"))
    page.emulate_media(media="screen")
    expect(page.locator(".share")).to_be_visible()

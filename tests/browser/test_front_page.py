"""A reader on a phone and on a desktop: the front page with sixty stories, a city's news read to the end by clicking.

Screenshots go to test-artifacts/ (front-page-375.png, city-page-1280.png, ...) for a person to look at.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, FrontPagePick, Section
from awards.models import City
from tests.conftest import make_article, make_photo, make_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"375": {"width": 375, "height": 667}, "1280": {"width": 1280, "height": 900}}
STORY_COUNT = 60
HEADLINES = [
    "Shenzhen opens its city data hub to 50 companies",
    "Futian District's AI lab finds its first public-service pilots",
    "Why the online administration ranking favours coastal cities",
    "Hangzhou and Shenzhen trade places in green-transport index",
    "Barcelona congress names this year's smart-city jury",
    "What the 32-city ranking leaves out",
]


def sixty_stories():
    """The demo, then sixty stories about Shenzhen over sixty hours, a third with photos, in two sections."""
    call_command("load_demo", stdout=io.StringIO())
    shenzhen = City.objects.get(slug="shenzhen")
    news, analysis = Section.objects.get(slug="news"), Section.objects.get(slug="analysis")
    stories = []
    for n in range(STORY_COUNT):
        story = make_article(
            title=f"{HEADLINES[n % len(HEADLINES)]} ({n + 1})",
            standfirst="The city's government services data bureau says more departments will share data next year.",
            section=analysis if n % 4 == 3 else news,
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
        story.cities.set([shenzhen])
        if n % 3 == 0:
            make_photo(story, is_lead=True, image=make_upload(size=(1200, 800), color=(40 + n, 90, 150)))
        stories.append(story)
    # Editors put an analysis piece on top for the day; a draft picked by mistake must not show.
    FrontPagePick.objects.create(article=stories[7], position=1, ends_at=timezone.now() + timedelta(hours=6))
    draft = make_article(title="Unfinished draft", status=Article.Status.DRAFT, published_at=None)
    FrontPagePick.objects.create(article=draft, position=2)
    return stories


def headlines_in_first_screen(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('.card__title a')]
              .filter(a => { const box = a.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; })
              .map(a => a.textContent)"""
    )


def page_is_wider_than_screen(page):
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize("size", SIZES)
def test_front_page_with_sixty_stories(live_server, page, artifacts_dir, size):
    stories = sixty_stories()
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}/")
    lead = page.locator(".front__lead .card__title a")
    expect(lead).to_have_text(stories[7].title)
    page.screenshot(path=artifacts_dir / f"front-page-{size}.png", full_page=True)
    page.screenshot(path=artifacts_dir / f"front-page-{size}-first-screen.png")
    expect(page.get_by_text("Unfinished draft")).to_have_count(0)
    first_screen = headlines_in_first_screen(page)
    assert len(first_screen) >= 3, first_screen
    expect(page.get_by_role("heading", name="Awards and rankings")).to_be_visible()
    expect(page.locator(".panel__ranks li").first).to_contain_text("Shenzhen")
    assert not page_is_wider_than_screen(page)
    assert refused == []

    # A lead with a photo still leaves room for two more headlines on a phone.
    FrontPagePick.objects.filter(position=1).update(article=stories[6])
    page.reload()
    expect(lead).to_have_text(stories[6].title)
    page.screenshot(path=artifacts_dir / f"front-page-{size}-photo-lead-first-screen.png")
    first_screen = headlines_in_first_screen(page)
    assert len(first_screen) >= 3, first_screen
    FrontPagePick.objects.filter(position=1).update(article=stories[7])
    page.reload()

    # From the front page to the lead story, then to the next story in its section.
    lead.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(stories[7].title)
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Analysis")
    page.get_by_role("navigation", name="More in Analysis").get_by_role("link", name="Previous in Analysis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(stories[11].title)


@pytest.mark.parametrize("size", SIZES)
def test_city_news_read_to_the_end_by_clicking(live_server, page, artifacts_dir, size):
    stories = sixty_stories()
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}/cities/shenzhen/")
    news = page.locator("#news")
    expect(news.locator(".card")).to_have_count(12)
    assert not page_is_wider_than_screen(page)
    page.screenshot(path=artifacts_dir / f"city-page-{size}.png", full_page=True)

    seen = news.locator(".card__title a").all_text_contents()
    news.get_by_role("link", name="Older stories about Shenzhen →").click()
    pages = 1
    while True:
        pages += 1
        expect(page.get_by_role("heading", level=1)).to_have_text("News about Shenzhen")
        seen += page.locator(".card__title a").all_text_contents()
        if pages == 2:
            page.screenshot(path=artifacts_dir / f"city-news-{size}.png", full_page=True)
        older = page.get_by_role("navigation", name="Pages").get_by_role("link", name="Older →")
        if not older.count():
            break
        older.click()
    # Every story about the city, newest first, each once: the sixty, then the demo's live ones (from 2020).
    demo = Article.objects.published().filter(cities__slug="shenzhen").exclude(pk__in=[story.pk for story in stories])
    assert demo.count() == 3
    assert seen == [story.title for story in stories] + [story.title for story in demo.order_by("-published_at")]
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 6, the last")


@pytest.mark.parametrize("size", SIZES)
def test_demo_story_ranking_and_index_pages_look_right(live_server, page, artifacts_dir, size):
    """Screenshots of the demo's story, ranking and index pages for a person to judge; nothing wider than
    the screen, nothing refused by the Content Security Policy."""
    call_command("load_demo", stdout=io.StringIO())
    story = Article.objects.get(slug="shenzhen-wins-enabling-technologies-award-scewc-2020")
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    page.set_viewport_size(SIZES[size])
    for name, path in {
        "story": story.get_absolute_url(),
        "ranking": "/rankings/online-administration-service-capability/2020/",
        "ranking-by-city": "/rankings/online-administration-service-capability/2020/?sort=city",
        "cities": "/cities/",
        "awards": "/awards/",
        "rankings": "/rankings/",
        "search-scewc": "/search/?q=SCEWC",
        "search-nothing": "/search/?q=zebra",
    }.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.screenshot(path=artifacts_dir / f"{name}-{size}.png", full_page=True)
        assert not page_is_wider_than_screen(page), path
    assert refused == []

"""
Prototypes for the cold target, measured beside the pages as built and not chosen (README, Benchmark). Their
views are at /bench/ while the benchmark runs; ``measure()`` is called by bench/run.py, in-process, and its
lines go into the report.

- A section page drawn from one hand-written SQL query: the section and its page of stories, each joined to
  its card's markup stored in a table (``bench_stored_card``, filled here by the real card template), rendered
  by the site's own section template. No ORM, no card drawn: one way of reading a page's data, built.
- Any reader's page handed its data ready: its own template, given the context its view made on the first
  request (querysets read, cards drawn). No query and no part drawn, only the layout, the menus and the page
  meta: the least any way of reading the page's data could cost.
"""

from types import SimpleNamespace

from django.db import connection
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from markupsafe import Markup

from articles.models import Article, Section
from articles.previews import PageMeta, collection_page_data, trail
from articles.views import PAGE_SIZE

STORED_CARDS_TABLE = "bench_stored_card"
ROUNDS = 5
SECTION_PAGE_SQL = f"""
SELECT section.name, section.description, story.id, story.title, story.slug, story.published_at, card.html
FROM articles_section section
LEFT JOIN LATERAL (
    SELECT id, title, slug, published_at FROM articles_article
    WHERE section_id = section.id AND status = 'published' AND published_at <= %(now)s
    ORDER BY published_at DESC, id DESC LIMIT %(limit)s
) story ON true
LEFT JOIN {STORED_CARDS_TABLE} card ON card.article_id = story.id
WHERE section.slug = %(slug)s
ORDER BY story.published_at DESC, story.id DESC
"""


def card_template():
    return engines["jinja2"].env.get_template("includes/cards.html").module.article_card


def store_cards(section):
    """The stored cards of ``section``'s first page (and the story after it), drawn by the site's card template."""
    card = card_template()
    stories = Article.objects.published().for_listing().filter(section=section)[: PAGE_SIZE + 1]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STORED_CARDS_TABLE} (article_id integer PRIMARY KEY, html text)")
        cursor.execute(f"TRUNCATE {STORED_CARDS_TABLE}")
        rows = [(story.pk, str(card(story, 2, ""))) for story in stories]
        cursor.executemany(f"INSERT INTO {STORED_CARDS_TABLE} VALUES (%s, %s)", rows)


class ListedStory(SimpleNamespace):
    def get_absolute_url(self):
        return Article(slug=self.slug, published_at=self.published_at).get_absolute_url()

    def __str__(self):
        return self.title


def stored_cards(stories, heading_level=2, variant=""):
    """Stands in for the templates' ``article_cards()``: the markup each story brought with it."""
    return Markup("\n").join(Markup(story.card_html) for story in stories)


def section_from_stored_cards(request, slug):
    with connection.cursor() as cursor:
        cursor.execute(SECTION_PAGE_SQL, {"now": timezone.now(), "limit": PAGE_SIZE + 1, "slug": slug})
        rows = cursor.fetchall()
    name, description = rows[0][:2]
    summary = description or f"Stories in {name}."  # as SectionDetailView.page_description()
    stories = [ListedStory(title=r[3], slug=r[4], published_at=r[5], card_html=r[6]) for r in rows if r[2]]
    shown = stories[:PAGE_SIZE]
    meta = PageMeta.for_page(
        path=request.path,
        title=name,
        description=summary,
        breadcrumbs=trail(("Sections", reverse("articles:section_list")), (name, request.path)),
        json_ld=[collection_page_data(name, request.path, shown, summary)],
    )
    first_page = SimpleNamespace(
        number=1, has_previous=lambda: False, has_next=lambda: len(stories) > PAGE_SIZE, next_page_number=lambda: 2
    )
    context = {
        "section": SimpleNamespace(name=name, slug=slug, description=description),
        "object_list": shown,
        "page_obj": first_page,
        "paginator": SimpleNamespace(num_pages=None),
        "is_paginated": first_page.has_next(),
        "page_meta": meta,
        "article_cards": stored_cards,  # a context value hides the global of the same name
    }
    return TemplateResponse(request, "articles/section_detail.html", context, using="jinja2")


class ReadyCards:
    """Stands in for the templates' ``article_cards()``: each card drawn once by the site's card template, then
    handed over as it was drawn."""

    def __init__(self):
        self.drawn = {}

    def __call__(self, stories, heading_level=2, variant=""):
        card = card_template()
        cards = []
        for story in stories:
            key = (story.pk, heading_level, variant)
            if key not in self.drawn:
                self.drawn[key] = Markup(card(story, heading_level, variant))
            cards.append(self.drawn[key])
        return Markup("\n").join(cards)


# address: (template, context, cards) of a reader's page as its view first made them
READY_PAGES = {}


def page_handed_ready(request, address):
    """The reader's page at ``/address`` drawn by its own template from the context its view made on the first
    request, its querysets already read and its cards already drawn: no query and no part drawn, only the
    layout, the menus and the page meta. The least any way of reading the page's data could cost."""
    path = f"/{address}"
    if request.GET:
        path = f"{path}?{request.GET.urlencode()}"
    if path not in READY_PAGES:
        match = resolve(f"/{address}")
        request.path = request.path_info = f"/{address}"
        response = match.func(request, *match.args, **match.kwargs)
        response.render()
        READY_PAGES[path] = (response.template_name, response.context_data, ReadyCards())
    template, context, cards = READY_PAGES[path]
    return TemplateResponse(request, template, {**context, "article_cards": cards}, using="jinja2")


def handed_ready_url(url):
    """Where ``page_handed_ready`` draws the reader's page at ``url`` (its query string kept)."""
    path, _, query = url.partition("?")
    ready = (
        reverse("bench:page_handed_ready", args=[path.lstrip("/")])
        if path != "/"
        else reverse("bench:front_page_handed_ready")
    )
    return f"{ready}?{query}" if query else ready


def measure(pages, section_slug, milliseconds):
    """The app's CPU per request (ms) with nothing cached: ``{"floor": the one-query view's, "pages": [(label, as
    built, handed its data ready, drawn from one SQL query and stored cards or None)]}`` for ``pages``, (label, url)
    pairs. ``milliseconds(client, url)`` is bench/run.py's measure."""
    store_cards(Section.objects.get(slug=section_slug))
    READY_PAGES.clear()  # made ready again from this database on the first request
    client = Client()
    section_url = reverse("articles:section", args=[section_slug])
    from_stored_cards = {section_url: reverse("bench:section_from_stored_cards", args=[section_slug])}

    def cost(url):
        if url is None:
            return None
        client.get(url)  # first-request work (and making the page ready) is not what is measured
        # The least of five rounds: a page this cheap is measured in a fraction of a second, which a collection of
        # garbage or another process can double; neither makes a page cheaper than it is.
        return min(milliseconds(client, url) for _ in range(ROUNDS))

    with override_settings(FRAGMENT_CACHE_SECONDS=0):
        floor = cost(reverse("bench:one_query"))
        measured = [
            (label, cost(url), cost(handed_ready_url(url)), cost(from_stored_cards.get(url))) for label, url in pages
        ]
    return {"floor": floor, "pages": measured}


def report_lines(measured):
    floor = measured["floor"]

    def cell(ms):
        return f"{ms:>8.2f}{ms / floor:>6.1f}x" if ms is not None else f"{'-':>8}{'':>7}"

    lines = [
        "prototypes for the cold target, app ms with nothing cached and as a multiple of the one-query view's "
        f"{floor:.2f} ms (bench/alternatives.py):",
        f"  {'page':<20}{'as built':>15}{'data ready':>15}{'SQL + cards':>15}",
    ]
    lines += [
        f"  {label:<20}{cell(built)}{cell(ready)}{cell(from_stored_cards)}"
        for label, built, ready, from_stored_cards in measured["pages"]
    ]
    return lines

"""
Two designs for the cold target that were prototyped, measured beside the pages as built, and not chosen
(README, Benchmark). Their views are at /bench/ while the benchmark runs; ``measure()`` is called by
bench/run.py, in-process, and its lines go into the report.

- A section page drawn from one hand-written SQL query: the section and its page of stories, each joined to
  its card's markup stored in a table (``bench_stored_card``, filled here by the real card template), rendered
  by the site's own section template. No ORM, no card drawn.
- The front page handed its stories, its cards and its awards panel ready (kept in memory after the first
  request): what is left is the layout, the menus and the page meta, the part no data access design removes.
"""

from types import SimpleNamespace

from django.db import connection
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from articles.models import Article, Section
from articles.previews import PageMeta, collection_page_data, trail
from articles.views import PAGE_SIZE
from citynews.frontpage import FrontPageView

STORED_CARDS_TABLE = "bench_stored_card"
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
        for story in stories:
            cursor.execute(f"INSERT INTO {STORED_CARDS_TABLE} VALUES (%s, %s)", [story.pk, str(card(story, 2, ""))])


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


class FrontPageFromReadyParts(FrontPageView):
    ready = None

    def front(self):
        if FrontPageFromReadyParts.ready is None:
            page = super().front()
            page.awards = Markup(str(page.awards))
            card = card_template()
            for stories, variant in (
                (page.lead_list, "lead"),
                (page.top, "compact"),
                (page.latest, "compact"),
                *((block.stories, "compact") for block in page.section_blocks),
            ):
                for story in stories:
                    story.card_html = str(card(story, 3, variant))
            FrontPageFromReadyParts.ready = page
        return FrontPageFromReadyParts.ready

    def get_context_data(self, **kwargs):
        return super().get_context_data(article_cards=stored_cards, **kwargs)


front_page_from_ready_parts = FrontPageFromReadyParts.as_view()


def measure(section_slug, milliseconds):
    """[(label, app ms)]: the one-query floor, each page as built with nothing cached, and each prototype.
    ``milliseconds(client, url)`` is bench/run.py's measure of the app's CPU per request."""
    store_cards(Section.objects.get(slug=section_slug))
    FrontPageFromReadyParts.ready = None  # made ready again from this database on the first request
    client = Client()
    urls = [
        ("one query + template", reverse("bench:one_query")),
        ("section as built", reverse("articles:section", args=[section_slug])),
        (
            "section from one SQL query and stored cards",
            reverse("bench:section_from_stored_cards", args=[section_slug]),
        ),
        ("front page as built", reverse("articles:home")),
        ("front page handed its stories, cards and panel ready", reverse("bench:front_page_from_ready_parts")),
    ]
    with override_settings(FRAGMENT_CACHE_SECONDS=0):
        for _, url in urls:
            client.get(url)  # warm: first-request work (and the ready front page) is not what is measured
        return [(label, milliseconds(client, url)) for label, url in urls]


def report_lines(measured):
    floor = measured[0][1]
    lines = ["prototypes for the cold target (in-process app ms, nothing cached; bench/alternatives.py):"]
    lines += [f"  {label:<55}{ms:>7.2f} ms {ms / floor:>6.1f}x" for label, ms in measured]
    return lines

"""
The front page: the stories editors picked, the latest, a block per section, and the awards and rankings.

It draws on both apps (stories from ``articles``, the panel from ``awards``), so it lives here rather
than in either. A fixed number of queries whatever the data: the picks, the newest stories, each
section's newest in one query, and the awards panel's three (one, its version, when it is cached).
"""

from dataclasses import dataclass, field

from django.template import engines
from django.views.generic import TemplateView
from markupsafe import Markup

from articles import page_versions
from articles.context_processors import navigation_sections
from articles.models import Article
from articles.previews import PageMeta, organisation_data, website_data
from awards.selectors import awards_panel

from . import fragments

TOP_STORIES = 4
LATEST_STORIES = 8
SECTION_BLOCK_STORIES = 4
# How many stories the page reads of each part: the picks, and the newest (filling the top places the picks leave).
PICKS_READ = TOP_STORIES + 1
NEWEST_READ = TOP_STORIES + 1 + LATEST_STORIES


@dataclass
class SectionBlock:
    section: object
    stories: list


@dataclass
class FrontPage:
    lead: Article | None
    top: list
    latest: list
    section_blocks: list = field(default_factory=list)
    awards: object = None

    @property
    def is_empty(self):
        return self.lead is None

    @property
    def lead_list(self):
        return [self.lead] if self.lead else []


def front_page(awards_version=None):
    """The front page's blocks; each story appears once, in the first block it belongs to. ``awards_version``:
    the award tables' version if the caller read it already (the awards panel is cached under it)."""
    listing = Article.objects.published().for_listing()
    picks = list(listing.on_front_page()[:PICKS_READ])
    newest = list(listing[:NEWEST_READ])
    picked = {story.pk for story in picks}
    # With fewer picks than places (or none), the newest stories fill the lead and top places.
    chosen = (picks + [story for story in newest if story.pk not in picked])[: TOP_STORIES + 1]
    shown = {story.pk for story in chosen}
    latest = [story for story in newest if story.pk not in shown][:LATEST_STORIES]
    shown.update(story.pk for story in latest)

    sections = navigation_sections()
    by_section = {section.pk: [] for section in sections}
    # Only the stories the blocks show are read: a story is 0.1 ms of the page's CPU, and each section's newest
    # seventeen, counting those shown above, were most of the page when nothing was cached (bench/, 2026-11-29).
    for story in listing.newest_per_section(sections, SECTION_BLOCK_STORIES, excluding=shown):
        by_section[story.section_id].append(story)
    blocks = [SectionBlock(section, by_section[section.pk]) for section in sections if by_section[section.pk]]
    return FrontPage(
        lead=chosen[0] if chosen else None,
        top=chosen[1:],
        latest=latest,
        section_blocks=blocks,
        awards=awards_panel_markup(awards_version),
    )


def awards_panel_markup(awards_version=None):
    """The awards panel, rendered once per version of the award and ranking tables."""
    fragment_key = None
    if fragments.enabled():
        fragment_key = fragments.key("awards-panel", awards_version or fragments.current_awards_version())

    def render():
        template = engines["jinja2"].env.get_template("awards/includes/awards_panel.html")
        return str(template.module.awards_panel(awards_panel()))

    return Markup(fragments.cached(fragment_key, render))


class FrontPageView(fragments.VersionedPageMixin, TemplateView):
    template_name = "front_page.html"

    def page_versions(self):
        return page_versions.front_page(PICKS_READ, NEWEST_READ, SECTION_BLOCK_STORIES)

    def get_context_data(self, **kwargs):
        # The award tables' version, when the page's versions were read (articles.page_versions.front_page).
        page = front_page(awards_version=self.versions_shown[3] if self.versions_shown else None)
        meta = PageMeta.for_page(
            path=self.request.path,
            title=None,
            description="News on smart-city awards and city rankings: who won, who climbed, and why it matters.",
            breadcrumbs=[],
            json_ld=[website_data(), organisation_data()],
            image_article=page.lead,
        )
        return super().get_context_data(front=page, page_meta=meta, **kwargs)

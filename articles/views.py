"""Reader pages for articles. Every queryset starts from ``Article.objects.published()``."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q, prefetch_related_objects
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.generic import DateDetailView, DetailView, ListView, MonthArchiveView, YearArchiveView
from markupsafe import Markup
from taggit.models import Tag

from citynews import fragments

from . import page_versions, previews, search
from .models import Article, ArticleQuerySet, Author, Section
from .pagination import MAX_PAGE, LookaheadPaginator
from .previews import PageMeta, collection_page_data, trail

PAGE_SIZE = 12
INDEX_PAGE_SIZE = 60


def can_preview(user):
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


class PreviewHeadersMixin:
    """Pages showing something not yet live are for staff eyes only: never cached, never indexed."""

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_live:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class MissingPageMixin:
    paginator_class = LookaheadPaginator

    def paginate_queryset(self, queryset, page_size):
        # An impossible ?page= is a missing page (404), not a server error.
        try:
            return super().paginate_queryset(queryset, page_size)
        except (Http404, ValueError, OverflowError):
            raise Http404("No such page.") from None


class ListPageMetaMixin:
    """A list page's meta: a ``CollectionPage`` of the stories on this page, and its breadcrumb trail."""

    def page_title(self):
        raise NotImplementedError

    def page_description(self):
        return ""

    def page_trail(self):
        return [(self.page_title(), self.request.path)]

    def page_numbered(self, text):
        page = self.request.GET.get("page")
        return f"{text}, page {page}" if page and page != "1" else text

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        path = f"{self.request.path}?page={page.number}" if page and page.number > 1 else self.request.path
        items = [item for item in context["object_list"] if hasattr(item, "get_absolute_url")]
        title = self.page_numbered(self.page_title())
        context["page_meta"] = PageMeta.for_page(
            path=path,
            title=title,
            description=self.page_description(),
            breadcrumbs=trail(*self.page_trail()),
            json_ld=[collection_page_data(title, path, items, self.page_description())],
            image_article=next((item for item in items if isinstance(item, Article) and item.lead_photo), None),
        )
        return context


class ArticleListView(fragments.VersionedPageMixin, ListPageMetaMixin, MissingPageMixin, ListView):
    template_name = "articles/article_list.html"
    paginate_by = PAGE_SIZE
    # The list's name in articles.page_versions, whose query reads the versions of what a page of it shows.
    versioned_list = "latest"

    def page_versions(self):
        page = self.kept_page_number()
        if not self.versioned_list or page is None:
            return None
        return page_versions.story_list(self.versioned_list, page, PAGE_SIZE, slug=self.kwargs.get("slug"))

    def kept_page_number(self):
        """The ``?page=`` asked for, or None when it is no page that exists (the page answers 404 itself)."""
        page = self.request.GET.get("page", "1")
        return int(page) if page.isdigit() and 1 <= int(page) <= MAX_PAGE else None

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def page_title(self):
        return "Latest stories"

    def page_description(self):
        return "Every story, newest first."


class ArticleDetailView(fragments.VersionedPageMixin, PreviewHeadersMixin, DateDetailView):
    # Named so the date mixin learns the model from here, not by building the queryset a second time.
    model = Article
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        # Without its links: the story's main part, cached under its version, usually needs none (story_parts).
        if can_preview(self.request.user):
            return Article.objects.for_story_page()
        return Article.objects.published().for_story_page()

    def page_versions(self):
        try:
            day = date(self.kwargs["year"], int(self.kwargs["month"]), int(self.kwargs["day"]))
        except ValueError:
            return None
        return page_versions.story_page(self.kwargs["slug"], day)

    def get_allow_future(self):
        # The queryset alone decides: published() keeps readers from stories whose time has not come.
        # Django's own check compares the address's date with the machine's date.today(), which a test
        # that moves the clock (timezone.now) does not move: near midnight it refused a live story.
        return True

    def get_context_data(self, **kwargs):
        article = self.object
        # First: rendering the story's parts (on a miss) fetches the tags and cities related_to() reads.
        story = story_parts(article)
        related = Article.objects.published().for_listing().related_to(article)
        place = (article.published_at, article.pk)
        older = newer = None
        for neighbour in Article.objects.published().beside_in_section(article):
            if (neighbour.published_at, neighbour.pk) < place:
                older = neighbour
            else:
                newer = neighbour
        return super().get_context_data(
            story=story,
            related_articles=related,
            older_in_section=older,
            newer_in_section=newer,
            page_meta=story.page_meta,
            share_links=share_links(article),
            **kwargs,
        )


@dataclass
class StoryParts:
    """What a story page shows of the story and its links, rendered once per version (citynews.fragments)."""

    main: Markup
    topics: Markup
    page_meta: PageMeta


def story_parts(article):
    """The story's main part, its topics and its page's meta, cached under the story's version while it is live.

    ``article`` comes from ``for_story_page()``: its photos, tags and cities are fetched only to render.
    """
    fragment_key = article.is_live and fragments.key("story", article.pk, getattr(article, "story_version", None))
    return fragments.cached(fragment_key, lambda: render_story_parts(article))


def render_story_parts(article):
    prefetch_related_objects([article], *ArticleQuerySet.STORY_PAGE_LINKS)
    parts = engines["jinja2"].env.get_template("articles/story_parts.html").module
    return StoryParts(
        main=Markup(str(parts.story_main(article))),
        topics=Markup(str(parts.story_topics(article))),
        page_meta=article_page_meta(article),
    )


def article_page_meta(article):
    path = article.get_absolute_url()
    steps = [(article.section.name, article.section.get_absolute_url())] if article.section else []
    meta = PageMeta.for_page(
        path=path,
        title=article.title,
        description=article.summary[:200],
        breadcrumbs=trail(*steps, (article.title, path)),
        json_ld=[previews.news_article_data(article)] if article.is_live else [],
        image_article=article,
        og_type="article",
        published=article.published_at,
        modified=article.updated_for_readers,
        properties=[
            *([("article:section", article.section.name)] if article.section else []),
            *(("article:tag", tag.name) for tag in article.tags.all()),
        ],
        noindex=not article.is_live,
    )
    return meta


def share_links(article):
    """Plain addresses of the share pages of a few services: no third-party script runs on our page."""
    url = previews.absolute(article.get_absolute_url())
    text = article.title
    return [
        ("Email", f"mailto:?{urlencode({'subject': text, 'body': url}, quote_via=quote)}"),
        ("X", f"https://x.com/intent/post?{urlencode({'text': text, 'url': url})}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': url})}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"),
        ("Weibo", f"https://service.weibo.com/share/share.php?{urlencode({'url': url, 'title': text})}"),
    ]


class ArticlePreviewView(PermissionRequiredMixin, PreviewHeadersMixin, DetailView):
    """Where "view on site" leads for a draft with no publication time yet."""

    permission_required = "articles.change_article"
    raise_exception = True
    template_name = "articles/article_detail.html"
    queryset = Article.objects.for_detail()

    def get_context_data(self, **kwargs):
        # A draft with no time is on no timeline yet and in no section's order: no related, previous or next.
        story = render_story_parts(self.object)
        return super().get_context_data(
            story=story,
            related_articles=[],
            older_in_section=None,
            newer_in_section=None,
            page_meta=story.page_meta,
            share_links=[],
            **kwargs,
        )

    def handle_no_permission(self):
        # Readers must not learn that a draft exists: 404, not 403.
        raise Http404("No article found.")


class SectionDetailView(ArticleListView):
    template_name = "articles/section_detail.html"
    versioned_list = "section"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)

    def page_title(self):
        return self.section.name

    def page_description(self):
        return self.section.description or f"Stories in {self.section.name}."

    def page_trail(self):
        return [("Sections", reverse("articles:section_list")), (self.section.name, self.request.path)]


class TagDetailView(ArticleListView):
    template_name = "articles/tag_detail.html"
    versioned_list = "tag"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.tag)

    def get_context_data(self, **kwargs):
        # A tag naming a city leads to the city's page: its awards, ranks and all its news. The city model is
        # reached through the stories' own link to cities: this app does not import the awards app.
        cities = Article.cities.field.related_model.objects
        city = cities.filter(Q(slug=self.tag.slug) | Q(name__iexact=self.tag.name)).order_by("parent", "pk").first()
        context = super().get_context_data(tag=self.tag, tag_city=city, **kwargs)
        # A tag used only by drafts or scheduled stories does not exist for readers.
        if not context["object_list"]:
            raise Http404("No published articles with this tag.")
        return context

    def page_title(self):
        return f"Stories tagged “{self.tag.name}”"

    def page_description(self):
        return f"Stories tagged “{self.tag.name}”, newest first."


class AuthorDetailView(ArticleListView):
    template_name = "articles/author_detail.html"
    versioned_list = "author"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, **kwargs)
        context["page_meta"].json_ld[0]["about"] = previews.author_entity(self.author)
        return context

    def page_title(self):
        return self.author.name

    def page_description(self):
        return self.author.bio[:200] or f"Stories by {self.author.name}."


class SectionListView(ListPageMetaMixin, MissingPageMixin, ListView):
    template_name = "articles/section_list.html"
    paginate_by = INDEX_PAGE_SIZE
    paginator_class = Paginator

    def get_queryset(self):
        live = Q(articles__status=Article.Status.PUBLISHED, articles__published_at__lte=timezone.now())
        return Section.objects.annotate(live_count=Count("articles", filter=live)).order_by("position", "name")

    def page_title(self):
        return "Sections"

    def page_description(self):
        return "Every section of the site, with how many stories each holds."


class ArchiveMixin(ListPageMetaMixin, MissingPageMixin):
    """Shared by the year and month archives: live stories only, paginated like every list."""

    model = Article
    date_field = "published_at"
    month_format = "%m"
    make_object_list = True
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleYearArchiveView(ArchiveMixin, YearArchiveView):
    template_name = "articles/archive_year.html"

    def page_title(self):
        return f"Stories from {self.get_year()}"

    def page_trail(self):
        return [("Archive", reverse("articles:archive")), (str(self.get_year()), self.request.path)]


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    template_name = "articles/archive_month.html"

    def page_title(self):
        month = date(int(self.get_year()), int(self.get_month()), 1)
        return f"Stories from {month:%B %Y}"

    def page_trail(self):
        year = str(self.get_year())
        return [
            ("Archive", reverse("articles:archive")),
            (year, reverse("articles:archive_year", kwargs={"year": int(year)})),
            (self.page_title().removeprefix("Stories from "), self.request.path),
        ]


class ArchiveIndexView(ListPageMetaMixin, MissingPageMixin, ListView):
    """Every month with live stories, newest first, with how many there were."""

    template_name = "articles/archive_index.html"
    paginate_by = INDEX_PAGE_SIZE
    paginator_class = Paginator

    def page_title(self):
        return "Archive"

    def page_description(self):
        return "Every month with stories, and how many there were."

    def get_queryset(self):
        return (
            Article.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .order_by()
            .values("month")
            .annotate(count=Count("id"))
            .order_by("-month")
        )


class SearchView(ArticleListView):
    template_name = "articles/search_results.html"
    paginate_by = 10
    # A search for the same words is kept whole while the same stories match (page_versions.search_page).
    whole_page_parameters = {"q", "page", "sort"}

    def get(self, request, *args, **kwargs):
        self.query = search.clean_query(request.GET.get("q", ""))
        self.sort = request.GET.get("sort", next(iter(search.SORTS)))
        if self.sort not in search.SORTS:
            raise Http404("No such order.")
        # Best match says how many stories match (at most search.MAX_CANDIDATES); newest first reads on, uncounted.
        self.paginator_class = Paginator if self.sort == "relevance" else LookaheadPaginator
        return super().get(request, *args, **kwargs)

    def page_versions(self):
        page = self.kept_page_number()
        if not self.query or page is None:
            return None
        return page_versions.search_page(self.query, self.sort, page, self.paginate_by)

    def get_queryset(self):
        # An empty or punctuation-only query needs no database work at all.
        if not self.query:
            return search.SearchResults(self.query, [])
        if self.sort == "newest":
            return search.newest_matches(self.query)
        return search.search_articles(self.query)

    def page_title(self):
        if not self.query:
            return "Search"
        return f"Search: {self.query}" + (", newest first" if self.sort == "newest" else "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_meta"].noindex = True
        search.decorate(context["object_list"], self.query)
        paginator = context["paginator"]
        context.update(
            query=self.query,
            sort=self.sort,
            sorts=search.SORTS,
            more_than_shown=self.sort == "relevance" and paginator.count >= search.MAX_CANDIDATES,
            asked=bool(self.request.GET.get("q", "").strip()),
            groups=search.search_groups(self.query) if self.query else [],
        )
        return context

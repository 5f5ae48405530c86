"""Reader pages for articles. Every queryset starts from ``Article.objects.published()``."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DateDetailView, DetailView, ListView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from . import previews, search
from .models import Article, Section
from .pagination import LookaheadPaginator

PAGE_SIZE = 12


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


class ArticleListView(MissingPageMixin, ListView):
    template_name = "articles/article_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleDetailView(PreviewHeadersMixin, DateDetailView):
    # Named so the date mixin learns the model from here, not by building the queryset a second time.
    model = Article
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        if can_preview(self.request.user):
            return Article.objects.for_detail()
        return Article.objects.published().for_detail()

    def get_allow_future(self):
        # The queryset alone decides: published() keeps readers from stories whose time has not come.
        # Django's own check compares the address's date with the machine's date.today(), which a test
        # that moves the clock (timezone.now) does not move: near midnight it refused a live story.
        return True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            related_articles=Article.objects.published().for_listing().related_to(self.object),
            **previews.sharing_context(self.object),
            **kwargs,
        )


class ArticlePreviewView(PermissionRequiredMixin, PreviewHeadersMixin, DetailView):
    """Where "view on site" leads for a draft with no publication time yet."""

    permission_required = "articles.change_article"
    raise_exception = True
    template_name = "articles/article_detail.html"
    queryset = Article.objects.for_detail()

    def get_context_data(self, **kwargs):
        # A draft with no time is on no timeline yet: no related stories.
        return super().get_context_data(related_articles=[], **previews.sharing_context(self.object), **kwargs)

    def handle_no_permission(self):
        # Readers must not learn that a draft exists: 404, not 403.
        raise Http404("No article found.")


class SectionDetailView(ArticleListView):
    template_name = "articles/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagDetailView(ArticleListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        # A tag used only by drafts or scheduled stories does not exist for readers.
        if not context["object_list"]:
            raise Http404("No published articles with this tag.")
        return context


class SectionListView(ListView):
    template_name = "articles/section_list.html"

    def get_queryset(self):
        return Section.objects.annotate(
            live_count=Count("articles", filter=Q(articles__in=Article.objects.published()))
        ).order_by("position", "name")


class ArchiveMixin(MissingPageMixin):
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


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    template_name = "articles/archive_month.html"


class ArchiveIndexView(ListView):
    """Every month with live stories, newest first, with how many there were."""

    template_name = "articles/archive_index.html"

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
    # Search says how many stories match: the count is bounded by search.MAX_CANDIDATES.
    paginator_class = Paginator

    def get(self, request, *args, **kwargs):
        self.query = search.clean_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # An empty or punctuation-only query needs no database work at all.
        if not self.query:
            return Article.objects.none()
        return search.search_articles(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search.decorate(context["object_list"], self.query)
        context.update(
            query=self.query,
            more_than_shown=context["paginator"].count >= search.MAX_CANDIDATES,
            asked=bool(self.request.GET.get("q", "").strip()),
            groups=search.search_groups(self.query) if self.query else [],
        )
        return context

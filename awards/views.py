"""Reader pages for cities, awards and rankings: thin views over awards.selectors."""

import csv

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import engines
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView
from markupsafe import Markup

from articles.pagination import LookaheadPaginator
from articles.previews import PageMeta, trail
from articles.views import PAGE_SIZE, ListPageMetaMixin, MissingPageMixin
from citynews import fragments

from . import datasets, page_versions, previews, selectors
from .models import AwardProgramme, City, Edition, Ranking, Recognition

INDEX_PAGE_SIZE = 60

# Edition addresses take a year (2020) or an edition number (10); no programme reaches edition 1000.
FIRST_YEAR_KEY = 1000


class CityListView(ListPageMetaMixin, MissingPageMixin, ListView):
    template_name = "awards/city_list.html"
    context_object_name = "cities"
    paginate_by = INDEX_PAGE_SIZE
    paginator_class = Paginator

    def get_queryset(self):
        return selectors.city_index().prefetch_related("districts")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.attach_newest_ranks(context["object_list"])
        return context

    def page_title(self):
        return "Cities"

    def page_description(self):
        return "Cities by country, with their awards and their latest rank."


def city_trail(city, *steps):
    parent = [(city.parent.name, city.parent.get_absolute_url())] if city.parent_id else []
    return trail(("Cities", reverse("awards:cities")), *parent, (city.name, city.get_absolute_url()), *steps)


class CityDetailView(fragments.VersionedPageMixin, DetailView):
    template_name = "awards/city_detail.html"
    context_object_name = "city"
    slug_url_kwarg = "slug"

    def get_queryset(self):
        return City.objects.with_relations().with_fragment_versions()

    def page_versions(self):
        # One more story than the page shows: whether older news follows.
        return page_versions.city_page(self.kwargs["slug"], selectors.CITY_PAGE_STORIES + 1)

    def get(self, request, *args, **kwargs):
        # The city's news goes on at its own address: an old ?page= link leads there rather than to page 1 again.
        if "page" in request.GET:
            news = reverse("awards:city_news", kwargs={"slug": kwargs["slug"]})
            return redirect(f"{news}?page={request.GET['page']}", permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        city = self.object
        news = LookaheadPaginator(selectors.CityStories(city), selectors.CITY_PAGE_STORIES).page(1)
        return super().get_context_data(
            city_facts=city_facts(self.request, city),
            news=news.object_list,
            more_news=news.has_next(),
            page_meta=PageMeta.for_page(
                path=city.get_absolute_url(),
                title=f"{city.name}: awards, rankings and news",
                description=f"Awards, rankings and news for {city.name}, {city.country}.",
                breadcrumbs=city_trail(city),
                json_ld=[previews.place_data(city)],
                image_article=next((story for story in news.object_list if story.lead_photo), None),
            ),
            **kwargs,
        )


def city_facts(request, city):
    """A city's awards and ranks, cached under the award tables' version and the stories that report them.

    The awards name the live stories reporting them ("Reported in"): their ids and versions, read with the
    city (``CityQuerySet.with_fragment_versions``), are part of the key, so a story published, changed or
    taken down, or a scheduled one going live, gives the fragment a new key on the next request.
    """
    fragment_key = None
    if hasattr(city, "awards_version"):
        # The embed code names this site's address as the request gave it.
        stories = city.reporting_stories or ""
        fragment_key = fragments.key("city-facts", city.pk, city.awards_version, request.get_host(), stories)

    def render():
        facts = engines["jinja2"].env.get_template("awards/includes/city_facts.html").module.city_facts
        return str(facts(request, city, selectors.city_recognitions(city), selectors.city_rank_histories(city)))

    return Markup(fragments.cached(fragment_key, render))


class CityNewsView(ListPageMetaMixin, MissingPageMixin, ListView):
    """Every live story about a city or its districts, newest first, a page at a time, with its feed."""

    template_name = "awards/city_news.html"
    paginate_by = PAGE_SIZE
    paginator_class = LookaheadPaginator

    def get_queryset(self):
        self.city = get_object_or_404(City.objects.with_relations(), slug=self.kwargs["slug"])
        return selectors.CityStories(self.city)

    def get_context_data(self, **kwargs):
        return super().get_context_data(city=self.city, **kwargs)

    def page_title(self):
        return f"News about {self.city.name}"

    def page_description(self):
        return f"Every story about {self.city.name}, newest first."

    def page_trail(self):
        return city_trail(self.city, ("News", self.request.path))[1:]


class AwardProgrammeListView(ListPageMetaMixin, MissingPageMixin, ListView):
    template_name = "awards/awardprogramme_list.html"
    context_object_name = "programmes"
    paginate_by = INDEX_PAGE_SIZE
    paginator_class = Paginator
    queryset = AwardProgramme.objects.annotate(
        edition_count=Count("editions", distinct=True),
        latest_year=Max("editions__year"),
        winner_count=Count(
            "editions__recognitions", filter=Q(editions__recognitions__result=Recognition.Result.WINNER), distinct=True
        ),
    ).order_by("name")

    def page_title(self):
        return "Awards"

    def page_description(self):
        return "Smart-city award programmes, their latest editions, winners and finalists."


class AwardProgrammeDetailView(DetailView):
    template_name = "awards/awardprogramme_detail.html"
    context_object_name = "programme"
    model = AwardProgramme

    def get_context_data(self, **kwargs):
        programme = self.object
        editions = selectors.programme_results(programme)
        return super().get_context_data(
            editions=editions,
            page_meta=PageMeta.for_page(
                path=programme.get_absolute_url(),
                title=programme.name,
                description=programme.description or f"Editions, winners and finalists of {programme.name}.",
                breadcrumbs=trail(
                    ("Awards", reverse("awards:programmes")), (programme.name, programme.get_absolute_url())
                ),
                json_ld=[previews.event_series_data(programme, editions)],
            ),
            **kwargs,
        )


class EditionDetailView(DetailView):
    template_name = "awards/edition_detail.html"
    context_object_name = "edition"

    def get_object(self, queryset=None):
        key = self.kwargs["key"]
        lookup = {"year": key} if key >= FIRST_YEAR_KEY else {"number": key}
        editions = Edition.objects.select_related("programme").prefetch_related("host_cities")
        return get_object_or_404(editions, programme__slug=self.kwargs["programme"], **lookup)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # One address per edition: by number (/10/, /0010/) it leads to the year's.
        if request.path != self.object.get_absolute_url():
            return redirect(self.object.get_absolute_url(), permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        edition = self.object
        name = f"{edition.programme.name} {edition.year}"
        return super().get_context_data(
            categories=selectors.edition_results(edition),
            page_meta=PageMeta.for_page(
                path=edition.get_absolute_url(),
                title=name,
                description=f"Winners and finalists of {name}.",
                breadcrumbs=trail(
                    ("Awards", reverse("awards:programmes")),
                    (edition.programme.name, edition.programme.get_absolute_url()),
                    (str(edition.year), edition.get_absolute_url()),
                ),
                json_ld=[previews.event_data(edition)],
            ),
            **kwargs,
        )


class RankingListView(ListPageMetaMixin, MissingPageMixin, ListView):
    """Every ranking series, its newest year first; a series' years stay together on one page."""

    template_name = "awards/ranking_list.html"
    context_object_name = "rankings"
    paginate_by = INDEX_PAGE_SIZE * 2
    paginator_class = Paginator
    queryset = Ranking.objects.annotate(entry_count=Count("entries")).order_by("title", "slug", "-year")

    def page_title(self):
        return "Rankings"

    def page_description(self):
        return "City rankings, year by year: who publishes them, how many places, and the full tables."


class RankingDetailView(fragments.VersionedPageMixin, DetailView):
    template_name = "awards/ranking_detail.html"
    context_object_name = "ranking"
    whole_page_parameters = {"sort"}

    def page_versions(self):
        return page_versions.ranking_page(self.kwargs["slug"], self.kwargs["year"], selectors.CITY_NEWS_LIMIT)

    def get_object(self, queryset=None):
        return get_object_or_404(Ranking, slug=self.kwargs["slug"], year=self.kwargs["year"])

    def get_context_data(self, **kwargs):
        ranking = self.object
        sort = self.request.GET.get("sort", "position")
        if sort not in selectors.RANKING_SORTS:
            raise Http404("A ranking can be sorted by position, city or score.")
        table = selectors.ranking_page(ranking)
        if sort == "score" and not table.has_scores:
            raise Http404("This ranking has no scores to sort by.")
        name = f"{ranking.title} ({ranking.year})"
        return super().get_context_data(
            table=table,
            sort=sort,
            sorted_entries=table.sorted_by(sort),
            sorts=[
                (key, label) for key, label in selectors.RANKING_SORTS.items() if key != "score" or table.has_scores
            ],
            page_meta=PageMeta.for_page(
                path=ranking.get_absolute_url(),
                title=name,
                description=f"{name}: {ranking.scope}, the full table with each city's movement and a CSV download.",
                breadcrumbs=trail(("Rankings", reverse("awards:rankings")), (name, ranking.get_absolute_url())),
                json_ld=[previews.dataset_data(ranking, len(table.entries), table.has_scores)],
            ),
            **kwargs,
        )


@require_safe
def ranking_csv(request, slug, year):
    ranking = get_object_or_404(Ranking, slug=slug, year=year)
    table = selectors.ranking_page(ranking, with_stories=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(ranking.slug) or "ranking"}-{ranking.year}.csv"'
    writer = csv.writer(response)
    # The slug last: it names the city exactly, so a downloaded table re-imports in the admin even when two
    # cities share a name (awards/ranking_import.py).
    writer.writerow(["position", "city", "country", "score", "movement", "places_moved", "slug"])
    for entry in table.entries:
        movement = entry.movement
        writer.writerow(
            [
                entry.position,
                datasets.spreadsheet_safe(entry.city.name),
                datasets.spreadsheet_safe(entry.city.country),
                # normalize() alone writes 100 as "1E+2".
                "" if entry.score is None else format(entry.score.normalize(), "f"),
                movement.kind if movement else "",
                movement.places if movement and movement.kind != "new" else "",
                entry.city.slug,
            ]
        )
    return response


# Open data: the facts as downloads (awards/datasets.py) --------------------------------------------


class DatasetListView(ListView):
    """What can be downloaded, with schema.org ``Dataset`` JSON-LD naming every file."""

    template_name = "awards/dataset_list.html"
    context_object_name = "rankings"
    queryset = Ranking.objects.order_by("slug", "-year")

    def get_context_data(self, **kwargs):
        editions = list(Edition.objects.select_related("programme").order_by("programme__name", "-year"))
        catalogue = datasets.catalogue_json_ld(self.object_list, editions)
        return super().get_context_data(
            editions=editions, catalogue=catalogue, licence_title=settings.OPEN_DATA_LICENCE_TITLE, **kwargs
        )


def dataset_response(table, title, page_url, fmt, filename):
    if fmt == "csv":
        return datasets.csv_response(table, f"{filename}.csv")
    return datasets.json_response(datasets.table_document(table, title, page_url))


@require_safe
def ranking_dataset(request, slug, year, fmt):
    ranking = get_object_or_404(Ranking, slug=slug, year=year)
    name = f"{slugify(ranking.slug) or 'ranking'}-{ranking.year}"
    return dataset_response(datasets.ranking_table(ranking), str(ranking), ranking.get_absolute_url(), fmt, name)


@require_safe
def edition_dataset(request, programme, year, fmt):
    edition = get_object_or_404(Edition.objects.select_related("programme"), programme__slug=programme, year=year)
    name = f"{slugify(edition.programme.slug) or 'awards'}-{edition.year}"
    return dataset_response(datasets.edition_table(edition), str(edition), edition.get_absolute_url(), fmt, name)


@require_safe
def data_package(request):
    return datasets.json_response(datasets.data_package(datasets.portal_tables()))


@require_safe
def data_package_table(request, table):
    tables = {table.name: table for table in datasets.portal_tables()}
    if table not in tables:
        raise Http404("No such table in the data package.")
    return datasets.csv_response(tables[table], f"{table}.csv")

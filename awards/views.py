"""Reader pages for cities, awards and rankings: thin views over awards.selectors."""

import csv

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from . import datasets, selectors
from .models import AwardProgramme, City, Edition, Ranking, Recognition

# Edition addresses take a year (2020) or an edition number (10); no programme reaches edition 1000.
FIRST_YEAR_KEY = 1000


class CityListView(ListView):
    template_name = "awards/city_list.html"
    context_object_name = "cities"

    def get_queryset(self):
        return City.objects.filter(parent__isnull=True).prefetch_related("districts").order_by("country", "name")


class CityDetailView(DetailView):
    template_name = "awards/city_detail.html"
    context_object_name = "city"
    slug_url_kwarg = "slug"
    queryset = City.objects.with_relations()

    def get_context_data(self, **kwargs):
        city = self.object
        return super().get_context_data(
            recognitions=selectors.city_recognitions(city),
            rank_histories=selectors.city_rank_histories(city),
            news=selectors.city_news(city),
            **kwargs,
        )


class AwardProgrammeListView(ListView):
    template_name = "awards/awardprogramme_list.html"
    context_object_name = "programmes"
    queryset = AwardProgramme.objects.annotate(
        edition_count=Count("editions", distinct=True),
        winner_count=Count(
            "editions__recognitions", filter=Q(editions__recognitions__result=Recognition.Result.WINNER), distinct=True
        ),
    )


class AwardProgrammeDetailView(DetailView):
    template_name = "awards/awardprogramme_detail.html"
    context_object_name = "programme"
    model = AwardProgramme

    def get_context_data(self, **kwargs):
        return super().get_context_data(editions=selectors.programme_results(self.object), **kwargs)


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
        return super().get_context_data(categories=selectors.edition_results(self.object), **kwargs)


class RankingListView(ListView):
    template_name = "awards/ranking_list.html"
    context_object_name = "rankings"
    queryset = Ranking.objects.annotate(entry_count=Count("entries")).order_by("slug", "-year")


class RankingDetailView(DetailView):
    template_name = "awards/ranking_detail.html"
    context_object_name = "ranking"

    def get_object(self, queryset=None):
        return get_object_or_404(Ranking, slug=self.kwargs["slug"], year=self.kwargs["year"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(table=selectors.ranking_page(self.object), **kwargs)


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

"""Addresses of the cities, awards and rankings pages."""

from django.urls import path, register_converter

from . import datasets, embeds, feeds, views


class ShortNumberConverter:
    """Years and edition numbers: at most four digits, so absurd numbers are a 404 before any query."""

    regex = "[0-9]{1,4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class DataFormatConverter:
    regex = "csv|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ShortNumberConverter, "short")
register_converter(DataFormatConverter, "data_format")

app_name = "awards"

urlpatterns = [
    path("cities/", views.CityListView.as_view(), name="cities"),
    path("cities/<str:slug>/", views.CityDetailView.as_view(), name="city"),
    path("cities/<str:slug>/news/", views.CityNewsView.as_view(), name="city_news"),
    path("cities/<str:slug>/rss/", feeds.CityFeed(), name="city_rss"),
    path("cities/<str:slug>/atom/", feeds.CityAtomFeed(), name="city_atom"),
    path("awards/", views.AwardProgrammeListView.as_view(), name="programmes"),
    path("awards/<str:slug>/", views.AwardProgrammeDetailView.as_view(), name="programme"),
    path("awards/<str:programme>/<short:key>/", views.EditionDetailView.as_view(), name="edition"),
    path("rankings/", views.RankingListView.as_view(), name="rankings"),
    path("rankings/<str:slug>/<short:year>/", views.RankingDetailView.as_view(), name="ranking"),
    path("rankings/<str:slug>/<short:year>/csv", views.ranking_csv, name="ranking_csv"),
    # Open data: stable addresses for every download (awards/datasets.py) and the embeddable charts.
    path("datasets/", views.DatasetListView.as_view(), name="datasets"),
    path(f"datasets/{datasets.PACKAGE_NAME}/datapackage.json", views.data_package, name="data_package"),
    path(f"datasets/{datasets.PACKAGE_NAME}/<slug:table>.csv", views.data_package_table, name="data_package_table"),
    path("datasets/rankings/<str:slug>/<short:year>.<data_format:fmt>", views.ranking_dataset, name="ranking_dataset"),
    path(
        "datasets/awards/<str:programme>/<short:year>.<data_format:fmt>", views.edition_dataset, name="edition_dataset"
    ),
    path("embed/cities/<str:city>/rankings/<str:ranking>.svg", embeds.rank_chart_svg, name="rank_chart_svg"),
    path("embed/cities/<str:city>/rankings/<str:ranking>.png", embeds.rank_chart_png, name="rank_chart_png"),
]

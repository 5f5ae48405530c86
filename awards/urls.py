from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("cities/", views.CityListView.as_view(), name="cities"),
    path("cities/<str:slug>/", views.CityDetailView.as_view(), name="city"),
    path("awards/", views.AwardProgrammeListView.as_view(), name="programmes"),
    path("awards/<str:slug>/", views.AwardProgrammeDetailView.as_view(), name="programme"),
    path("awards/<str:programme>/<int:key>/", views.EditionDetailView.as_view(), name="edition"),
    path("rankings/", views.RankingListView.as_view(), name="rankings"),
    path("rankings/<str:slug>/<int:year>/", views.RankingDetailView.as_view(), name="ranking"),
    path("rankings/<str:slug>/<int:year>/csv", views.ranking_csv, name="ranking_csv"),
]

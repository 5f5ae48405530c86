"""The benchmark's floor views and prototypes, at /bench/ while bench/run.py runs the site (CITYNEWS_BENCH=1)."""

from django.urls import path

from . import alternatives, views

app_name = "bench"
urlpatterns = [
    path("plain/", views.plain, name="plain"),
    path("one-query/", views.one_query, name="one_query"),
    path(
        "section-from-stored-cards/<str:slug>/",
        alternatives.section_from_stored_cards,
        name="section_from_stored_cards",
    ),
    path("page-handed-ready/", alternatives.page_handed_ready, {"address": ""}, name="front_page_handed_ready"),
    path("page-handed-ready/<path:address>", alternatives.page_handed_ready, name="page_handed_ready"),
]

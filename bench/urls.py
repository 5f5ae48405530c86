"""The benchmark's floor views, at /bench/ while bench/run.py runs the site (CITYNEWS_BENCH=1)."""

from django.urls import path

from . import views

urlpatterns = [path("plain/", views.plain), path("one-query/", views.one_query)]

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from articles.api import StoryViewSet
from awards import api as awards_api

from .health import healthz, readyz
from .media import serve_media

admin.site.site_header = "citynews newsroom"
admin.site.site_title = "citynews admin"
admin.site.index_title = "Newsroom"

handler500 = "citynews.errors.server_error"

# The read-only open data API: one router, the viewsets living in the apps they serve.
api = SimpleRouter()
api.register("stories", StoryViewSet, basename="story")
api.register("cities", awards_api.CityViewSet, basename="city")
api.register("programmes", awards_api.ProgrammeViewSet, basename="programme")
api.register("editions", awards_api.EditionViewSet, basename="edition")
api.register("categories", awards_api.CategoryViewSet, basename="category")
api.register("recognitions", awards_api.RecognitionViewSet, basename="recognition")
api.register("rankings", awards_api.RankingViewSet, basename="ranking")
api.register("ranking-entries", awards_api.RankingEntryViewSet, basename="ranking-entry")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api.urls, "api"))),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("articles.urls")),
    path("", include("awards.urls")),
]

if settings.BENCH_VIEWS:
    from . import bench_views

    urlpatterns += [path("bench/plain/", bench_views.plain), path("bench/one-query/", bench_views.one_query)]

if settings.SERVE_MEDIA:
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.+)$", serve_media, name="media"))

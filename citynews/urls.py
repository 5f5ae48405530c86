from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from awards import api as awards_api
from awards.story_api import StoryViewSet

from .admin_guards import LabelledAutocompleteJsonView
from .crawlers import SITEMAPS, favicon_ico, robots_txt
from .health import healthz, readyz
from .media import serve_media
from .metrics import metrics_view

admin.site.site_header = "citynews newsroom"
admin.site.site_title = "citynews admin"
# The front page opens with the newsroom dashboard (citynews/dashboard.py).
admin.site.index_template = "admin/newsroom_index.html"
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
    path("metrics", metrics_view, name="metrics"),
    # Before the admin's own: the same address and name, with labels that tell namesakes apart.
    path(
        "admin/autocomplete/",
        admin.site.admin_view(LabelledAutocompleteJsonView.as_view(admin_site=admin.site)),
        name="labelled_autocomplete",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api.urls, "api"))),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon_ico, name="favicon"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    # Listed before the generic section pattern, which reverses to this same address for "news".
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": SITEMAPS["news"]}, "template_name": "articles/sitemap_news.xml"},
        name="sitemap-news",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("", include("articles.urls")),
    path("", include("awards.urls")),
]

if apps.is_installed("bench"):
    urlpatterns.append(path("bench/", include("bench.urls")))

if settings.SERVE_MEDIA:
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.+)$", serve_media, name="media"))

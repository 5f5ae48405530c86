from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from .crawlers import SITEMAPS, robots_txt
from .health import healthz, readyz
from .media import serve_media

admin.site.site_header = "citynews newsroom"
admin.site.site_title = "citynews admin"
admin.site.index_title = "Newsroom"

handler500 = "citynews.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots"),
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

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from .admin_guards import LabelledAutocompleteJsonView
from .health import healthz, readyz
from .media import serve_media

admin.site.site_header = "citynews newsroom"
admin.site.site_title = "citynews admin"
# The front page opens with the newsroom dashboard (articles/dashboard.py).
admin.site.index_template = "admin/newsroom_index.html"
admin.site.index_title = "Newsroom"

handler500 = "citynews.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Before the admin's own: the same address and name, with labels that tell namesakes apart.
    path(
        "admin/autocomplete/",
        admin.site.admin_view(LabelledAutocompleteJsonView.as_view(admin_site=admin.site)),
        name="labelled_autocomplete",
    ),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path("", include("awards.urls")),
]

if settings.BENCH_VIEWS:
    from . import bench_views

    urlpatterns += [path("bench/plain/", bench_views.plain), path("bench/one-query/", bench_views.one_query)]

if settings.SERVE_MEDIA:
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.+)$", serve_media, name="media"))

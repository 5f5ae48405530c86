from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("<int:year>/<str:month>/<str:day>/<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("section/<str:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("tag/<str:slug>/", views.TagDetailView.as_view(), name="tag"),
]

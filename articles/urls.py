from django.urls import path

from citynews.frontpage import FrontPageView

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", FrontPageView.as_view(), name="home"),
    path("latest/", views.ArticleListView.as_view(), name="latest"),
    path("authors/<str:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("authors/<str:slug>/rss/", feeds.AuthorFeed(), name="author_rss"),
    path("authors/<str:slug>/atom/", feeds.AuthorAtomFeed(), name="author_atom"),
    path("<int:year>/<str:month>/<str:day>/<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("<int:year>/", views.ArticleYearArchiveView.as_view(), name="archive_year"),
    path("<int:year>/<str:month>/", views.ArticleMonthArchiveView.as_view(), name="archive_month"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("sections/", views.SectionListView.as_view(), name="section_list"),
    path("section/<str:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("section/<str:slug>/rss/", feeds.SectionFeed(), name="section_rss"),
    path("section/<str:slug>/atom/", feeds.SectionAtomFeed(), name="section_atom"),
    path("tag/<str:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("tag/<str:slug>/rss/", feeds.TagFeed(), name="tag_rss"),
    path("tag/<str:slug>/atom/", feeds.TagAtomFeed(), name="tag_atom"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="atom"),
]

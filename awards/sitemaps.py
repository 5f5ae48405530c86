"""Sitemaps of the awards data: cities, award programmes with their editions, rankings.

Listed in the site's sitemap index by ``citynews.crawlers.SITEMAPS``. These rows have
no modification time of their own, so the entries carry no ``lastmod``.
"""

from django.contrib.sitemaps import Sitemap

from .models import AwardProgramme, City, Edition, Ranking


class CitySitemap(Sitemap):
    limit = 5000

    def items(self):
        return City.objects.only("slug").order_by("name", "pk")


class AwardSitemap(Sitemap):
    """Each programme's page, then each edition's."""

    def items(self):
        programmes = list(AwardProgramme.objects.only("slug").order_by("name"))
        editions = list(Edition.objects.select_related("programme").only("year", "programme__slug"))
        return programmes + editions


class RankingSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Ranking.objects.only("slug", "year").order_by("title", "-year")

"""Draw every embeddable rank-history PNG that is missing: after a restore, a deploy, or data written by SQL."""

from django.core.management.base import BaseCommand

from awards.embeds import render_rank_charts, series_entries


class Command(BaseCommand):
    help = "Draw the PNG of every city's rank history that is not drawn yet (editors' saves draw their own)."

    def handle(self, *args, **options):
        drawn = render_rank_charts(series_entries().iterator(chunk_size=2000))
        self.stdout.write(f"Drew {drawn} rank-history chart(s).")

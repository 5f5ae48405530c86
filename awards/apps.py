from django.apps import AppConfig
from django.core import signals
from django.db.models.signals import post_delete, post_save


class AwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "awards"

    def ready(self):
        from .embeds import redraw_on_save, request_finished, request_started
        from .models import City, Ranking, RankingEntry

        # The embeddable PNG charts are drawn when an editor saves, never during a reader's request.
        for model in (City, Ranking, RankingEntry):
            post_save.connect(redraw_on_save, sender=model, dispatch_uid=f"awards.redraw_charts.{model.__name__}")
        post_delete.connect(redraw_on_save, sender=RankingEntry, dispatch_uid="awards.redraw_charts.deleted_entry")
        signals.request_started.connect(request_started, dispatch_uid="awards.charts_request_started")
        signals.request_finished.connect(request_finished, dispatch_uid="awards.charts_request_finished")

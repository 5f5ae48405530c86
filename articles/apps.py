from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        from .roles import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="articles.sync_roles")

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        from .models import Photo
        from .roles import sync_roles
        from .signals import remove_photo_files

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="articles.sync_roles")
        post_delete.connect(remove_photo_files, sender=Photo, dispatch_uid="articles.remove_photo_files")

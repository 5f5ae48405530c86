from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        from citynews.pagecache import bump_on_content_change

        from .models import Photo
        from .roles import sync_roles
        from .signals import remove_photo_files

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(bump_on_content_change, dispatch_uid=f"pagecache.{signal}")

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="articles.sync_roles")
        post_delete.connect(remove_photo_files, sender=Photo, dispatch_uid="articles.remove_photo_files")

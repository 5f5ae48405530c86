"""What happens around saves and deletes that no single form owns."""

from django.db import transaction


def remove_photo_files(sender, instance, using, **kwargs):
    """A deleted photo (on its own or with its article) takes its image and renditions with it.

    After the commit only: a rolled-back delete must still find its files. Robust: a file that
    cannot be removed is logged and left to the sweep, and never stops the other on-commit
    callbacks.
    """
    storage = instance.image.storage
    names = [
        instance.image.name,
        *(rendition["name"] for rendition in instance.renditions),
        *(crop["name"] for crop in instance.social_crops),
    ]

    def remove():
        for name in filter(None, names):
            storage.delete(name)

    transaction.on_commit(remove, using=using, robust=True)

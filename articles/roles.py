"""The newsroom's groups and exactly the permissions each needs, kept in sync on every migrate."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"

# (app label, model or None for every model in the app, actions)
EDITOR_PERMISSIONS = [
    ("articles", None, ("add", "change", "delete", "view")),
    ("articles", "article", ("publish",)),
    ("taggit", "tag", ("add", "change", "delete", "view")),
    ("awards", None, ("add", "change", "delete", "view")),
]


def _codename_filter(app_label, model, actions):
    app_models = [model] if model else [m._meta.model_name for m in apps.get_app_config(app_label).get_models()]
    codenames = [f"{action}_{name}" for name in app_models for action in actions]
    return Q(content_type__app_label=app_label, codename__in=codenames)


def sync_roles(**kwargs):
    for label in {"articles", "taggit", "awards"}:
        create_permissions(apps.get_app_config(label), verbosity=0)
    query = Q(pk__in=[])
    for app_label, model, actions in EDITOR_PERMISSIONS:
        query |= _codename_filter(app_label, model, actions)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(Permission.objects.filter(query))

"""The newsroom's groups and exactly the permissions each needs, kept in sync on every migrate."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
CONTRIBUTORS = "Contributors"

# (app label, model or None for every model in the app, actions)
EDITOR_PERMISSIONS = [
    ("articles", None, ("add", "change", "delete", "view")),
    ("articles", "article", ("publish",)),
    ("taggit", "tag", ("add", "change", "delete", "view")),
    ("awards", None, ("add", "change", "delete", "view")),
]

# Contributors write drafts: no publish permission, no deleting articles. The article admin also
# refuses them any change to an article once it is published (see ArticleAdmin.has_change_permission).
CONTRIBUTOR_PERMISSIONS = [
    ("articles", "article", ("add", "change", "view")),
    ("articles", "photo", ("add", "change", "delete", "view")),
    ("articles", "section", ("view",)),
    ("articles", "author", ("view",)),
    ("taggit", "tag", ("add", "view")),
    # Read-only: the story form's city, recognition and ranking autocompletes need it; the facts stay the editors'.
    ("awards", None, ("view",)),
]

ROLES = {EDITORS: EDITOR_PERMISSIONS, CONTRIBUTORS: CONTRIBUTOR_PERMISSIONS}


def _codename_filter(app_label, model, actions):
    app_models = [model] if model else [m._meta.model_name for m in apps.get_app_config(app_label).get_models()]
    codenames = [f"{action}_{name}" for name in app_models for action in actions]
    return Q(content_type__app_label=app_label, codename__in=codenames)


def sync_roles(**kwargs):
    for label in {"articles", "taggit", "awards"}:
        create_permissions(apps.get_app_config(label), verbosity=0)
    for name, grants in ROLES.items():
        query = Q(pk__in=[])
        for app_label, model, actions in grants:
            query |= _codename_filter(app_label, model, actions)
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(query))

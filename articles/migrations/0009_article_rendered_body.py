from django.db import migrations, models
from django.db.models import F


def copy_bodies(apps, schema_editor):
    # Bodies saved before this migration hold no photo placeholders (the sanitiser dropped data-photo):
    # readers' copy is the body itself.
    apps.get_model("articles", "Article").objects.update(rendered_body=F("body"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_plain_text_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="rendered_body",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(copy_bodies, migrations.RunPython.noop),
    ]

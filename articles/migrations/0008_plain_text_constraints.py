import importlib

from django.db import migrations, models

import citynews.text

# SQLite adds a constraint by rebuilding the table, which its story-timeline triggers name: they are set
# aside while the article table is rebuilt, and put back as 0006 wrote them. PostgreSQL alters in place.
SQLITE_TRIGGERS = importlib.import_module("articles.migrations.0006_story_timelines").SQLITE_TRIGGERS


def set_timeline_triggers_aside(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def put_timeline_triggers_back(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {body}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_plain_text_rule"),
    ]

    operations = [
        migrations.RunPython(set_timeline_triggers_aside, put_timeline_triggers_back),
        migrations.AddConstraint(
            model_name="article",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "title__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff\\u000a\\u000d\\u2028\\u2029]",
                    ),
                    _negated=True,
                ),
                name="article_title_plain_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "source_name__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff\\u000a\\u000d\\u2028\\u2029]",
                    ),
                    _negated=True,
                ),
                name="article_source_name_plain_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "byline__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff\\u000a\\u000d\\u2028\\u2029]",
                    ),
                    _negated=True,
                ),
                name="article_byline_plain_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "standfirst__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff]",
                    ),
                    _negated=True,
                ),
                name="article_standfirst_plain_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="photo",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "alt_text__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff\\u000a\\u000d\\u2028\\u2029]",
                    ),
                    _negated=True,
                ),
                name="photo_alt_text_plain_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="photo",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "caption__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff\\u000a\\u000d\\u2028\\u2029]",
                    ),
                    _negated=True,
                ),
                name="photo_caption_plain_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="photo",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "credit__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff\\u000a\\u000d\\u2028\\u2029]",
                    ),
                    _negated=True,
                ),
                name="photo_credit_plain_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "name__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff\\u000a\\u000d\\u2028\\u2029]",
                    ),
                    _negated=True,
                ),
                name="section_name_plain_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=citynews.text.PlainTextConstraint(
                condition=models.Q(
                    (
                        "description__regex",
                        "[\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff]",
                    ),
                    _negated=True,
                ),
                name="section_description_plain_text",
            ),
        ),
        migrations.RunPython(put_timeline_triggers_back, set_timeline_triggers_aside),
    ]

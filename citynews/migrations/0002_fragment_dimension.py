from django.db import migrations, models

# Each table's changes move one dimension's version (citynews.models.FragmentDimension).
DIMENSION_TABLES = {
    "awards": [
        "awards_city",
        "awards_awardprogramme",
        "awards_edition",
        "awards_edition_host_cities",
        "awards_category",
        "awards_organisation",
        "awards_recognition",
        "awards_ranking",
        "awards_rankingentry",
    ],
}

BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION citynews_bump_fragment_dimension() RETURNS trigger AS $$
BEGIN
    UPDATE citynews_fragment_dimension SET version = version + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def trigger_name(table):
    return f"{table}_bumps_fragment_dimension"


def create_triggers(apps, schema_editor):
    FragmentDimension = apps.get_model("citynews", "FragmentDimension")
    for name in DIMENSION_TABLES:
        FragmentDimension.objects.using(schema_editor.connection.alias).get_or_create(name=name)
    # Fragments are cached on PostgreSQL only (their row versions are its xmin): SQLite renders every time.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BUMP_FUNCTION)
    for name, tables in DIMENSION_TABLES.items():
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {trigger_name(table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION citynews_bump_fragment_dimension('{name}')"
            )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for tables in DIMENSION_TABLES.values():
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS citynews_bump_fragment_dimension()")


class Migration(migrations.Migration):
    dependencies = [
        ("citynews", "0001_initial"),
        ("awards", "0006_ranking_publisher_optional_plain_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="FragmentDimension",
            fields=[
                ("name", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "citynews_fragment_dimension"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

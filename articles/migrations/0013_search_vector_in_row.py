"""Keep each story's search vector in its row (storage MAIN) rather than out of line in the TOAST table.

A search walks the newest live stories and tests each one's vector. Out of line, every test fetched and
decompressed the vector from TOAST; in the row, the benchmark's two-word search (its versions query) ran
in 0.39 ms against 0.73 ms, and the search page after a publish served 58-59% of the one-query floor
against 48% (100,000 stories, 2026-11-30). The body and rendered body, which only a story's own page
reads, are what leaves a long story's row now.
"""

from django.db import migrations

IN_ROW = "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN"
OUT_OF_LINE = "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE EXTENDED"
# A stored vector moves only when it is written again. Concatenating the empty vector writes each one unchanged,
# and fires no trigger: recomputing them through the search trigger (0004) took 46 s at 100,000 stories, this 5 s.
REWRITE_VECTORS = "UPDATE articles_article SET search_vector = search_vector || ''::tsvector"


def keep_vectors_in_rows(apps, schema_editor):
    # Storage is PostgreSQL's; SQLite has no search vector (articles.search falls back to plain matching).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(IN_ROW)
        schema_editor.execute(REWRITE_VECTORS)


def move_vectors_out_of_line(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OUT_OF_LINE)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_author_and_update_note_plain_text"),
    ]

    operations = [migrations.RunPython(keep_vectors_in_rows, move_vectors_out_of_line)]

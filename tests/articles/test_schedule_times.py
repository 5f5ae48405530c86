"""Publication times typed in the site's zone: impossible or ambiguous ones are form errors; storage is UTC."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from articles.models import Article
from tests.conftest import form_data, parse

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"


def schedule(client, day, time):
    data = form_data(client.get(ADD_URL))
    data |= {"title": "Scheduled", "slug": "scheduled", "status": "published"}
    data |= {"published_at_0": day, "published_at_1": time}
    return client.post(ADD_URL, data)


def raw_published_at(article):
    # The column as the database holds it, as text, past any conversion by Django.
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(published_at AS TEXT) FROM articles_article WHERE id = %s", [article.pk])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("zone", "day", "time"),
    [
        ("Europe/Madrid", "2026-03-29", "02:30"),  # clocks jump from 02:00 to 03:00: this time never happens
        ("Europe/Madrid", "2026-10-25", "02:30"),  # clocks fall back from 03:00 to 02:00: it happens twice
        ("America/New_York", "2026-03-08", "02:30"),
        ("America/New_York", "2026-11-01", "01:30"),
    ],
)
def test_nonexistent_and_ambiguous_local_times_are_form_errors(editor_client, settings, zone, day, time):
    settings.TIME_ZONE = zone
    response = schedule(editor_client, day, time)
    assert response.status_code == 200
    error = parse(response).select_one(".field-published_at .errorlist").get_text(strip=True)
    assert error == (
        f"{day} {time}:00 couldn’t be interpreted in time zone {zone}; it may be ambiguous or it may not exist."
    )
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("zone", "day", "time", "utc"),
    [
        ("Europe/Madrid", "2026-03-29", "03:30", "2026-03-29 01:30:00"),  # just after the gap: summer time
        ("Europe/Madrid", "2026-10-25", "03:30", "2026-10-25 02:30:00"),  # just after the overlap: winter time
        ("Asia/Shanghai", "2026-07-01", "12:00", "2026-07-01 04:00:00"),
    ],
)
def test_scheduled_times_are_stored_in_utc(editor_client, settings, zone, day, time, utc):
    settings.TIME_ZONE = zone
    assert schedule(editor_client, day, time).status_code == 302
    article = Article.objects.get()
    assert article.published_at == datetime.fromisoformat(utc).replace(tzinfo=UTC)
    stored = raw_published_at(article)
    assert stored.startswith(utc)
    if connection.vendor == "postgresql":
        assert stored.endswith("+00"), "the connection reads and writes in UTC"

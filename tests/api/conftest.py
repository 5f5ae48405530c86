"""Fixtures shared by the API's tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.awards.factories import make_city, make_edition, make_entry, make_programme, make_ranking, make_recognition
from tests.conftest import make_article


@pytest.fixture
def facts():
    """A city with a district, an award and a rank, each reported by a live story, a draft and a scheduled one."""
    shenzhen = make_city(name="Shenzhen", slug="shenzhen")
    futian = make_city(name="Futian", slug="futian", parent=shenzhen)
    programme = make_programme(name="Smart City Expo World Congress", slug="scewc", organiser="FIRA Barcelona")
    edition = make_edition(programme=programme, year=2020)
    award = make_recognition(edition, city=futian, project_name="AI-HUB (SZ)")
    ranking = make_ranking(slug="online-services", title="Online services", publisher="Party School", year=2020)
    rank = make_entry(ranking, city=shenzhen, position=1)
    live = make_article(title="Live story", tags=["shenzhen"])
    draft = make_article(title="Draft story", status="draft", published_at=None, tags=["shenzhen"])
    scheduled = make_article(
        title="Scheduled story", published_at=timezone.now() + timedelta(days=1), tags=["shenzhen"]
    )
    for story in (live, draft, scheduled):
        story.cities.set([shenzhen])
        story.recognitions.set([award])
        story.ranking_entries.set([rank])
    return {"city": shenzhen, "district": futian, "edition": edition, "award": award, "rank": rank, "live": live,
            "ranking": ranking, "programme": programme}  # fmt: skip

"""The demo loader brings the story's facts, labels invented numbers, and can run twice."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from awards.models import City, Edition, Ranking, RankingEntry, Recognition

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo", stdout=io.StringIO())


def test_demo_facts_are_loaded_once_and_linked_to_the_story():
    load()
    counts = [model.objects.count() for model in (City, Edition, Recognition, Ranking, RankingEntry)]
    load()
    assert [model.objects.count() for model in (City, Edition, Recognition, Ranking, RankingEntry)] == counts

    edition = Edition.objects.get(programme__short_name="SCEWC", year=2020)
    assert edition.number == 10 and edition.is_online
    assert sorted(edition.host_cities.values_list("name", flat=True)) == ["Barcelona", "New York", "Shanghai"]
    assert sorted(edition.recognitions.values_list("category__name", "city__name", "project_name")) == [
        ("Enabling Technologies Award", "Shenzhen", ""),
        ("Inclusive & Sharing Cities Award", "Futian District", "AI-HUB (SZ)"),
    ]
    assert City.objects.get(slug="futian-district").parent.slug == "shenzhen"

    latest = Ranking.objects.get(year=2020)
    assert (latest.scope, latest.field_size) == ("32 key cities in China", 32)
    assert latest.entries.get(position=1).city.slug == "shenzhen"
    assert "illustrative" in latest.method_note and "Illustrative" in Ranking.objects.get(year=2019).method_note
    for entry in RankingEntry.objects.select_related("city"):
        assert "illustrative" in entry.city.description

    story = Article.objects.get(slug="shenzhen-wins-enabling-technologies-award-scewc-2020")
    assert story.recognitions.count() == 2
    assert [(e.city.slug, e.position, e.ranking.year) for e in story.ranking_entries.all()] == [("shenzhen", 1, 2020)]
    assert sorted(story.cities.values_list("slug", flat=True)) == ["futian-district", "shenzhen"]

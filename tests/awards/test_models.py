"""The database refuses what the rules forbid, and model validation says so first."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from awards.models import Category, RankingEntry, Recognition, normalise_category_name
from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_entry,
    make_organisation,
    make_programme,
    make_ranking,
    make_recognition,
)

pytestmark = pytest.mark.django_db


def refused(callable_, *args, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_(*args, **kwargs)


def test_entry_one_per_city_per_ranking():
    ranking = make_ranking()
    city = make_city()
    make_entry(ranking, city, position=1)
    refused(make_entry, ranking, city, position=2)
    assert RankingEntry.objects.filter(ranking=ranking).count() == 1


def test_entry_one_city_per_position_without_ties():
    ranking = make_ranking(allow_ties=False)
    make_entry(ranking, position=3)
    refused(make_entry, ranking, position=3)


def test_ranking_with_ties_lets_cities_share_a_position():
    ranking = make_ranking(allow_ties=True)
    make_entry(ranking, position=3)
    make_entry(ranking, position=3)
    assert list(ranking.entries.values_list("position", flat=True)) == [3, 3]


def test_entry_position_within_field_size_and_positive():
    ranking = make_ranking(field_size=10)
    make_entry(ranking, position=10)
    refused(make_entry, ranking, position=11)
    refused(make_entry, ranking, position=0)


def test_ranking_save_copies_its_rules_onto_entries():
    ranking = make_ranking(field_size=10, allow_ties=False)
    entry = make_entry(ranking, position=4)
    ranking.field_size, ranking.allow_ties = 12, True
    ranking.save()
    entry.refresh_from_db()
    assert (entry.ranking_field_size, entry.ranking_allows_ties) == (12, True)
    make_entry(ranking, position=4)  # a tie is now allowed by the database too


def test_ranking_clean_refuses_rules_its_entries_break():
    ranking = make_ranking(field_size=10, allow_ties=True)
    make_entry(ranking, position=8)
    make_entry(ranking, position=8)
    ranking.field_size = 5
    with pytest.raises(ValidationError) as error:
        ranking.full_clean()
    assert "field_size" in error.value.message_dict
    ranking.field_size, ranking.allow_ties = 10, False
    with pytest.raises(ValidationError) as error:
        ranking.full_clean()
    assert "allow_ties" in error.value.message_dict


def test_entry_clean_reports_position_beyond_field():
    ranking = make_ranking(field_size=5)
    entry = RankingEntry(ranking=ranking, city=make_city(), position=6)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "position" in error.value.message_dict


def test_recognition_needs_a_city_or_an_organisation():
    edition = make_edition()
    category = make_category(edition.programme)
    refused(Recognition.objects.create, edition=edition, category=category)
    with pytest.raises(ValidationError):
        Recognition(edition=edition, category=category).full_clean()
    make_recognition(edition, category=category, city=None, organisation=make_organisation())


def test_recognition_category_must_belong_to_the_editions_programme():
    edition = make_edition()
    foreign = make_category(make_programme())
    with pytest.raises(ValidationError) as error:
        Recognition(edition=edition, category=foreign, city=make_city()).full_clean()
    assert "category" in error.value.message_dict


def test_category_names_that_normalise_alike_are_one_category():
    assert normalise_category_name("Enabling Technologies Award") == normalise_category_name("enabling technologies")
    assert normalise_category_name("Inclusive & Sharing Cities") == "inclusive and sharing cities"
    programme = make_programme()
    make_category(programme, name="Enabling Technologies Award")
    refused(make_category, programme, name="Enabling Technologies")
    make_category(make_programme(), name="Enabling Technologies")  # another programme may use the name


def test_category_found_by_name_or_alias():
    programme = make_programme()
    enabling = make_category(programme, name="Enabling Technologies Award", aliases=["Tech Enablers"])
    assert Category.objects.matching(programme, "enabling technologies") == enabling
    assert Category.objects.matching(programme, "Tech Enablers Award") == enabling
    assert Category.objects.matching(programme, "Mobility") is None
    assert Category.objects.matching(make_programme(), "Enabling Technologies") is None


def test_category_clean_refuses_a_name_used_as_another_alias():
    programme = make_programme()
    make_category(programme, name="Mobility Award", aliases=["Urban Mobility"])
    with pytest.raises(ValidationError) as error:
        Category(programme=programme, name="Urban Mobility Award").full_clean()
    assert "name" in error.value.message_dict


def test_edition_constraints():
    edition = make_edition(year=2020, number=10)
    refused(make_edition, programme=edition.programme, year=2020)
    refused(make_edition, programme=edition.programme, year=2021, number=10)
    from datetime import date

    refused(make_edition, year=2021, starts_on=date(2021, 11, 18), ends_on=date(2021, 11, 17))


def test_district_cannot_contain_districts():
    city = make_city()
    district = make_city(parent=city)
    sub_district = make_city()
    sub_district.parent = district
    with pytest.raises(ValidationError):
        sub_district.full_clean()
    city.parent = make_city()
    with pytest.raises(ValidationError):
        city.full_clean()


def test_city_slug_keeps_unicode():
    city = make_city(name="深圳", slug="")
    assert city.slug == "深圳"
    assert city.get_absolute_url() == "/cities/%E6%B7%B1%E5%9C%B3/"

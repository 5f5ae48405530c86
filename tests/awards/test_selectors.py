"""Movement between editions of a ranking, and a district's recognitions rolled up into its city."""

import pytest

from awards.models import Recognition
from awards.selectors import Movement, city_rank_histories, city_recognitions, movement_between, ranking_page
from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_entry,
    make_organisation,
    make_ranking,
    make_recognition,
)

pytestmark = pytest.mark.django_db


def test_movement_rules():
    assert movement_between(None, 4) == Movement("new")
    assert movement_between(5, 2) == Movement("up", 3)
    assert movement_between(2, 5) == Movement("down", 3)
    assert movement_between(3, 3) == Movement("same")
    assert Movement("up", 1).label == "Up 1 place since the previous edition"
    assert Movement("down", 2).label == "Down 2 places since the previous edition"


def test_ranking_table_movement_against_the_previous_year_of_the_same_ranking():
    older = make_ranking(slug="online-services", year=2018)
    previous = make_ranking(slug="online-services", year=2019, allow_ties=True)
    current = make_ranking(slug="online-services", year=2020, allow_ties=True)
    unrelated = make_ranking(slug="other", year=2019)
    riser, faller, steady, newcomer, tied_a, tied_b = (make_city(name=n) for n in "ABCDEF")
    make_entry(older, newcomer, position=1)  # not in 2019: compared with 2019 only, so "new"
    make_entry(unrelated, newcomer, position=9)
    for city, before, now in [(riser, 5, 1), (faller, 1, 4), (steady, 3, 3), (tied_a, 2, 2), (tied_b, 4, 2)]:
        make_entry(previous, city, position=before)
        make_entry(current, city, position=now)
    make_entry(current, newcomer, position=6)

    table = ranking_page(current)
    moves = {entry.city.name: entry.movement for entry in table.entries}
    assert moves == {
        "A": Movement("up", 4),
        "B": Movement("down", 3),
        "C": Movement("same"),
        "D": Movement("new"),
        "E": Movement("same"),  # tied 2nd, was 2nd: the tie is not a move
        "F": Movement("up", 2),  # from 4th to a shared 2nd
    }
    assert table.previous == previous
    assert [r.year for r in table.other_editions] == [2019, 2018]
    assert [entry.movement for entry in ranking_page(older).entries] == [None]  # nothing to compare with


def test_city_history_gives_latest_rank_movement_and_one_point_per_year():
    city = make_city(name="Shenzhen")
    for year, position in [(2018, 5), (2019, 3), (2020, 1)]:
        make_entry(make_ranking(slug="online-services", year=year, title="Online services"), city, position=position)
    make_ranking(slug="online-services", year=2021)  # a newer edition without the city
    make_entry(make_ranking(slug="green", year=2020, title="Green"), city, position=2)
    histories = city_rank_histories(city)
    assert [h.ranking.title for h in histories] == ["Green", "Online services"]
    green, online = histories
    assert green.latest.movement is None
    assert online.latest.ranking.year == 2020 and online.latest.movement == Movement("up", 2)
    assert [entry.ranking.year for entry in online.entries] == [2018, 2019, 2020]
    assert [placed.point.year for placed in online.chart.points] == [2018, 2019, 2020]


def test_city_history_marks_a_city_absent_last_year_as_new():
    city = make_city()
    make_entry(make_ranking(slug="s", year=2018), city, position=4)
    make_ranking(slug="s", year=2019)
    make_entry(make_ranking(slug="s", year=2020), city, position=2)
    (history,) = city_rank_histories(city)
    assert history.latest.movement == Movement("new")


def test_district_recognitions_roll_up_to_the_parent_city():
    shenzhen = make_city(name="Shenzhen")
    futian = make_city(name="Futian District", parent=shenzhen)
    elsewhere = make_city(name="Elsewhere")
    edition_2019 = make_edition(year=2019)
    edition_2020 = make_edition(programme=edition_2019.programme, year=2020)
    category = make_category(edition_2019.programme)
    own = make_recognition(edition_2019, category=category, city=shenzhen)
    district = make_recognition(edition_2020, category=category, city=futian, result=Recognition.Result.FINALIST)
    via_organisation = make_recognition(edition_2020, category=category, organisation=make_organisation(city=futian))
    make_recognition(edition_2020, category=category, city=elsewhere)

    assert city_recognitions(shenzhen) == [via_organisation, district, own]  # newest year, winners first
    assert city_recognitions(futian) == [via_organisation, district]

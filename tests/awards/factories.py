"""Small factory functions for awards tests: each makes one valid row, overridable field by field."""

import itertools

from awards.models import AwardProgramme, Category, City, Edition, Organisation, Ranking, RankingEntry, Recognition

_counter = itertools.count(1)


def make_city(**overrides):
    n = next(_counter)
    fields = {"name": f"City {n}", "slug": f"city-{n}", "country": "China"} | overrides
    return City.objects.create(**fields)


def make_organisation(**overrides):
    n = next(_counter)
    fields = {"name": f"Bureau {n}"} | overrides
    if "city" not in fields:
        fields["city"] = make_city()
    return Organisation.objects.create(**fields)


def make_programme(**overrides):
    n = next(_counter)
    fields = {"name": f"Programme {n}", "short_name": f"P{n}", "slug": f"programme-{n}"} | overrides
    return AwardProgramme.objects.create(**fields)


def make_edition(**overrides):
    fields = {"year": 2020} | overrides
    if "programme" not in fields:
        fields["programme"] = make_programme()
    return Edition.objects.create(**fields)


def make_category(programme, **overrides):
    n = next(_counter)
    fields = {"name": f"Category {n} Award"} | overrides
    return Category.objects.create(programme=programme, **fields)


def make_recognition(edition, **overrides):
    fields = {"result": Recognition.Result.WINNER} | overrides
    if "category" not in fields:
        fields["category"] = make_category(edition.programme)
    if "city" not in fields and "organisation" not in fields:
        fields["city"] = make_city()
    return Recognition.objects.create(edition=edition, **fields)


def make_ranking(**overrides):
    n = next(_counter)
    fields = {
        "title": f"Ranking {n}",
        "slug": f"ranking-{n}",
        "publisher": "Research centre",
        "year": 2020,
        "scope": "32 key cities in China",
        "field_size": 32,
    } | overrides
    return Ranking.objects.create(**fields)


def make_entry(ranking, city=None, **overrides):
    fields = {"position": 1} | overrides
    return RankingEntry.objects.create(ranking=ranking, city=city or make_city(), **fields)

"""
Reads behind the awards pages: grouped results, ranking tables with movement, a city's rank history.

Each function runs a fixed number of queries whatever the amount of data, and returns plain
objects the templates only display. Movement between editions of a ranking is decided here.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from articles.models import Article

from .charts import RankPoint, rank_chart
from .models import Ranking, RankingEntry, Recognition

CITY_NEWS_LIMIT = 20


@dataclass(frozen=True)
class Movement:
    """How an entry moved since the previous edition of its ranking."""

    kind: str  # "up", "down", "same" or "new"
    places: int = 0

    @property
    def symbol(self):
        return {"up": f"▲ {self.places}", "down": f"▼ {self.places}", "same": "=", "new": "New"}[self.kind]

    @property
    def label(self):
        if self.kind == "new":
            return "New in this edition"
        if self.kind == "same":
            return "Same position as the previous edition"
        unit = "place" if self.places == 1 else "places"
        return f"{self.kind.capitalize()} {self.places} {unit} since the previous edition"


def movement_between(previous_position, position):
    """Compare positions, not neighbours: a city tied 3rd that is 3rd again has not moved."""
    if previous_position is None:
        return Movement("new")
    if position < previous_position:
        return Movement("up", previous_position - position)
    if position > previous_position:
        return Movement("down", position - previous_position)
    return Movement("same")


@dataclass
class RankingPage:
    ranking: Ranking
    entries: list
    editions: list
    previous: Ranking | None
    stories: list

    @property
    def other_editions(self):
        return [edition for edition in self.editions if edition.pk != self.ranking.pk]


def ranking_page(ranking, with_stories=True):
    """The full table of one edition, each entry with its movement (None when there is no previous edition)."""
    editions = list(Ranking.objects.filter(slug=ranking.slug).order_by("-year"))
    previous = next((edition for edition in editions if edition.year < ranking.year), None)
    previous_positions = (
        dict(RankingEntry.objects.filter(ranking=previous).values_list("city_id", "position")) if previous else None
    )
    entries = list(ranking.entries.select_related("city__parent").order_by("position", "city__name"))
    for entry in entries:
        entry.ranking = ranking
        if previous is None:
            entry.movement = None
        else:
            entry.movement = movement_between(previous_positions.get(entry.city_id), entry.position)
    stories = []
    if with_stories:
        reporting = Article.objects.published().filter(ranking_entries__ranking=ranking).values("pk")
        stories = list(Article.objects.published().for_listing().filter(pk__in=reporting)[:CITY_NEWS_LIMIT])
    return RankingPage(ranking=ranking, entries=entries, editions=editions, previous=previous, stories=stories)


@dataclass
class RankHistory:
    """A city's place in every edition of one ranking, its latest entry first in importance."""

    latest: RankingEntry
    entries: list
    chart: object = None

    @property
    def ranking(self):
        return self.latest.ranking


def city_rank_histories(city):
    """The city's latest rank in every ranking, with movement, history and a chart. Two queries."""
    entries = list(RankingEntry.objects.filter(city=city).select_related("ranking").order_by("ranking__year"))
    by_slug = defaultdict(list)
    for entry in entries:
        by_slug[entry.ranking.slug].append(entry)
    years_by_slug = defaultdict(list)
    for slug, year in Ranking.objects.filter(slug__in=by_slug).values_list("slug", "year"):
        years_by_slug[slug].append(year)
    histories = []
    for index, (slug, series) in enumerate(sorted(by_slug.items(), key=lambda item: item[1][-1].ranking.title)):
        latest = series[-1]
        earlier_years = [year for year in years_by_slug[slug] if year < latest.ranking.year]
        if earlier_years:
            position_by_year = {entry.ranking.year: entry.position for entry in series}
            latest.movement = movement_between(position_by_year.get(max(earlier_years)), latest.position)
        else:
            latest.movement = None
        points = [RankPoint(entry.ranking.year, entry.position, entry.ranking.field_size) for entry in series]
        chart_title = f"{city.name}: {latest.ranking.title}, rank by year"
        chart = rank_chart(f"rank-chart-{index + 1}", chart_title, points)
        histories.append(RankHistory(latest=latest, entries=series, chart=chart))
    return histories


def city_recognitions(city):
    """The city's recognitions and its districts', newest year first, winners before finalists."""
    return list(Recognition.objects.for_city(city).for_display())


def city_news(city, limit=CITY_NEWS_LIMIT):
    """Live stories about the city or one of its districts (prefetched, as City.objects.with_relations() does)."""
    return list(Article.objects.published().for_listing().about_city(city, limit))


@dataclass
class CategoryResults:
    category: object
    recognitions: list = field(default_factory=list)


def group_by_category(recognitions):
    """Recognitions (already ordered by category, then result) as one group per category."""
    groups = {}
    for recognition in recognitions:
        groups.setdefault(recognition.category_id, CategoryResults(recognition.category)).recognitions.append(
            recognition
        )
    return list(groups.values())


def edition_results(edition):
    recognitions = edition.recognitions.for_display().order_by("category__name", "result", "pk")
    return group_by_category(recognitions)


@dataclass
class EditionResults:
    edition: object
    categories: list


def programme_results(programme):
    """Every edition of a programme, newest first, with its categories' winners and finalists."""
    editions = list(programme.editions.prefetch_related("host_cities").order_by("-year"))
    recognitions = defaultdict(list)
    for recognition in (
        Recognition.objects.filter(edition__programme=programme)
        .for_display()
        .order_by("category__name", "result", "pk")
    ):
        recognitions[recognition.edition_id].append(recognition)
    return [EditionResults(edition, group_by_category(recognitions[edition.pk])) for edition in editions]

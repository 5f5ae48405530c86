"""
Reads behind the awards pages: grouped results, ranking tables with movement, a city's rank history.

Each function runs a fixed number of queries whatever the amount of data, and returns plain
objects the templates only display. Movement between editions of a ranking is decided here.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When, Window
from django.db.models.functions import RowNumber

from articles.models import Article

from .charts import RankPoint, rank_chart
from .models import City, Ranking, RankingEntry, Recognition

CITY_NEWS_LIMIT = 20
CITY_PAGE_STORIES = 12


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


# How a ranking table can be ordered, by the ``?sort=`` of a plain link: no JavaScript needed.
RANKING_SORTS = {"position": "Position", "city": "City", "score": "Score"}


@dataclass
class RankingPage:
    ranking: Ranking
    entries: list
    editions: list
    previous: Ranking | None
    stories: list
    sort: str = "position"

    @property
    def other_editions(self):
        return [edition for edition in self.editions if edition.pk != self.ranking.pk]

    @property
    def has_scores(self):
        """Whether any entry has a score: a column of dashes tells the reader nothing."""
        return any(entry.score is not None for entry in self.entries)

    def sorted_by(self, sort):
        """The entries in the order ``sort`` names; scores best first, entries without one last."""
        if sort == "city":
            return sorted(self.entries, key=lambda entry: (entry.city.name.casefold(), entry.position))
        if sort == "score":
            sign = -1 if self.ranking.higher_score_is_better else 1
            return sorted(
                self.entries,
                key=lambda entry: (entry.score is None, sign * (entry.score or 0), entry.position),
            )
        return self.entries


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

    @property
    def has_scores(self):
        return any(entry.score is not None for entry in self.entries)


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


class CityStories:
    """A city's live stories, newest first, that a paginator can slice: each slice is one query on the timelines.

    The newest ``stop`` stories are read through ``about_city`` (a city and its districts, each story once) and
    the page cut from them: pages are bounded (LookaheadPaginator's MAX_PAGE), so the read is too.
    """

    def __init__(self, city):
        self.city = city

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.stop is None:
            raise TypeError("CityStories is read a page at a time.")
        newest = Article.objects.published().for_listing().about_city(self.city, index.stop)
        return list(newest)[index.start or 0 :]


def city_index():
    """Top-level cities by country, each with its award count and the id of its newest rank (best if several)."""
    newest_entry = RankingEntry.objects.filter(city=OuterRef("pk")).order_by("-ranking__year", "position", "pk")
    return (
        City.objects.filter(parent__isnull=True)
        .annotate(
            award_count=Count("recognitions", distinct=True), newest_entry_id=Subquery(newest_entry.values("pk")[:1])
        )
        .order_by("country", "name", "pk")
    )


def attach_newest_ranks(cities):
    """Give each city of a page of ``city_index()`` its ``newest_entry`` (or None), in one query."""
    wanted = [city.newest_entry_id for city in cities if city.newest_entry_id]
    entries = RankingEntry.objects.select_related("ranking").in_bulk(wanted)
    for city in cities:
        city.newest_entry = entries.get(city.newest_entry_id)
    return cities


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
    """Every edition of a programme, newest first, with its categories' winners and finalists.

    Not the stories that report them: each edition's page names those, and this page links to it. Ten
    editions of 24 results with forty stories each (bench/ data) made a page of 151 KB, 48 ms of CPU and
    103 ms of SQL with each result's three newest stories; 62 KB, 17 ms and 1 ms without (2026-11-30).
    """
    editions = list(programme.editions.prefetch_related("host_cities").order_by("-year"))
    recognitions = defaultdict(list)
    for recognition in (
        Recognition.objects.filter(edition__programme=programme)
        .for_summary()
        .order_by("category__name", "result", "pk")
    ):
        recognitions[recognition.edition_id].append(recognition)
    return [EditionResults(edition, group_by_category(recognitions[edition.pk])) for edition in editions]


@dataclass
class AwardsPanel:
    """The front page's awards-and-rankings box: the newest edition's winners, the newest ranking's
    top places and the cities that climbed most since its previous year."""

    edition: object | None = None
    winners: list = field(default_factory=list)
    ranking: Ranking | None = None
    previous_year: int | None = None
    top_places: list = field(default_factory=list)
    biggest_movers: list = field(default_factory=list)


PANEL_TOP_PLACES = 5
PANEL_MOVERS = 3


def awards_panel():
    """Three queries whatever the data: the winners of the newest edition that has any, the newest ranking,
    and the entries the panel shows (its top places and biggest climbers, with each city's position in the
    ranking's previous year), picked in the database: a ranking of 300 cities read whole was most of the
    front page's time when nothing was cached (bench/, 2026-11-29)."""
    newest_with_winners = (
        Recognition.objects.filter(result=Recognition.Result.WINNER)
        .order_by("-edition__year", "-edition__starts_on", "-edition_id")
        .values("edition_id")[:1]
    )
    winners = list(
        Recognition.objects.filter(edition_id__in=newest_with_winners, result=Recognition.Result.WINNER)
        .for_summary()
        .order_by("category__name", "pk")
    )
    panel = AwardsPanel(edition=winners[0].edition if winners else None, winners=winners)
    previous_editions = Ranking.objects.filter(slug=OuterRef("slug"), year__lt=OuterRef("year")).order_by("-year")
    panel.ranking = (
        Ranking.objects.annotate(
            previous_id=Subquery(previous_editions.values("pk")[:1]),
            previous_year=Subquery(previous_editions.values("year")[:1]),
        )
        .order_by("-year", "title")
        .first()
    )
    if panel.ranking is None:
        return panel
    panel.previous_year = panel.ranking.previous_year
    last_year_position = RankingEntry.objects.filter(ranking_id=panel.ranking.previous_id, city=OuterRef("city"))
    entries = panel.ranking.entries.select_related("city").annotate(
        previous_position=Subquery(last_year_position.order_by().values("position"))
    )
    places_climbed = Case(When(previous_position__gt=F("position"), then=F("previous_position") - F("position")))
    shown = list(
        entries.annotate(
            place_order=Window(RowNumber(), order_by=F("position").asc()),
            climb_order=Window(RowNumber(), order_by=[places_climbed.desc(nulls_last=True), F("position").asc()]),
        )
        .filter(Q(place_order__lte=PANEL_TOP_PLACES) | Q(climb_order__lte=PANEL_MOVERS))
        .order_by("position")
    )
    for entry in shown:
        entry.ranking = panel.ranking
        entry.movement = movement_between(entry.previous_position, entry.position) if panel.previous_year else None
    panel.top_places = [entry for entry in shown if entry.place_order <= PANEL_TOP_PLACES]
    climbers = [entry for entry in shown if entry.movement and entry.movement.kind == "up"]
    panel.biggest_movers = sorted(climbers, key=lambda entry: entry.climb_order)[:PANEL_MOVERS]
    return panel

"""Search result groups for the awards data: cities, award categories, rankings.

Each searcher takes a cleaned query (see ``articles.search.clean_query``) and
returns a ``SearchGroup`` of at most ``GROUP_SIZE`` results in one query.
"""

from django.db.models import Q

from articles.search import SearchGroup, query_terms

from .models import AwardProgramme, Category, City, Ranking

GROUP_SIZE = 6
# Shorter words ("of", "in") would match most names and tell the reader nothing.
MIN_TERM_LENGTH = 3


def _any_term(fields, query):
    terms = [term for term in query_terms(query) if len(term) >= MIN_TERM_LENGTH]
    condition = Q()
    for term in terms:
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
    return condition if terms else None


def find_cities(query):
    condition = _any_term(["name"], query)
    if condition is None:
        return None
    return SearchGroup("Cities", list(City.objects.filter(condition).select_related("parent")[:GROUP_SIZE]))


def find_programmes(query):
    """Award programmes by name, short name ("SCEWC") or alias: a reader types what the press calls them."""
    terms = [term for term in query_terms(query) if len(term) >= MIN_TERM_LENGTH]
    if not terms:
        return None
    condition = Q()
    for term in terms:
        condition |= Q(name__icontains=term) | Q(short_name__iexact=term) | Q(aliases__icontains=term)
    return SearchGroup("Award programmes", list(AwardProgramme.objects.filter(condition).order_by("name")[:GROUP_SIZE]))


def find_categories(query):
    # Aliases are a JSON list; matching its text finds "Enabling Tech" under "Enabling Technologies Award".
    condition = _any_term(["name", "aliases"], query)
    if condition is None:
        return None
    categories = Category.objects.filter(condition).select_related("programme")[:GROUP_SIZE]
    return SearchGroup("Award categories", [CategoryResult(category) for category in categories])


def find_rankings(query):
    condition = _any_term(["title", "publisher"], query)
    if condition is None:
        return None
    return SearchGroup("Rankings", list(Ranking.objects.filter(condition).order_by("title", "-year")[:GROUP_SIZE]))


class CategoryResult:
    """A category as a search result: its programme's page is where its recognitions are listed."""

    def __init__(self, category):
        self.category = category

    def __str__(self):
        return f"{self.category.name} ({self.category.programme.name})"

    def get_absolute_url(self):
        return self.category.programme.get_absolute_url()

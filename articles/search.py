"""
Site search: query clean-up, article search on PostgreSQL or SQLite, safe highlighting.

On PostgreSQL articles are found through ``Article.search_vector`` (weighted and
kept current by a trigger, see migration 0002), ranked with ``SearchRank`` and
given a ``ts_headline`` snippet. On other databases a simpler ``icontains``
search finds the same stories, ranks those with the words in their title or
standfirst first (newest first among equals), and snippets are made in Python.

Other apps add result groups (cities, award categories, rankings) through
``settings.SEARCH_GROUPS``: dotted paths of callables that take the cleaned query
and return a ``SearchGroup`` or ``None``. Named in the settings, as middleware is,
so that this app needs to know nothing of the apps that extend its search.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.utils.html import escape, strip_tags
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe

from .models import Article

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SEARCH_CONFIG = "english"
SNIPPET_WORDS = 30
# Private-use characters: ts_headline marks matches with them, and the text they
# surround is escaped before they become <mark> tags, so body HTML can never leak.
START_MARK, STOP_MARK = "\ue000", "\ue001"
LT, GT, AMP = "\ue002", "\ue003", "\ue004"
_SENTINELS = re.compile(f"[{START_MARK}{STOP_MARK}]")
_STAND_INS = str.maketrans({LT: "<", GT: ">", AMP: "&"})
# In a snippet, where a subheading ends and the text under it starts: "What Shenzhen took home — Two of the awards".
HEADING_END = r"</h[1-6]\s*>"
HEADING_SEPARATOR = " — "


@dataclass
class SearchGroup:
    """A short list of non-article results, shown above the stories."""

    title: str
    results: list = field(default_factory=list)  # objects with get_absolute_url() and __str__


def clean_query(raw):
    """The query as searched: no control characters, single spaces, at most 200 characters.

    Returns '' when nothing searchable is left (only punctuation, only spaces).
    """
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in (raw or "")[: MAX_QUERY_LENGTH * 4])
    text = " ".join(text.split())[:MAX_QUERY_LENGTH].strip()
    return text if any(ch.isalnum() for ch in text) else ""


def query_terms(query):
    """Words of the query, for the fallback search and for highlighting titles."""
    terms = []
    for word in re.findall(r"\w+", query):
        if word.lower() not in terms and word.strip("_"):
            terms.append(word.lower())
    return terms[:MAX_TERMS]


def full_text_query(query):
    """``query`` as PostgreSQL reads what readers type: quoted phrases, "or", "-word"."""
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


class TextOfHtml(Func):
    """A column's HTML as text for ts_headline, in SQL.

    A subheading's end becomes a dash, other tags and stray sentinels a space; ``&lt;``,
    ``&gt;`` and ``&amp;`` become private-use stand-ins, because ts_headline's parser
    would swallow them (or the characters they encode) as markup. ``marked_headline``
    turns them back.
    """

    template = (
        "replace(replace(replace(regexp_replace("
        f"regexp_replace(%(expressions)s, '{HEADING_END}', '{HEADING_SEPARATOR}', 'gi'), "
        f"'<[^>]*>|[{START_MARK}-{AMP}]', ' ', 'g'), "
        f"'&lt;', '{LT}'), '&gt;', '{GT}'), '&amp;', '{AMP}')"
    )
    output_field = TextField()


# Ranking every match of a common word across 100,000 stories is what made search slow: the best of the newest
# MAX_CANDIDATES matches is what a news reader is after, a query narrower than that is ranked in full, and
# "newest first" (``newest_matches``) reaches every match. The candidates are read with their rank in one pass of
# the live stories' index: for two words every story has, 0.9 ms for 100, 1.3 ms for 200 and 12.8 ms for the
# newest 1,000 ranked after a second read (EXPLAIN ANALYZE at 100,000 stories); the kept results page served 36%
# of the one-query floor with 200 and 53% with 100 (make bench, 2026-11-29).
MAX_CANDIDATES = 100
# The orders a reader can choose (``?sort=``), the first the default.
SORTS = {"relevance": "Best match", "newest": "Newest first"}


class TitleAndStandfirst(Func):
    """The part of a story's search vector that comes from its title and standfirst (weights A and B, migration
    0004): when it matches the query alone, the card already shows every word searched for."""

    template = "ts_filter(%(expressions)s, '{a,b}')"
    output_field = SearchVectorField()


class SearchResults:
    """The live stories matching a query, best first: their ids are read when searching, the stories of a page
    when it is sliced (a paginator's ``page()``), with ``rank`` and ``headline`` (None when the title and
    standfirst show every word already)."""

    def __init__(self, query, ranked_ids, rank_of=None):
        self.query = query
        self.ranked_ids = ranked_ids
        self.rank_of = rank_of or {}

    def __len__(self):
        return len(self.ranked_ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self.ranked_ids[index]
        found = {story.pk: story for story in self.stories(ids)}
        # A story taken down between the two queries is left out, never shown.
        page = [found[pk] for pk in ids if pk in found]
        for story in page:
            story.rank = self.rank_of.get(story.pk)
        return page

    def stories(self, ids):
        if not ids:
            return []
        return with_snippets(Article.objects.published().filter(pk__in=ids), self.query)


def with_snippets(stories, query):
    """``stories`` for a results page: as cards, and on PostgreSQL each with its ``headline``, a snippet of the
    body that ts_headline cuts (0.3 ms a story) only where the title and standfirst do not show every word."""
    if connection.vendor != "postgresql":
        return stories.for_listing(with_body=True)  # snippets are cut in Python here
    ts_query = full_text_query(query)
    headline = SearchHeadline(
        TextOfHtml(F("body")),
        ts_query,
        config=SEARCH_CONFIG,
        start_sel=START_MARK,
        stop_sel=STOP_MARK,
        max_words=SNIPPET_WORDS,
        min_words=12,
    )
    return (
        stories.for_listing()
        .alias(title_and_standfirst=TitleAndStandfirst(F("search_vector")))
        .annotate(
            headline=Case(
                When(title_and_standfirst=ts_query, then=Value(None, output_field=TextField())), default=headline
            )
        )
    )


def search_articles(query):
    """Live articles matching ``query`` (already cleaned), best first (``SearchResults``)."""
    if connection.vendor == "postgresql":
        ts_query = full_text_query(query)
        candidates = list(
            _matching_newest_first(query)
            .annotate(rank=SearchRank(F("search_vector"), ts_query))
            .values_list("pk", "rank")[:MAX_CANDIDATES]
        )
        # Sorted by rank; a stable sort keeps the newest first among equals.
        candidates.sort(key=lambda candidate: -candidate[1])
        return SearchResults(query, [pk for pk, _ in candidates], rank_of=dict(candidates))
    # No ranking function here: a word in the title counts most, then in the standfirst, then in the body only.
    terms = query_terms(query)
    candidates = [
        (pk, sum(3 if term in title.lower() else 2 if term in standfirst.lower() else 1 for term in terms))
        for pk, title, standfirst in _matching_newest_first(query).values_list("pk", "title", "standfirst")[
            :MAX_CANDIDATES
        ]
    ]
    candidates.sort(key=lambda candidate: -candidate[1])
    return SearchResults(query, [pk for pk, _ in candidates], rank_of=dict(candidates))


def newest_matches(query):
    """Every live article matching ``query``, newest first, as a queryset: read a page at a time off the live
    stories' index, never counted or ranked."""
    return with_snippets(_matching_newest_first(query), query)


def _matching_newest_first(query):
    live = Article.objects.published().order_by("-published_at", "-id")
    if connection.vendor == "postgresql":
        return live.filter(search_vector=full_text_query(query))
    terms = query_terms(query)
    if not terms:
        return live.none()
    matches = Q()
    for term in terms:
        # In the body only text counts, not tag names or attributes: the term after ">" or the start, before "<".
        in_body_text = Q(body__iregex=rf"(^|>)[^<]*{re.escape(term)}")
        matches &= Q(title__icontains=term) | Q(standfirst__icontains=term) | in_body_text
    return live.filter(matches)


def marked_headline(raw_headline):
    """Escape a ts_headline result, then turn its sentinel characters into <mark> tags."""
    pieces = re.split(f"({START_MARK}|{STOP_MARK})", raw_headline or "")
    out, open_mark = [], False
    for piece in pieces:
        if piece == START_MARK and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif piece == STOP_MARK and open_mark:
            out.append("</mark>")
            open_mark = False
        elif piece not in (START_MARK, STOP_MARK):
            # Text as stored in HTML: decoded once, stand-ins restored, then escaped once.
            text = _SENTINELS.sub("", html.unescape(piece)).translate(_STAND_INS)
            out.append(escape(re.sub(r"\s+", " ", text)))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))


def highlight(text, terms):
    """``text`` escaped, with every word starting with one of ``terms`` in <mark>."""
    if not terms:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(body_html, terms, words=SNIPPET_WORDS):
    """A window of the body's text around the first term found, highlighted."""
    text = re.sub(HEADING_END, HEADING_SEPARATOR, body_html or "", flags=re.IGNORECASE)
    # A space where each tag was: "<p>One.</p><p>Two.</p>" is "One. Two.", not "One.Two.".
    body_words = html.unescape(strip_tags(text.replace("<", " <"))).split()
    lowered = [word.lower() for word in body_words]
    first = next((i for i, word in enumerate(lowered) if any(t in word for t in terms)), 0)
    start = max(0, first - words // 3)
    window = " ".join(body_words[start : start + words])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(body_words) else ""
    return mark_safe(f"{prefix}{highlight(window, terms)}{suffix}")


def decorate(articles, query):
    """Give each article on a results page ``title_marked``, ``standfirst_marked`` and ``snippet`` (safe HTML).

    A snippet of the body only where the title and standfirst do not already show every word searched for.
    """
    terms = query_terms(query)
    for article in articles:
        article.title_marked = highlight(article.title, terms)
        article.standfirst_marked = highlight(article.standfirst, terms)
        if hasattr(article, "headline"):  # PostgreSQL: None when the title and standfirst match by themselves
            article.snippet = marked_headline(article.headline) if article.headline is not None else ""
        else:
            shown = f"{article.title} {article.standfirst}".lower()
            article.snippet = "" if all(term in shown for term in terms) else snippet(article.body, terms)
    return articles


def search_groups(query):
    """Result groups from other apps' searchers, empty ones left out."""
    searchers = [import_string(path) for path in settings.SEARCH_GROUPS]
    return [group for group in (searcher(query) for searcher in searchers) if group and group.results]

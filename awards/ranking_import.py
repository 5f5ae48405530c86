"""A ranking's table imported from a CSV file: every row is checked first, then all are saved or none.

The file has the columns of the site's own download (``awards.views.ranking_csv``), so a downloaded table
re-imports as it is: a first line naming the columns, then one row per city. ``position`` and ``city`` (or
``slug``) are needed; ``country`` narrows the city by name and ``score`` is kept; the download's movement
columns are ignored. A city is found by its slug, or by its name ignoring case (with its country when the
file gives one); a district may be written as the admin shows it, "Futian (Shenzhen)", when its bare name
is also another city's.

Entries of cities already in the ranking are updated in place rather than replaced, so the stories that
report them keep their links. The writes are bulk ones, which send no signals: the page cache is retired
here.
"""

import csv
import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article
from citynews.pagecache import bump_on_content_change
from citynews.text import SINGLE_LINE_FORBIDDEN, without_control_characters

from .embeds import render_after_commit
from .models import City, Ranking, RankingEntry

# A table of 5,000 cities is about 200 kB; the limits keep a wrong file (a photo, a whole database dump) from
# costing more than a moment. The field size of a ranking (a PositiveSmallIntegerField) is lower still.
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_PROBLEMS_SHOWN = 50

COLUMN_NAMES = {"position": "position", "rank": "position", "city": "city", "slug": "slug"}
COLUMN_NAMES |= {"country": "country", "score": "score"}
# Written by the download for readers; they follow from the positions, so an import has no use for them.
IGNORED_COLUMNS = {"movement", "places_moved"}
DELIMITERS = (",", ";", "\t")
SPREADSHEET_SAFE_PREFIXES = ("'=", "'+", "'-", "'@")


class RankingImportError(Exception):
    """The file cannot be imported; ``problems`` says why, line by line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class ImportRow:
    line: int
    city: City
    position: int
    score: object  # a Decimal or None


@dataclass
class ImportResult:
    added: int
    changed: int
    unchanged: int
    removed: int
    kept: int  # entries not in the file that stay (when not replacing)
    cleaned_lines: tuple = ()  # lines whose cells lost invisible characters (the text rule)


def name_key(text):
    """ "  SHENZHEN " and "Shenzhen" are one name; full-width letters too."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def cell_text(text):
    # The download writes "'=x" for a name starting with = + - or @, so spreadsheets keep it text.
    text = text.strip()
    return text[1:] if text.startswith(SPREADSHEET_SAFE_PREFIXES) else text


def shown(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decode(upload):
    if upload.size > MAX_IMPORT_BYTES:
        raise RankingImportError(
            [f"The file is {upload.size:,} bytes: at most {MAX_IMPORT_BYTES:,} can be imported at once."]
        )
    data = b"".join(upload.chunks())
    if b"\x00" in data:
        raise RankingImportError(["This is not a CSV file: export the table from the spreadsheet as CSV (UTF-8)."])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RankingImportError(
            [
                f"Line {line}: the file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”; "
                "in LibreOffice, choose the UTF-8 character set."
            ]
        ) from None


def read_header(first_line):
    """The columns named on the first line ({column: index}), their number, and the delimiter between them."""
    for delimiter in DELIMITERS:
        names = [name_key(name) for name in next(csv.reader([first_line], delimiter=delimiter), [])]
        if "position" not in names and "rank" not in names:
            continue
        columns = {}
        problems = []
        for index, name in enumerate(names):
            if name in IGNORED_COLUMNS or (not name and index == len(names) - 1):
                continue
            column = COLUMN_NAMES.get(name)
            if column is None:
                problems.append(
                    f"Line 1: unknown column “{shown(name)}”. The columns are position, city, slug, country "
                    "and score (movement and places_moved are ignored)."
                )
            elif column in columns:
                problems.append(f"Line 1: the column “{name}” is named twice.")
            else:
                columns[column] = index
        if "city" not in columns and "slug" not in columns:
            problems.append("Line 1: name a “city” column (or a “slug” column) to say which city each row is.")
        if problems:
            raise RankingImportError(problems)
        return columns, len(names), delimiter
    raise RankingImportError(
        [
            "Line 1 must name the columns, as the ranking page's CSV download does: "
            "“position,city,country,score” (position and city are needed)."
        ]
    )


def read_rows(upload):
    """The file's rows as (line number, {column: text}), or RankingImportError."""
    text = decode(upload)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    columns, width, delimiter = read_header(first_line)
    # strict: a quote left open is an error, rather than the rest of the file read as one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    problems = []
    cleaned_lines = []
    try:
        next(reader)
        line = reader.line_num + 1  # where the next row starts (a quoted cell may span lines)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(rows) == MAX_IMPORT_ROWS:
                    raise RankingImportError([f"The file has more than {MAX_IMPORT_ROWS:,} rows: split it."])
                if any(cell.strip() for cell in cells[width:]):
                    problems.append(f"Line {line}: {len(cells)} cells, but line 1 names {width} columns.")
                row = {column: cells[i] if i < len(cells) else "" for column, i in columns.items()}
                rows.append((line, {column: plain_cell(text) for column, text in row.items()}))
                if any(SINGLE_LINE_FORBIDDEN.search(text) for text in row.values()):
                    cleaned_lines.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise RankingImportError([f"Line {reader.line_num}: this is not readable as CSV ({error})."]) from None
    if problems:
        raise RankingImportError(problems)
    if not rows:
        raise RankingImportError(["The file has no rows under its first line: nothing to import."])
    return rows, tuple(cleaned_lines)


def plain_cell(text):
    """A cell as one line of plain text: spreadsheets leave vertical tabs and stray controls in cells."""
    return without_control_characters(text, multi_line=False)


class CityFinder:
    """Every city by slug, by name and by the admin's "District (City)" label, read in one query.

    A newsroom knows hundreds or a few thousand cities: reading them all is cheaper than a query per row, and
    matching names in Python ignores case the same way on every database (SQLite's lower() is ASCII-only).
    """

    def __init__(self):
        self.by_slug = {}
        self.by_name = defaultdict(list)
        self.by_label = defaultdict(list)
        for city in City.objects.select_related("parent"):
            self.by_slug[city.slug.casefold()] = city
            self.by_name[name_key(city.name)].append(city)
            if city.parent_id:
                self.by_label[name_key(str(city))].append(city)

    def find(self, name, country, slug):
        """(the city, None) or (None, what is wrong)."""
        if slug:
            city = self.by_slug.get(slug.casefold())
            if city is None:
                return None, f"no city has the slug “{shown(slug)}”."
            if name and name_key(name) not in {name_key(city.name), name_key(str(city))}:
                return None, f"the slug “{shown(slug)}” is {city}, not “{shown(name)}”."
            return city, None
        if not name:
            return None, "the city is missing."
        candidates = self.by_name.get(name_key(name)) or self.by_label.get(name_key(name), [])
        where = ""
        if country:
            candidates = [city for city in candidates if name_key(city.country) == name_key(country)]
            where = f" in {shown(country)}"
        if not candidates:
            return None, f"no city is called “{shown(name)}”{where}: add it under Cities first, or check the spelling."
        if len(candidates) > 1:
            options = " or ".join(f"{city} (slug “{city.slug}”)" for city in candidates)
            return None, (
                f"“{shown(name)}”{where} could be {options}: give the slug in a “slug” column, "
                "or write a district as “District (City)”."
            )
        return candidates[0], None


def read_position(text, ranking):
    """(the position, None) or (None, what is wrong)."""
    if not text:
        return None, "the position is missing."
    # isdigit() alone would take "²" and "٣"; int() would take " +3" and "1_0".
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        return None, f"the position “{shown(text)}” is not a whole number from 1 up."
    position = int(text)
    if position > ranking.field_size:
        return None, (
            f"position {position} is beyond the ranking's field size of {ranking.field_size}: "
            "if the ranking has grown, change its field size first."
        )
    return position, None


def check_rows(ranking, raw_rows, existing, replace):
    """The rows as ImportRow, or RankingImportError listing every problem by line."""
    finder = CityFinder()
    score_field = forms.DecimalField(
        max_digits=RankingEntry._meta.get_field("score").max_digits,
        decimal_places=RankingEntry._meta.get_field("score").decimal_places,
        required=False,
    )
    problems = []  # (line, text)
    rows = []
    line_of_city = {}
    for line, cells in raw_rows:
        found = []
        city, problem = finder.find(
            cell_text(cells.get("city", "")), cell_text(cells.get("country", "")), cells.get("slug", "").strip()
        )
        if problem:
            found.append(problem)
        elif city.pk in line_of_city:
            found.append(f"{city.name} is already on line {line_of_city[city.pk]}: keep one row per city.")
        else:
            line_of_city[city.pk] = line
        position, problem = read_position(cells["position"].strip(), ranking)
        if problem:
            found.append(problem)
        score = None
        try:
            score = score_field.clean(cells.get("score", ""))
        except ValidationError as error:
            found.append(f"the score “{shown(cells['score'].strip())}” cannot be used: {' '.join(error.messages)}")
        problems += [(line, text) for text in found]
        if not found:
            rows.append(ImportRow(line=line, city=city, position=position, score=score))

    if not ranking.allow_ties:
        problems += tie_problems(rows, existing, replace)
    messages = [f"Line {line}: {text}" for line, text in sorted(problems, key=lambda p: p[0])]
    if replace:
        messages += reported_entries_left_out(existing, {row.city.pk for row in rows} | set(line_of_city))
    if messages:
        raise RankingImportError(messages)
    return rows


def tie_problems(rows, existing, replace):
    """(line, text) for each row whose position another row, or an entry the import keeps, already holds."""
    holders = {}
    if not replace:
        in_file = {row.city.pk for row in rows}
        for entry in existing.values():
            if entry.city_id not in in_file:
                holders[entry.position] = f"{entry.city.name}, who stays in the ranking (not in the file)"
    problems = []
    for row in rows:
        if row.position in holders:
            problems.append(
                (
                    row.line,
                    f"position {row.position} is also given to {holders[row.position]}, and this ranking "
                    "does not allow ties.",
                )
            )
        else:
            holders[row.position] = f"{row.city.name} on line {row.line}"
    return problems


def reported_entries_left_out(existing, in_file):
    """Entries that stories report and that replacing the table would delete: one problem each.

    The inline refuses the same deletion (awards.admin.KeepsReportedFactsFormSet): a fact a story
    reports is corrected, never dropped from under it.
    """
    leaving = {entry.pk: entry for city_id, entry in existing.items() if city_id not in in_file}
    stories = Article.objects.titles_by_reported("ranking_entries", leaving)
    return [
        f"{leaving[pk].city.name} (position {leaving[pk].position}) is reported by {', '.join(titles)}: "
        "keep it in the file, or take it out of those stories first."
        for pk, titles in sorted(stories.items(), key=lambda item: leaving[item[0]].position)
    ]


def save_rows(ranking, rows, existing, replace):
    in_file = {row.city.pk for row in rows}
    # No story reports these (check_rows refused the file otherwise).
    removed = [entry for city_id, entry in existing.items() if city_id not in in_file] if replace else []
    if removed:
        RankingEntry.objects.filter(pk__in=[entry.pk for entry in removed]).delete()

    new, changed, unchanged = [], [], 0
    for row in rows:
        entry = existing.get(row.city.pk)
        if entry is None:
            entry = RankingEntry(ranking=ranking, city=row.city, position=row.position, score=row.score)
            entry.copy_ranking_rules()
            new.append(entry)
            continue
        entry.ranking = ranking
        before = (entry.position, entry.score, entry.ranking_allows_ties, entry.ranking_field_size)
        entry.position, entry.score = row.position, row.score
        entry.copy_ranking_rules()
        if (entry.position, entry.score, entry.ranking_allows_ties, entry.ranking_field_size) == before:
            unchanged += 1
        else:
            changed.append(entry)

    # Moving entries leave the one-city-per-position index first, so two cities can swap places in one import
    # (as RankingEntryFormSet.save does); the bulk update puts them back with the ranking's rules.
    RankingEntry.objects.filter(pk__in=[entry.pk for entry in changed]).update(ranking_allows_ties=True)
    RankingEntry.objects.bulk_create(new)
    RankingEntry.objects.bulk_update(changed, ["position", "score", "ranking_allows_ties", "ranking_field_size"])
    # bulk_create(), bulk_update() and update() send no post_save: retire the cached pages as a save would.
    bump_on_content_change(RankingEntry)
    render_after_commit(ranking_slugs=[ranking.slug])
    kept = 0 if replace else len(existing) - len(in_file & existing.keys())
    return ImportResult(
        added=len(new),
        changed=len(changed),
        unchanged=unchanged,
        removed=len(removed),
        kept=kept,
    )


def import_entries(ranking, upload, replace=False):
    """Import the CSV file into the ranking: every row, or (with RankingImportError) none.

    Without ``replace`` the file's rows are added to the table and cities already in it take the file's
    position and score; with it, cities not in the file leave the ranking.
    """
    raw_rows, cleaned_lines = read_rows(upload)
    try:
        with transaction.atomic():
            # Locked, so a second import or a save of this ranking waits for this one instead of interleaving.
            ranking = Ranking.objects.select_for_update().filter(pk=ranking.pk).first()
            if ranking is None:
                raise RankingImportError(["The ranking was deleted meanwhile: nothing was imported."])
            existing = {entry.city_id: entry for entry in ranking.entries.select_related("city")}
            rows = check_rows(ranking, raw_rows, existing, replace)
            result = save_rows(ranking, rows, existing, replace)
            result.cleaned_lines = cleaned_lines
            return result
    except IntegrityError:
        # The checks above mirror the database's constraints; a clash means another change got in between.
        raise RankingImportError(
            [
                "The database refused the table (a city or a position is taken twice), so nothing was saved. "
                "The ranking may have changed meanwhile: reload it and import the file again."
            ]
        ) from None

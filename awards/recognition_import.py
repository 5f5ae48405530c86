"""An edition's winners and finalists pasted from a spreadsheet or imported from a CSV file: every row is
checked first, then all are saved or none, as a ranking's table is (awards/ranking_import.py).

The first line names the columns: ``category``, ``result`` and ``city`` or ``organisation`` are needed;
``slug`` and ``country`` narrow the city as in a ranking import, ``project`` and ``note`` are kept. Columns are
separated by tabs (a spreadsheet's copy), commas or semicolons. A category is one of the edition's programme,
found by its name or an alias; a result is "winner", "finalist" or "special mention"; an organisation is
found by its name (with the row's city when two share a name).
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from citynews.pagecache import bump_on_content_change

from .models import Category, Edition, Organisation, Recognition, normalise_category_name
from .ranking_import import MAX_IMPORT_ROWS, CityFinder, RankingImportError, cell_text, name_key, shown

COLUMN_NAMES = {
    "category": "category",
    "result": "result",
    "city": "city",
    "slug": "slug",
    "country": "country",
    "organisation": "organisation",
    "organization": "organisation",
    "project": "project_name",
    "project name": "project_name",
    "note": "note",
}
RESULTS = {name_key(label): value for value, label in Recognition.Result.choices}
DELIMITERS = ("\t", ",", ";")
MAX_PASTE_CHARS = 200_000


class RecognitionImportError(RankingImportError):
    """The rows cannot be imported; ``problems`` says why, line by line."""


@dataclass
class RecognitionRow:
    line: int
    recognition: Recognition


def read_header(first_line):
    for delimiter in DELIMITERS:
        names = [name_key(name) for name in next(csv.reader([first_line], delimiter=delimiter), [])]
        if "category" not in names:
            continue
        columns, problems = {}, []
        for index, name in enumerate(names):
            column = COLUMN_NAMES.get(name)
            if column is None:
                if name:
                    problems.append(
                        f"Line 1: unknown column “{shown(name)}”. The columns are category, result, city, slug, "
                        "country, organisation, project and note."
                    )
            elif column in columns:
                problems.append(f"Line 1: the column “{name}” is named twice.")
            else:
                columns[column] = index
        if "result" not in columns:
            problems.append("Line 1: name a “result” column (winner, finalist or special mention).")
        if "city" not in columns and "slug" not in columns and "organisation" not in columns:
            problems.append("Line 1: name a “city” or an “organisation” column to say who was recognised.")
        if problems:
            raise RecognitionImportError(problems)
        return columns, delimiter
    raise RecognitionImportError(
        ["Line 1 must name the columns, for example “category, result, city, organisation, project, note”."]
    )


def read_rows(text):
    """The rows as (line number, {column: text})."""
    if len(text) > MAX_PASTE_CHARS:
        raise RecognitionImportError([f"The list is longer than {MAX_PASTE_CHARS:,} characters: split it."])
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    columns, delimiter = read_header(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        next(reader)
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(rows) == MAX_IMPORT_ROWS:
                    raise RecognitionImportError([f"The list has more than {MAX_IMPORT_ROWS:,} rows: split it."])
                row = {column: cell_text(cells[i]) if i < len(cells) else "" for column, i in columns.items()}
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise RecognitionImportError([f"Line {reader.line_num}: this is not readable ({error})."]) from None
    if not rows:
        raise RecognitionImportError(["There are no rows under the first line: nothing to import."])
    return rows


class OrganisationFinder:
    def __init__(self):
        self.by_name = defaultdict(list)
        for organisation in Organisation.objects.select_related("city"):
            self.by_name[name_key(organisation.name)].append(organisation)

    def find(self, name, city):
        candidates = self.by_name.get(name_key(name), [])
        if city is not None:
            candidates = [o for o in candidates if o.city_id == city.pk] or candidates
        if not candidates:
            return None, f"no organisation is called “{shown(name)}”: add it under Organisations first."
        if len(candidates) > 1:
            cities = " or ".join(str(o.city) for o in candidates)
            return None, f"“{shown(name)}” could be the one in {cities}: give its city in the “city” column."
        return candidates[0], None


class RowReader:
    """A row of the file as an unsaved Recognition of ``edition``, or the problems that keep it out. The names a
    file may use (the programme's categories with their aliases, cities, organisations) are read once."""

    def __init__(self, edition):
        self.edition = edition
        self.categories = {}
        for category in Category.objects.filter(programme_id=edition.programme_id):
            for text in category.all_names:
                self.categories.setdefault(normalise_category_name(text), category)
        self.cities, self.organisations = CityFinder(), OrganisationFinder()
        self.project_length = Recognition._meta.get_field("project_name").max_length
        self.note_length = Recognition._meta.get_field("note").max_length

    def read(self, cells):
        """(recognition, []) or (None, problems)."""
        found = []
        category = self.categories.get(normalise_category_name(cells["category"]))
        if not cells["category"]:
            found.append("the category is missing.")
        elif category is None:
            found.append(
                f"“{shown(cells['category'])}” is not a category of {self.edition.programme}: add it on the "
                "edition's page (the “+” beside a category) or check the spelling."
            )
        result = RESULTS.get(name_key(cells["result"]))
        if result is None:
            found.append(f"the result “{shown(cells['result'])}” is not winner, finalist or special mention.")
        city, organisation = self.recipient(cells, found)
        project, note = cells.get("project_name", ""), cells.get("note", "")
        if len(project) > self.project_length:
            found.append(f"the project name is longer than {self.project_length} characters.")
        if len(note) > self.note_length:
            found.append(f"the note is longer than {self.note_length} characters.")
        if found:
            return None, found
        recognition = Recognition(
            edition=self.edition,
            category=category,
            result=result,
            city=city,
            organisation=organisation,
            project_name=project,
            note=note,
        )
        return recognition, []

    def recipient(self, cells, found):
        """The city and the organisation a row names (either may be None); problems are added to ``found``."""
        city = organisation = None
        if cells.get("city") or cells.get("slug"):
            city, problem = self.cities.find(cells.get("city", ""), cells.get("country", ""), cells.get("slug", ""))
            if problem:
                found.append(problem)
        if cells.get("organisation"):
            organisation, problem = self.organisations.find(cells["organisation"], city)
            if problem:
                found.append(problem)
        if not (cells.get("city") or cells.get("slug") or cells.get("organisation")):
            found.append("name the city or the organisation that was recognised.")
        return city, organisation


def identity(recognition):
    """What makes two recognitions of an edition the same one."""
    return (
        recognition.category_id,
        recognition.result,
        recognition.city_id,
        recognition.organisation_id,
        name_key(recognition.project_name),
    )


def check_rows(edition, raw_rows):
    reader = RowReader(edition)
    existing = {identity(recognition) for recognition in edition.recognitions.all()}
    seen = {}
    problems, rows = [], []
    for line, cells in raw_rows:
        recognition, found = reader.read(cells)
        if recognition is not None:
            key = identity(recognition)
            if key in existing:
                found.append("this recognition is already in the edition.")
            elif key in seen:
                found.append(f"the same recognition is already on line {seen[key]}.")
            else:
                seen[key] = line
                rows.append(RecognitionRow(line, recognition))
        problems += [f"Line {line}: {text}" for text in found]
    if problems:
        raise RecognitionImportError(problems)
    return rows


def import_recognitions(edition, text):
    """Add the listed recognitions to ``edition``: all of them, or (with RecognitionImportError) none.
    Returns how many were added."""
    raw_rows = read_rows(text)
    with transaction.atomic():
        # Locked, so two imports into one edition cannot both pass the duplicate check.
        edition = Edition.objects.select_for_update().select_related("programme").filter(pk=edition.pk).first()
        if edition is None:
            raise RecognitionImportError(["The edition was deleted meanwhile: nothing was imported."])
        rows = check_rows(edition, raw_rows)
        Recognition.objects.bulk_create([row.recognition for row in rows])
    # bulk_create() sends no post_save: retire the cached pages as a save would.
    bump_on_content_change(Recognition)
    return len(rows)

"""The facts as downloadable open data: tables with a schema, written as CSV, JSON and a Frictionless package.

One table definition (its fields, their types and what each means) serves every format, so the CSV of a
ranking, its JSON and the portal-wide data package cannot drift apart. Every fact row carries its source:
the publisher (``publisher_named`` is false when none is named) and our live stories that report it.
Each table is read in a fixed number of queries, whatever its size.
"""

import csv
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse

from articles.models import Article

from .models import AwardProgramme, Category, City, Edition, Ranking, RankingEntry, Recognition

PACKAGE_NAME = "citynews-facts"
# Spreadsheet programs read a cell starting with one of these as a formula (tab and CR too, after trimming).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text):
    """A text cell that opens as text: a leading quote stops = + - @ (or a tab, a CR) starting a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def licence():
    return {
        "name": settings.OPEN_DATA_LICENCE_NAME,
        "path": settings.OPEN_DATA_LICENCE_URL,
        "title": settings.OPEN_DATA_LICENCE_TITLE,
    }


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Frictionless Table Schema type: string, integer, number, boolean, date, datetime
    description: str
    required: bool = False

    def descriptor(self):
        descriptor = {"name": self.name, "type": self.type, "description": self.description}
        if self.required:
            descriptor["constraints"] = {"required": True}
        return descriptor


@dataclass
class Table:
    name: str
    title: str
    fields: list
    rows: object  # a function returning the rows, one tuple each in the order of ``fields``: read only when written
    primary_key: str = "id"
    foreign_keys: list = field(default_factory=list)  # (field, other table, its field)

    def schema(self):
        return {
            "fields": [f.descriptor() for f in self.fields],
            "primaryKey": [self.primary_key],
            "foreignKeys": [
                # Table Schema names the table itself with "" (a district's city is in the same table).
                {"fields": [mine], "reference": {"resource": "" if table == self.name else table, "fields": [theirs]}}
                for mine, table, theirs in self.foreign_keys
            ],
        }

    def csv_rows(self):
        text_columns = [f.type == "string" for f in self.fields]
        for row in self.rows():
            yield [
                "" if value is None else spreadsheet_safe(value) if is_text else csv_value(value)
                for value, is_text in zip(row, text_columns, strict=True)
            ]

    def as_dicts(self):
        names = [f.name for f in self.fields]
        return [dict(zip(names, map(json_value, row), strict=True)) for row in self.rows()]


def csv_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):  #: normalize() alone writes 100 as "1E+2"
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def json_value(value):
    return float(value) if isinstance(value, Decimal) else value


def csv_response(table, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([f.name for f in table.fields])
    writer.writerows(table.csv_rows())
    return response


def json_response(data):
    # Served as JSON with nosniff: no browser runs it as HTML, and json.dumps escapes every quote in the text.
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return HttpResponse(text, content_type="application/json; charset=utf-8")


def table_document(table, title, page_url):
    """A table as one JSON document: what it is, its licence, its schema and its rows."""
    return {
        "title": title,
        "page": absolute(page_url),
        "license": licence(),
        "schema": table.schema(),
        "rows": table.as_dicts(),
    }


# Sources ------------------------------------------------------------------------------------------

SOURCE_FIELDS = [
    Field("publisher", "string", "Who published the fact; empty when no publisher is named."),
    Field("publisher_named", "boolean", "False when our records name no publisher for this fact.", required=True),
    Field("stories", "string", "Our live stories that report the fact: their addresses, separated by spaces."),
]


def live_stories():
    stories = Article.objects.published().only("pk", "slug", "published_at").order_by("-published_at", "-pk")
    return Prefetch("articles", queryset=stories, to_attr="live_stories")


def source_cells(publisher, fact):
    publisher = (publisher or "").strip()
    urls = " ".join(absolute(story.get_absolute_url()) for story in fact.live_stories)
    return (publisher, bool(publisher), urls)


# Tables -------------------------------------------------------------------------------------------

RANKING_ENTRY_FIELDS = [
    Field("id", "integer", "The entry's id.", required=True),
    Field("ranking_id", "integer", "The ranking (one year of it).", required=True),
    Field("ranking", "string", "The ranking's slug, the same for every year of it.", required=True),
    Field("year", "integer", "The ranking's year.", required=True),
    Field("city", "string", "The city's name.", required=True),
    Field("city_slug", "string", "The city's slug (its address on this site).", required=True),
    Field("country", "string", "The city's country."),
    Field("position", "integer", "The city's place, 1 being the best.", required=True),
    Field("field_size", "integer", "How many places the ranking has.", required=True),
    Field("score", "number", "The city's score, where the publisher gives one."),
    *SOURCE_FIELDS,
]


def ranking_entries_table(entries):
    return Table(
        "ranking_entries",
        "Ranking entries",
        RANKING_ENTRY_FIELDS,
        lambda: [
            (
                entry.pk,
                entry.ranking_id,
                entry.ranking.slug,
                entry.ranking.year,
                entry.city.name,
                entry.city.slug,
                entry.city.country,
                entry.position,
                entry.ranking.field_size,
                entry.score,
                *source_cells(entry.ranking.publisher, entry),
            )
            for entry in entries
        ],  # fmt: skip
        foreign_keys=[("ranking_id", "rankings", "id")],
    )


def ranking_entries(**filters):
    return (
        RankingEntry.objects.filter(**filters)
        .select_related("ranking", "city")
        .prefetch_related(live_stories())
        .order_by("ranking__slug", "ranking__year", "position", "city__name", "pk")
    )


RECOGNITION_FIELDS = [
    Field("id", "integer", "The recognition's id.", required=True),
    Field("edition_id", "integer", "The edition of the award programme.", required=True),
    Field("programme", "string", "The award programme's slug.", required=True),
    Field("year", "integer", "The edition's year.", required=True),
    Field("category", "string", "The award category.", required=True),
    Field("result", "string", "winner, finalist or special_mention.", required=True),
    Field("project_name", "string", "The recognised project, where it has a name."),
    Field("city", "string", "The recipient's city."),
    Field("city_slug", "string", "The recipient city's slug."),
    Field("organisation", "string", "The recipient organisation, when it is not the city itself."),
    *SOURCE_FIELDS,
]


def recognitions_table(recognitions):
    return Table(
        "recognitions",
        "Award recognitions",
        RECOGNITION_FIELDS,
        lambda: [recognition_row(recognition) for recognition in recognitions],
        foreign_keys=[("edition_id", "editions", "id")],
    )


def recognition_row(recognition):
    city = recognition.recipient_city
    programme = recognition.edition.programme
    return (
        recognition.pk, recognition.edition_id, programme.slug, recognition.edition.year,
        recognition.category.name, recognition.result_key, recognition.project_name,
        city.name if city else None, city.slug if city else None,
        recognition.organisation.name if recognition.organisation_id else None,
        *source_cells(programme.organiser, recognition),
    )  # fmt: skip


def recognitions(**filters):
    return (
        Recognition.objects.filter(**filters)
        .for_summary()
        .prefetch_related(live_stories())
        .order_by("edition__programme__slug", "edition__year", "category__name", "result", "pk")
    )


def ranking_table(ranking):
    """One year of a ranking, as its page shows it, with each entry's sources. Two queries."""
    return ranking_entries_table(ranking_entries(ranking=ranking))


def edition_table(edition):
    """One edition's recognitions with their sources. Two queries."""
    return recognitions_table(recognitions(edition=edition))


def portal_tables():
    """Every public table of the portal, for the data package; each reads its rows in at most three queries."""
    cities = City.objects.select_related("parent").order_by("pk")
    editions = Edition.objects.select_related("programme").prefetch_related("host_cities").order_by("pk")
    stories = Article.objects.published().only(
        "pk", "title", "slug", "published_at", "content_changed_at", "source_name", "source_url"
    )
    return [
        Table(
            "cities",
            "Cities and districts",
            [
                Field("id", "integer", "The city's id.", required=True),
                Field("slug", "string", "Its address on this site.", required=True),
                Field("name", "string", "Its name.", required=True),
                Field("country", "string", "Its country."),
                Field("parent_id", "integer", "For a district: the city it belongs to."),
            ],
            lambda: [(city.pk, city.slug, city.name, city.country, city.parent_id) for city in cities],
            foreign_keys=[("parent_id", "cities", "id")],
        ),
        Table(
            "programmes",
            "Award programmes",
            [
                Field("id", "integer", "The programme's id.", required=True),
                Field("slug", "string", "Its address on this site.", required=True),
                Field("name", "string", "Its name.", required=True),
                Field("organiser", "string", "Who runs it and publishes its results; empty when not named."),
                Field("website", "string", "Its website."),
            ],
            lambda: [(p.pk, p.slug, p.name, p.organiser, p.website) for p in AwardProgramme.objects.order_by("pk")],
        ),
        Table(
            "editions",
            "Editions of award programmes",
            [
                Field("id", "integer", "The edition's id.", required=True),
                Field("programme_id", "integer", "Its programme.", required=True),
                Field("year", "integer", "Its year.", required=True),
                Field("number", "integer", "Its number (10 for the 10th edition)."),
                Field("starts_on", "date", "Its first day."),
                Field("ends_on", "date", "Its last day."),
                Field("held_online", "boolean", "Whether it was held online.", required=True),
                Field("host_cities", "string", "The slugs of its host cities, separated by spaces."),
            ],
            lambda: [
                (
                    e.pk,
                    e.programme_id,
                    e.year,
                    e.number,
                    e.starts_on,
                    e.ends_on,
                    e.is_online,
                    " ".join(sorted(city.slug for city in e.host_cities.all())),
                )
                for e in editions
            ],  # fmt: skip
            foreign_keys=[("programme_id", "programmes", "id")],
        ),
        Table(
            "categories",
            "Award categories",
            [
                Field("id", "integer", "The category's id.", required=True),
                Field("programme_id", "integer", "Its programme.", required=True),
                Field("name", "string", "Its name.", required=True),
                Field("aliases", "string", "Other names it goes by, separated by semicolons."),
            ],
            lambda: [(c.pk, c.programme_id, c.name, "; ".join(c.aliases)) for c in Category.objects.order_by("pk")],
            foreign_keys=[("programme_id", "programmes", "id")],
        ),
        recognitions_table(recognitions()),
        Table(
            "rankings",
            "Rankings of cities, one row per year",
            [
                Field("id", "integer", "The ranking's id.", required=True),
                Field("slug", "string", "The same for every year of this ranking.", required=True),
                Field("year", "integer", "Its year.", required=True),
                Field("title", "string", "Its title.", required=True),
                Field("publisher", "string", "Who publishes it; empty when not named."),
                Field("publisher_named", "boolean", "False when our records name no publisher.", required=True),
                Field("scope", "string", "Which cities it ranks."),
                Field("field_size", "integer", "How many places it has.", required=True),
                Field("method_url", "string", "Where the publisher explains its method."),
            ],
            lambda: [
                (
                    r.pk,
                    r.slug,
                    r.year,
                    r.title,
                    r.publisher,
                    bool(r.publisher.strip()),
                    r.scope,
                    r.field_size,
                    r.method_url,
                )
                for r in Ranking.objects.order_by("pk")
            ],  # fmt: skip
        ),
        ranking_entries_table(ranking_entries()),
        Table(
            "stories",
            "Live stories",
            [
                Field("id", "integer", "The story's id.", required=True),
                Field("title", "string", "Its headline.", required=True),
                Field("url", "string", "Its page.", required=True),
                Field("published_at", "datetime", "When it went live.", required=True),
                Field("source_name", "string", "Where it came from; empty for our own reporting."),
                Field("source_url", "string", "Its source's page."),
            ],
            lambda: [
                (s.pk, s.title, absolute(s.get_absolute_url()), s.published_at, s.source_name, s.source_url)
                for s in stories.order_by("pk")
            ],
        ),
    ]


PACKAGE_DESCRIPTION = (
    "The structured facts behind our news: who won what, which city ranked where, and which story reports it. "
    "Every fact names its publisher (publisher_named is false when none is named)."
)


def package_title():
    return f"{settings.SITE_NAME}: cities, awards and rankings"


def data_package(tables):
    """The Frictionless Data Package descriptor: one CSV per table, each with its schema."""
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": package_title(),
        "description": PACKAGE_DESCRIPTION,
        "homepage": absolute(reverse("awards:datasets")),
        "licenses": [licence()],
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table.schema(),
            }
            for table in tables
        ],
    }


def catalogue_json_ld(rankings, editions):
    """schema.org ``Dataset`` for the whole portal, its rankings and editions as parts, each with its downloads."""

    def distribution(url, fmt):
        return {"@type": "DataDownload", "contentUrl": absolute(url), "encodingFormat": fmt}

    def part(name, page, dataset_url):
        return {
            "@type": "Dataset",
            "name": name,
            "url": absolute(page),
            "license": settings.OPEN_DATA_LICENCE_URL,
            "distribution": [
                distribution(dataset_url("csv"), "text/csv"),
                distribution(dataset_url("json"), "application/json"),
            ],
        }

    package_url = reverse("awards:data_package")
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": package_title(),
        "description": PACKAGE_DESCRIPTION,
        "url": absolute(reverse("awards:datasets")),
        "license": settings.OPEN_DATA_LICENCE_URL,
        "creator": {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")},
        "distribution": [distribution(package_url, "application/json")],
        "hasPart": [
            *(part(str(r), r.get_absolute_url(), r.get_dataset_url) for r in rankings),
            *(part(str(e), e.get_absolute_url(), e.get_dataset_url) for e in editions),
        ],
    }

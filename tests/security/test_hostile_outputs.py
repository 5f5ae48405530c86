"""Plain text in every output readers and their machines read: markup stays text, control characters never break XML.

The catalogue builds itself: the fields are every plain-text field of every model readers see (found by
walking the models), and the outputs are every address of the site (found by walking the URL patterns, each
filled in with one world whose every slug is "hostile"). A new field or a new feed, sitemap, CSV or page
joins these tests without anyone listing it.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.models import Tag

from articles.models import Author
from citynews.crawlers import SITEMAPS
from citynews.text import PlainTextConstraint
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
from tests.conftest import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db

READER_APPS = ("articles", "awards")
# Bookkeeping and copies kept by the application or the database, never typed by anyone.
NOT_READER_MODELS = ("HistoricalArticle", "TagTimeline", "CityTimeline")


def reader_models():
    """Every concrete model of the reader-facing apps, and the tags they use."""
    found = [
        model
        for label in READER_APPS
        for model in apps.get_app_config(label).get_models()
        if model.__name__ not in NOT_READER_MODELS
    ]
    return [*found, Tag]


def is_plain_text(field):
    """A field a person types text into: not a slug or URL (their validators refuse markup), HTML or a choice."""
    return (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField | ProseEditorField)
        and field.editable
        and not field.choices
    )


def plain_text_fields():
    return [
        (model, field) for model in reader_models() for field in model._meta.concrete_fields if is_plain_text(field)
    ]


def field_id(model, field):
    return f"{model._meta.label}.{field.name}"


FIELDS = plain_text_fields()
FIELD_IDS = [field_id(model, field) for model, field in FIELDS]


def site_patterns(patterns=None, prefix="", namespace=""):
    """(name, route converters) for every named address of the site but the admin and the media files."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                found += site_patterns(pattern.url_patterns, prefix, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name != "media":
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            # path() routes name their arguments as converters; regular expressions (the API's router) as groups.
            arguments = getattr(pattern.pattern, "converters", None) or pattern.pattern.regex.groupindex
            found.append((name, sorted(arguments)))
    return found


def output_addresses():
    """Each address once per way of filling it: the generic sitemap section once per section of the index."""
    addresses = []
    for name, arguments in site_patterns():
        if arguments == ["section"]:
            addresses += [(name, {"section": section}) for section in SITEMAPS]
        elif "fmt" in arguments:
            addresses += [(name, {"fmt": fmt, "arguments": arguments}) for fmt in ("csv", "json")]
        else:
            addresses.append((name, arguments))
    return addresses


OUTPUTS = output_addresses()
OUTPUT_IDS = [
    f"{name}{'-' + (args.get('section') or args['fmt']) if isinstance(args, dict) else ''}" for name, args in OUTPUTS
]
# What an anonymous reader gets where not 200: a draft preview is for staff only, and the metrics
# exist only for a scraper holding METRICS_TOKEN (unset here).
NOT_FOR_READERS = {
    "articles:preview": 404,
    "metrics": 404,
    # The admin's own autocomplete (labelled for namesakes) sends readers to the login page.
    "labelled_autocomplete": 302,
    # A chart image not drawn yet (it is drawn after an editor's save commits) leads to its SVG.
    "awards:rank_chart_png": 302,
    # The site's icon is a static file; /favicon.ico leads there.
    "favicon": 301,
}


@pytest.fixture
def world():
    """One of everything readers see, every slug "hostile", all in the same year and month as the story."""
    when = timezone.now() - timedelta(hours=1)
    section = make_section(slug="hostile")
    tag = Tag.objects.create(name="hostile tag", slug="hostile")
    city = make_city(slug="hostile", description="A city.")
    district = make_city(slug="hostile-district", parent=city)
    programme = make_programme(slug="hostile", organiser="Fira", description="An award.")
    edition = make_edition(programme=programme, year=when.year)
    edition.host_cities.add(city)
    recognition = make_recognition(edition, category=make_category(programme), city=city, project_name="AI-HUB")
    organisation = make_organisation(city=district)
    make_recognition(edition, category=make_category(programme), organisation=organisation, note="With partners")
    ranking = make_ranking(slug="hostile", year=when.year, method_note="Surveyed.")
    entry = make_entry(ranking, city, position=2)
    make_entry(make_ranking(slug="hostile", year=when.year - 1), city, position=5)
    author = Author.objects.create(name="A reporter", slug="hostile", bio="Covers cities.")
    article = make_article(slug="hostile", section=section, published_at=when, byline="A reporter", author=author)
    article.tags.add(tag)
    article.cities.add(city)
    article.recognitions.add(recognition)
    article.ranking_entries.add(entry)
    make_photo(article, is_lead=True)
    make_photo(article, position=1)
    # No standfirst: the summary comes from the body's text, where an editor wrote markup as text.
    from_body = make_article(
        slug="hostile-body",
        section=section,
        standfirst="",
        published_at=when - timedelta(minutes=1),
        body='<p>&lt;img src=x onerror=1 id=hbody&gt; and "quotes" &amp; more</p>',
    )
    from_body.tags.add(tag)
    from_body.cities.add(city)
    return SimpleNamespace(
        when=timezone.localtime(when),
        article=article,
        ranking=ranking,
        # The API's rows by id, for its detail addresses.
        ids={
            "api:story-detail": article.pk,
            "api:edition-detail": edition.pk,
            "api:category-detail": recognition.category_id,
            "api:recognition-detail": recognition.pk,
            "api:ranking-detail": ranking.pk,
            "api:ranking-entry-detail": entry.pk,
        },
    )


def address(world, name, arguments):
    values = {
        "slug": "hostile",
        "programme": "hostile",
        "year": world.when.year,
        "key": world.when.year,
        "month": f"{world.when.month:02d}",
        "day": f"{world.when.day:02d}",
        "pk": world.ids.get(name, world.article.pk),
        "city": "hostile",
        "ranking": "hostile",
        "table": "stories",
    }
    if isinstance(arguments, dict) and "fmt" in arguments:
        arguments = {"fmt": arguments["fmt"]} | {key: values[key] for key in arguments["arguments"] if key != "fmt"}
    kwargs = arguments if isinstance(arguments, dict) else {argument: values[argument] for argument in arguments}
    return reverse(name, kwargs=kwargs)


def marker(index):
    """Markup typed as text, short enough for the shortest field (40 characters); its id names the field."""
    return f"\"'</script><img src=x onerror=1 id=h{index:02d}>"


MARKER_ID = re.compile(r"^h(\d\d|body)$")


def fill_with_markup():
    for index, (model, field) in enumerate(FIELDS):
        model._default_manager.update(**{field.name: marker(index)})
    return {field_id(model, field): marker(index) for index, (model, field) in enumerate(FIELDS)}


HTML_TYPED_RSS = {"description", "{http://purl.org/rss/1.0/modules/content/}encoded"}


def html_typed(element):
    """Elements a feed reader renders as HTML: RSS descriptions and content, Atom constructs of type html."""
    return element.tag in HTML_TYPED_RSS or element.get("type") == "html"


def live_markup(soup):
    return [element for element in soup.find_all(True) if MARKER_ID.match(element.get("id") or "")]


def read_output(response):
    """(markup that came alive, the texts a reader or a machine reads) of one response, parsed strictly."""
    kind = response["Content-Type"].split(";")[0]
    texts, alive = [], []
    if kind == "text/html":
        soup = BeautifulSoup(response.content, "html5lib", from_encoding=response.charset)
        alive += live_markup(soup)
        texts.append(soup.get_text())
        texts += [str(value) for element in soup.find_all(True) for value in element.attrs.values()]
        for script in soup.select('script[type="application/ld+json"]'):
            texts.append(json.dumps(json.loads(script.string), ensure_ascii=False))
    elif kind.endswith("xml"):
        root = ET.fromstring(response.content)  # expat: a character XML cannot carry is an error here
        for element in root.iter():
            if html_typed(element):
                fragment = BeautifulSoup(element.text or "", "html5lib")
                alive += live_markup(fragment)
                texts.append(fragment.get_text())
            else:
                texts.append(element.text or "")
                texts += element.attrib.values()
    elif kind == "text/csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        texts += [cell for row in rows for cell in row]
    else:
        texts.append(response.content.decode())
    return alive, texts


def fetch(client, world, name, arguments, query=""):
    response = client.get(address(world, name, arguments), {"q": query} if query else {})
    assert response.status_code == NOT_FOR_READERS.get(name, 200), (name, response.status_code)
    return response


@pytest.mark.parametrize(("name", "arguments"), OUTPUTS, ids=OUTPUT_IDS)
def test_markup_typed_as_text_stays_text_in_every_output(world, name, arguments):
    markers = fill_with_markup()
    response = fetch(Client(raise_request_exception=False), world, name, arguments, query=markers[FIELD_IDS[0]])
    alive, _ = read_output(response)
    leaked = sorted({MARKER_ID.match(element["id"]).group(1) for element in alive})
    assert leaked == [], [FIELD_IDS[int(key)] if key.isdigit() else "the text taken from a body" for key in leaked]


def test_every_plain_text_field_reaches_readers_as_its_own_characters(world):
    """The control for the test above: each field's text is found, as text, in some output (or is listed why not)."""
    markers = fill_with_markup()
    client = Client(raise_request_exception=False)
    seen = []
    for name, arguments in OUTPUTS:
        seen += read_output(fetch(client, world, name, arguments, query=markers[FIELD_IDS[0]]))[1]
    everything = "\n".join(seen)
    assert [field for field, text in markers.items() if text not in everything] == []
    # And the text taken from a body with no standfirst.
    assert '<img src=x onerror=1 id=hbody> and "quotes" & more' in everything


@pytest.fixture
def rows_from_before_the_rule():
    """The database as it was before the text rule: the constraints that refuse control characters set aside.

    PostgreSQL drops them inside the test's transaction (rolled back with it); SQLite ignores CHECK constraints
    for the connection until the test ends.
    """
    constraints = [
        (model._meta.db_table, constraint.name)
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, PlainTextConstraint)
    ]
    assert constraints
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Checked now rather than at the end of the test's transaction: ALTER TABLE waits for no deferred check.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name in constraints:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


# A vertical tab, a C1 control, a noncharacter and an escape: what broke the feeds and the news sitemap.
CONTROLS = "\x0b\x85\uffff\x1b"


def fill_with_controls(world):
    for index, (model, field) in enumerate(FIELDS):
        model._default_manager.update(**{field.name: f"Field{CONTROLS}{index}"})
    # The body is HTML, not plain text, but its characters reach the feeds too.
    type(world.article).objects.update(body=f"<p>Body{CONTROLS}text</p>")


@pytest.mark.parametrize(("name", "arguments"), OUTPUTS, ids=OUTPUT_IDS)
def test_rows_saved_before_the_rule_give_well_formed_outputs(world, rows_from_before_the_rule, name, arguments):
    fill_with_controls(world)
    assert world.article.__class__.objects.filter(title__contains="\x0b").exists()
    response = fetch(Client(raise_request_exception=False), world, name, arguments)
    _, texts = read_output(response)  # an XML output that does not parse fails here
    kind = response["Content-Type"].split(";")[0]
    if kind.endswith("xml"):
        assert not any(character in text for text in texts for character in CONTROLS)
    if kind == "text/html":
        page = BeautifulSoup(response.content, "html5lib", from_encoding=response.charset)
        for script in page.select('script[type="application/ld+json"]'):
            strings = json_strings(json.loads(script.string))
            assert strings and not any(character in text for text in strings for character in CONTROLS)


def json_strings(value):
    if isinstance(value, dict):
        return [text for item in value.values() for text in json_strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in json_strings(item)]
    return [value] if isinstance(value, str) else []


# Our own models; the tags' model belongs to django-taggit, and the article form checks tag names (below).
OWN_FIELDS = [(model, field) for model, field in FIELDS if model._meta.app_label in READER_APPS]
OWN_FIELD_IDS = [field_id(model, field) for model, field in OWN_FIELDS]
FORBIDDEN = ["\x0b", "\x00", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\ud800"]


@pytest.mark.parametrize(("model", "field"), OWN_FIELDS, ids=OWN_FIELD_IDS)
def test_every_plain_text_field_refuses_control_characters(world, model, field):
    instance = model._default_manager.first()
    for character in FORBIDDEN:
        setattr(instance, field.name, f"Before{character}after")
        with pytest.raises(ValidationError) as refused:
            instance.full_clean()
        assert f"U+{ord(character):04X}" in " ".join(refused.value.message_dict[field.name])


@pytest.mark.parametrize(("model", "field"), OWN_FIELDS, ids=OWN_FIELD_IDS)
def test_line_breaks_only_where_the_field_has_lines(world, model, field):
    instance = model._default_manager.first()
    setattr(instance, field.name, "First line\r\nsecond line\twith a tab")
    if isinstance(field, models.TextField):
        instance.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            instance.full_clean()
        assert "line break" in " ".join(refused.value.message_dict[field.name])


def guarded_by_the_database(model, field):
    return any(
        isinstance(constraint, PlainTextConstraint) and constraint.name.endswith(f"_{field.name}_plain_text")
        for constraint in model._meta.constraints
    )


def test_the_database_guards_every_field_of_our_own_models():
    assert [field_id(model, field) for model, field in OWN_FIELDS if not guarded_by_the_database(model, field)] == []


@pytest.mark.parametrize(("model", "field"), OWN_FIELDS, ids=OWN_FIELD_IDS)
def test_the_database_refuses_control_characters_saved_around_the_forms(world, model, field):
    for text in ("Before\x0bafter", "Before\uffffafter", "Before\x85after"):
        with pytest.raises(IntegrityError), transaction.atomic():
            model._default_manager.update(**{field.name: text})
    if not isinstance(field, models.TextField):
        with pytest.raises(IntegrityError), transaction.atomic():
            model._default_manager.update(**{field.name: "First line\nsecond line"})

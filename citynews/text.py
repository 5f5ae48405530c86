"""
The one rule for plain text: which characters it may hold, and how it goes into markup.

Plain text is what a person types into a title, a standfirst, a name, a caption or alt text, and what the
importers read from partner sites. It never holds markup: ``<img onerror=…>`` typed into a standfirst is
those characters, on every page and in every output.

- **Characters.** Text holds no C0 or C1 control characters (tab, and line breaks in multi-line fields,
  excepted), no Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two of every plane) and
  no lone surrogates. Forms refuse them with a message (``validate_single_line``, ``validate_multi_line``,
  the models' validators); the importers drop them and say so (``without_control_characters``); outputs
  drop them too (``xml_text``), so that a row saved before the rule existed still gives well-formed XML.
- **Into markup.** Where an output declares a text field to be HTML (RSS ``<description>``, Atom
  ``<summary type="html">``), the text is escaped once for HTML (``as_html``) before the feed writer
  escapes it again for XML: a feed reader then shows the characters, never a tag. Where an output treats
  the field as text (titles, Atom text constructs, sitemap titles, JSON-LD strings, the SVG charts, CSV
  cells), the writer's own escaping is the only one, and only ``xml_text`` applies.
"""

import re

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import CheckConstraint, Q
from django.utils.html import escape

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; noncharacters; surrogates.
_MULTI_LINE_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
MULTI_LINE_FORBIDDEN = re.compile(f"[{_MULTI_LINE_FORBIDDEN}]")
# A one-line field (a title, a name) holds no line breaks either; a tab is kept (pasted from spreadsheets).
SINGLE_LINE_FORBIDDEN = re.compile(f"[{_MULTI_LINE_FORBIDDEN}\n\r\u2028\u2029]")

# The same sets as regular expressions that both PostgreSQL (ARE) and SQLite (Django's Python REGEXP) read
# alike, for the models' CheckConstraints: \uXXXX and \UXXXXXXXX escapes, no literal control characters.
# PostgreSQL text cannot hold NUL or surrogates at all, so those ranges start where it can; the noncharacters
# beyond the first plane, which XML can carry, are left to the validators to keep the expression short.
_CONSTRAINT_CLASS = r"\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff"
MULTI_LINE_CONSTRAINT_REGEX = f"[{_CONSTRAINT_CLASS}]"
SINGLE_LINE_CONSTRAINT_REGEX = rf"[{_CONSTRAINT_CLASS}\u000a\u000d\u2028\u2029]"


def describe(character):
    return f"U+{ord(character):04X}"


def _refuse(pattern, value, where):
    found = pattern.search(value or "")
    if found:
        raise ValidationError(
            "This text contains an invisible control character (%(character)s)%(where)s: retype it, "
            "or paste it again as plain text.",
            code="control_character",
            params={"character": describe(found.group()), "where": where},
        )


def validate_multi_line(value):
    """For a text area (a standfirst, a description): line breaks and tabs are fine."""
    _refuse(MULTI_LINE_FORBIDDEN, value, "")


def validate_single_line(value):
    """For a one-line field (a title, a name, alt text): no line breaks either."""
    _refuse(SINGLE_LINE_FORBIDDEN, value, " or a line break")


class PlainTextConstraint(CheckConstraint):
    """The database's own refusal of a forbidden character in ``field`` (PostgreSQL and SQLite alike).

    Model validation does not run it as an extra query per field: the field's validator has already
    given the person a message for the same rule.
    """

    def __init__(self, *, field=None, multi_line=False, condition=None, name=None, **kwargs):
        if condition is None:
            pattern = MULTI_LINE_CONSTRAINT_REGEX if multi_line else SINGLE_LINE_CONSTRAINT_REGEX
            condition = ~Q(**{f"{field}__regex": pattern})
        super().__init__(condition=condition, name=name, **kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        return


def plain_text_constraints(prefix, single_line=(), multi_line=()):
    fields = [(name, False) for name in single_line] + [(name, True) for name in multi_line]
    return [
        PlainTextConstraint(field=name, multi_line=multi, name=f"{prefix}_{name}_plain_text") for name, multi in fields
    ]


def without_control_characters(text, multi_line=True):
    """``text`` with what the rule forbids removed (a line break in one-line text becomes a space)."""
    if not text:
        return text
    if not multi_line:
        text = re.sub(r"\s*[\r\n\u2028\u2029]+\s*", " ", text)
    return MULTI_LINE_FORBIDDEN.sub("", text)


def forbidden_characters(text, multi_line=True):
    """The distinct forbidden characters in ``text``, as "U+000B, U+FFFF", for an importer's note."""
    pattern = MULTI_LINE_FORBIDDEN if multi_line else SINGLE_LINE_FORBIDDEN
    return ", ".join(describe(character) for character in dict.fromkeys(pattern.findall(text or "")))


def xml_text(text):
    """``text`` with every character XML 1.0 cannot carry (and every other one the rule forbids) removed."""
    return MULTI_LINE_FORBIDDEN.sub("", text) if isinstance(text, str) else text


def as_html(text):
    """Plain ``text`` for a field an output declares to be HTML: its characters, never a tag."""
    return escape(xml_text(text))


def clean_stored_rows(model, single_line=(), multi_line=()):
    """Remove forbidden characters from rows saved before the rule existed (for data migrations).

    Returns how many rows changed. A unique name that would clash with another row once cleaned gets the
    row's id after it, so the migration never fails on a newsroom's old data.
    """
    fields = [*single_line, *multi_line]
    unique = {name for name in fields if model._meta.get_field(name).unique}
    changed = []
    for row in model._default_manager.only("pk", *fields).iterator():
        before = [getattr(row, name) for name in fields]
        for name in fields:
            value = without_control_characters(getattr(row, name), multi_line=name in multi_line)
            if name in unique and model._default_manager.filter(**{name: value}).exclude(pk=row.pk).exists():
                value = f"{value} ({row.pk})"
            setattr(row, name, value)
        if [getattr(row, name) for name in fields] != before:
            changed.append(row)
    model._default_manager.bulk_update(changed, fields, batch_size=500)
    return len(changed)

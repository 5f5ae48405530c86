"""
Plain-text stories from partner sites, turned into draft articles.

A story file is UTF-8 text in this shape (blank lines separate paragraphs)::

    Site name
    Headline
    From: Source name
    Updated: 2020-11-20 13:11

    First paragraph.

    IMG_001.png

    Caption of the photo above.

    More paragraphs.

    -

``parse_story`` is pure: text in, ``ParsedStory`` out, or ``MalformedStory`` naming
the line that is wrong. ``create_draft`` writes a parsed story as a draft Article;
photos found next to the story file go through the same checks as the admin's
uploads, and a missing one leaves a visible note in the body for the editor.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import format_html
from django.utils.text import Truncator, slugify

from citynews.text import SINGLE_LINE_FORBIDDEN, describe, without_control_characters

from .images import PhotoNotStored, inspect_upload
from .models import Article, Photo
from .uncommitted_files import removed_on_failure

MAX_STORY_BYTES = 1_000_000
UPDATED_FORMAT = "%Y-%m-%d %H:%M"
STANDFIRST_LENGTH = 300
# A paragraph right after an image line is its caption only if it is short enough to be one.
CAPTION_LENGTH = Photo._meta.get_field("caption").max_length
TITLE_LENGTH = Article._meta.get_field("title").max_length
SOURCE_LENGTH = Article._meta.get_field("source_name").max_length
SLUG_LENGTH = Article._meta.get_field("slug").max_length
ALT_TEXT_LENGTH = Photo._meta.get_field("alt_text").max_length

FROM_LINE = re.compile(r"From\s*[:：]\s*(?P<value>.*)", re.IGNORECASE)  # sources in China may use a full-width colon
UPDATED_LINE = re.compile(r"Updated\s*[:：]\s*(?P<value>.*)", re.IGNORECASE)
UPDATED_VALUE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
IMAGE_LINE = re.compile(r"\S.{0,250}\.(?:png|jpe?g|gif|webp)", re.IGNORECASE)
END_MARK = re.compile(r"[-–—\s]+")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class MalformedStory(ValueError):
    """The story file cannot be imported; the message says where and why."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int


@dataclass(frozen=True)
class StoryImage:
    file_name: str
    line: int
    caption: str = ""


@dataclass(frozen=True)
class ParsedStory:
    site: str
    title: str
    source_name: str
    updated_at: datetime
    blocks: tuple[Paragraph | StoryImage, ...]
    # What the import changed in the text on its way in, for the report ("line 6: removed U+000B").
    notes: tuple[str, ...] = ()

    @property
    def paragraphs(self):
        return [block.text for block in self.blocks if isinstance(block, Paragraph)]

    @property
    def images(self):
        return [block for block in self.blocks if isinstance(block, StoryImage)]


@dataclass
class ImportedDraft:
    article: Article
    photos_imported: list[StoryImage] = field(default_factory=list)
    photos_missing: list[StoryImage] = field(default_factory=list)


def read_story(path):
    """The bytes of the story file at ``path``, refusing what cannot be a story."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_STORY_BYTES:
            raise MalformedStory(f"the file is {size:,} bytes; a story must be under {MAX_STORY_BYTES:,}")
        return path.read_bytes()
    except OSError as error:
        raise MalformedStory(f"cannot read the file: {error.strerror or error}") from None


def decode_story(data):
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MalformedStory(
            f"line {line}: byte 0x{data[error.start]:02x} is not UTF-8 text; save the story as UTF-8"
        ) from None


def _quote(text, length=60):
    return f'"{Truncator(text).chars(length)}"' if text else "the end of the file"


def _parse_updated(line_number, value, source_tz):
    problem = f'line {line_number}: invalid "Updated:" time "{value}": expected YYYY-MM-DD HH:MM'
    if not UPDATED_VALUE.fullmatch(value):
        raise MalformedStory(problem)
    try:
        local = datetime.strptime(value, UPDATED_FORMAT)
    except ValueError:
        raise MalformedStory(f"{problem}, a real date and time") from None
    aware = local.replace(tzinfo=source_tz)
    # A wall-clock time skipped when the clocks went forward would silently shift by an hour.
    if aware.astimezone(UTC).astimezone(source_tz).replace(tzinfo=None) != local:
        raise MalformedStory(f'line {line_number}: "Updated:" time {value} does not exist in {source_tz}')
    return aware.astimezone(UTC)


def _parse_header(lines, source_tz):
    """Return (site, title, source name, updated time, index of the first body line).

    The header is the first four non-blank lines; blank lines between them are tolerated.
    """
    header = [(index + 1, line) for index, line in enumerate(lines) if line][:4]
    if not header:
        raise MalformedStory("the file is empty")

    def line_at(position):
        return header[position] if position < len(header) else (header[-1][0] + 1, "")

    site_number, site = line_at(0)
    title_number, title = line_at(1)
    for number, text in ((site_number, site), (title_number, title)):
        if not text or FROM_LINE.fullmatch(text) or UPDATED_LINE.fullmatch(text):
            raise MalformedStory(
                f"line {number}: missing title: expected the site name, then the headline, "
                f'before the "From:" line; found {_quote(text)}'
            )
    if len(title) > TITLE_LENGTH:
        raise MalformedStory(f"line {title_number}: the title is {len(title)} characters; the limit is {TITLE_LENGTH}")

    from_number, from_text = line_at(2)
    source = FROM_LINE.fullmatch(from_text)
    if not source:
        raise MalformedStory(
            f'line {from_number}: missing "From:" line: expected "From: <source name>", found {_quote(from_text)}'
        )
    source_name = source["value"].strip()
    if not source_name:
        raise MalformedStory(f'line {from_number}: invalid "From:" line: it names no source')
    if len(source_name) > SOURCE_LENGTH:
        raise MalformedStory(
            f"line {from_number}: the source name is {len(source_name)} characters; the limit is {SOURCE_LENGTH}"
        )

    updated_number, updated_text = line_at(3)
    updated = UPDATED_LINE.fullmatch(updated_text)
    if not updated:
        raise MalformedStory(
            f'line {updated_number}: missing "Updated:" line: expected "Updated: YYYY-MM-DD HH:MM", '
            f"found {_quote(updated_text)}"
        )
    updated_at = _parse_updated(updated_number, updated["value"].strip(), source_tz)
    return site, title, source_name, updated_at, updated_number


def _parse_body(lines, first_index):
    blocks, pending, pending_line = [], [], None

    def flush():
        text = re.sub(r"\s{2,}", " ", " ".join(pending))
        if pending and not END_MARK.fullmatch(text):  # the sources end with a lone "-"
            blocks.append(Paragraph(text, pending_line))
        pending.clear()

    for index in range(first_index, len(lines)):
        line = lines[index]
        if not line:
            flush()
        elif IMAGE_LINE.fullmatch(line):
            flush()
            if "/" in line or "\\" in line:
                raise MalformedStory(f'line {index + 1}: image "{line}" must be a file name without a folder')
            blocks.append(StoryImage(line, index + 1))
        else:
            if not pending:
                pending_line = index + 1
            pending.append(line)
    flush()

    # The short paragraph right after an image line is that image's caption.
    story = []
    for block in blocks:
        previous = story[-1] if story else None
        is_caption = (
            isinstance(block, Paragraph)
            and isinstance(previous, StoryImage)
            and not previous.caption
            and len(block.text) <= CAPTION_LENGTH
        )
        if is_caption:
            story[-1] = replace(previous, caption=block.text)
        else:
            story.append(block)
    return tuple(story)


def parse_story(source, source_tz):
    """Parse a story (``bytes`` in UTF-8, or ``str``); times in ``source_tz`` come back in UTC."""
    text = decode_story(source) if isinstance(source, bytes) else source.removeprefix("\ufeff")
    lines, notes = [], []
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        # Scraped pages carry stray control characters (a vertical tab from a word processor): the text
        # rule drops them, and the report says where, so an editor can check the line.
        removed = dict.fromkeys(SINGLE_LINE_FORBIDDEN.findall(line))
        if removed:
            notes.append(f"line {number}: removed the invisible character {', '.join(map(describe, removed))}")
        lines.append(without_control_characters(line, multi_line=False).strip())
    site, title, source_name, updated_at, body_index = _parse_header(lines, source_tz)
    blocks = _parse_body(lines, body_index)
    if not any(isinstance(block, Paragraph) for block in blocks):
        raise MalformedStory(f'line {body_index + 1} onwards: no body paragraphs after the "Updated:" line')
    return ParsedStory(site, title, source_name, updated_at, blocks, tuple(notes))


def find_photo_file(folder, file_name):
    """The file named ``file_name`` in ``folder``, in either Unicode normal form, or None."""
    if folder is None:
        return None
    for name in dict.fromkeys(
        [file_name, unicodedata.normalize("NFC", file_name), unicodedata.normalize("NFD", file_name)]
    ):
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def locate_photos(parsed, folder):
    """Map each image line to its file next to the story (or None), checking each file like an upload."""
    found = {}
    for image in parsed.images:
        path = find_photo_file(folder, image.file_name)
        if path is not None:
            with path.open("rb") as handle:
                try:
                    inspect_upload(File(handle, name=image.file_name))
                except ValidationError as error:
                    raise MalformedStory(f"line {image.line}: {image.file_name}: {' '.join(error.messages)}") from None
        found[image] = path
    return found


def make_standfirst(text, length=STANDFIRST_LENGTH):
    """``text`` cut to ``length`` characters, at a word boundary when there is one nearby."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    space = cut.rfind(" ")
    if space > length // 2:  # scripts written without spaces are cut where the limit falls
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def unique_slug(title):
    base = slugify(title, allow_unicode=True)[:SLUG_LENGTH].strip("-") or "story"
    slug, number = base, 2
    while Article.objects.filter(slug=slug).exists():
        suffix = f"-{number}"
        slug = base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug


def _validated(instance, context=""):
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise MalformedStory(f"{context}{problems}") from None
    return instance


def _missing_photo_note(image):
    if image.caption:
        return format_html(
            "<p><strong>Photo missing: {}</strong> (line {} of the source). Its caption: {}</p>",
            image.file_name,
            image.line,
            image.caption,
        )
    return format_html(
        "<p><strong>Photo missing: {}</strong> (line {} of the source).</p>", image.file_name, image.line
    )


@removed_on_failure()
def create_draft(parsed, *, folder=None, section=None):
    """Save ``parsed`` as a draft Article with the photos found in ``folder``; all or nothing."""
    photo_files = locate_photos(parsed, folder)  # before any write, so a bad photo saves nothing
    result_photos, missing, body = [], [], []
    for block in parsed.blocks:
        if isinstance(block, Paragraph):
            body.append(format_html("<p>{}</p>", block.text))
        elif photo_files[block] is None:
            missing.append(block)
            body.append(_missing_photo_note(block))
        else:
            result_photos.append(block)

    article = _validated(
        Article(
            title=parsed.title,
            slug=unique_slug(parsed.title),
            standfirst=make_standfirst(parsed.paragraphs[0]),
            body="\n".join(body),
            source_name=parsed.source_name,
            source_updated_at=parsed.updated_at,
            section=section,
            status=Article.Status.DRAFT,
            published_at=None,
        )
    )
    article.save()

    for position, image in enumerate(result_photos):
        photo = Photo(
            article=article,
            # Only a first guess: a caption says what a photo is about, alt text what it shows.
            alt_text=Truncator(image.caption or f"Photo for “{parsed.title}”").chars(ALT_TEXT_LENGTH),
            caption=image.caption,
            credit=Truncator(parsed.source_name).chars(Photo._meta.get_field("credit").max_length),
            is_lead=position == 0,
            position=position,
        )
        photo.image = SimpleUploadedFile(image.file_name, photo_files[image].read_bytes())
        try:
            _validated(photo, f"line {image.line}: {image.file_name}: ").save()
        except PhotoNotStored as error:
            raise MalformedStory(f"line {image.line}: {error}") from None
    return ImportedDraft(article, result_photos, missing)

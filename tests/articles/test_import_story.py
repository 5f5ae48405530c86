"""manage.py import_story and the parser behind it, on sample stories written for these tests."""

import io
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image, PngImagePlugin

from articles.importer import MalformedStory, StoryImage, make_standfirst, parse_story
from articles.models import Article, Photo
from tests.conftest import make_article, make_section, parse

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
GOOD = SAMPLES / "riverton-night-bus-2020.txt"
TITLE = "Riverton’s night-bus app wins regional innovation prize"
PHOTO_NAME = "IMG_001_副本.png"
CAPTION = "Riders waiting for the Owl Line at Harbour Square."
PARAGRAPHS = [
    "Riverton’s “Owl Line” night-bus app took the Mobility Innovation Prize at the Lakes Region Digital Forum "
    "on Thursday.",
    "The app shows riders where each night bus is and how full it is, and lets them ask the driver to stop "
    "between regular stops after midnight.",
    "City officials said 40,000 people used the app in its first year, more than twice what the transport office "
    "had planned for.",
    "The forum’s jury praised the “quiet, practical” design and the decision to publish the bus data openly.",
]
HEADER = "Riverton City Portal\nLibrary opening hours extended\nFrom: Riverton Evening Post\n"


def import_story(*args):
    """Run the command; return (stdout, stderr, the CommandError or None)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_story", *map(str, args), stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def write_story(folder, text, name="story.txt"):
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def body_paragraphs(article):
    return [p.get_text() for p in BeautifulSoup(article.body, "html5lib").select("p")]


def png_with_metadata(size=(900, 600)):
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "22.54N 114.05E")
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 110, 70)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def test_good_story_becomes_a_draft_with_its_source_and_paragraphs():
    stdout, stderr, error = import_story(GOOD)
    assert error is None and stderr == ""
    article = Article.objects.get()
    assert stdout.splitlines()[0] == (
        f"{GOOD}: created draft «{TITLE}» (id {article.pk}), 4 paragraphs, 0 photos imported, 1 photo missing"
    )
    assert "  source updated 2020-11-20 13:11 Asia/Shanghai = 2020-11-20 05:11 UTC" in stdout.splitlines()
    assert article.title == TITLE
    assert article.slug == "rivertons-night-bus-app-wins-regional-innovation-prize"
    assert article.source_name == "Riverton Evening Post"
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.source_updated_at == datetime(2020, 11, 20, 5, 11, tzinfo=UTC)
    assert article.standfirst == PARAGRAPHS[0]
    assert article.section is None
    assert body_paragraphs(article) == [
        *PARAGRAPHS[:2],
        f"Photo missing: {PHOTO_NAME} (line 12 of the source). Its caption: {CAPTION}",
        *PARAGRAPHS[2:],
    ]
    assert not Photo.objects.exists()


def test_imported_draft_is_hidden_from_readers_and_previewed_for_editors(editor_client):
    live = make_article(title="Already live")
    import_story(GOOD)
    article = Article.objects.get(title=TITLE)
    reader = Client()
    home = reader.get("/")
    assert home.status_code == 200
    assert [a.get_text(strip=True) for a in parse(home).select("main .card__title a")] == [live.title]
    assert reader.get(article.get_absolute_url()).status_code == 404

    preview = editor_client.get(article.get_absolute_url())
    assert preview.status_code == 200
    story = parse(preview).select_one("main article.story")
    assert story.h1.get_text(strip=True) == TITLE
    notes = [p.get_text() for p in story.select("p") if p.get_text().startswith("Photo missing:")]
    assert notes == [f"Photo missing: {PHOTO_NAME} (line 12 of the source). Its caption: {CAPTION}"]


def test_parser_reads_the_shape_of_a_story():
    story = parse_story(GOOD.read_bytes(), ZoneInfo("Asia/Shanghai"))
    assert story.site == "Riverton City Portal"
    assert story.title == TITLE
    assert story.source_name == "Riverton Evening Post"
    assert story.paragraphs == PARAGRAPHS
    assert story.images == [StoryImage(PHOTO_NAME, 12, CAPTION)]


@pytest.mark.parametrize(
    ("zone", "expected_utc"),
    [
        ("Asia/Shanghai", datetime(2020, 11, 20, 5, 11, tzinfo=UTC)),
        ("Europe/Madrid", datetime(2020, 11, 20, 12, 11, tzinfo=UTC)),
        ("America/New_York", datetime(2020, 11, 20, 18, 11, tzinfo=UTC)),
    ],
)
def test_updated_time_is_read_in_the_source_time_zone(zone, expected_utc):
    story = parse_story(GOOD.read_text(encoding="utf-8"), ZoneInfo(zone))
    assert story.updated_at == expected_utc
    assert story.updated_at.utcoffset().total_seconds() == 0


def test_source_timezone_option_and_setting(settings):
    _, _, error = import_story(GOOD, "--source-timezone", "Europe/Madrid")
    assert error is None
    assert Article.objects.get().source_updated_at == datetime(2020, 11, 20, 12, 11, tzinfo=UTC)

    settings.IMPORT_SOURCE_TIME_ZONE = "UTC"
    stdout, _, error = import_story(GOOD)
    assert error is None
    assert Article.objects.latest("id").source_updated_at == datetime(2020, 11, 20, 13, 11, tzinfo=UTC)
    assert "  source updated 2020-11-20 13:11 UTC = 2020-11-20 13:11 UTC" in stdout.splitlines()


def test_summer_time_is_taken_into_account(tmp_path):
    path = write_story(tmp_path, HEADER + "Updated: 2021-07-01 09:30\n\nThe library opens later.\n")
    import_story(path, "--source-timezone", "Europe/Madrid")
    assert Article.objects.get().source_updated_at == datetime(2021, 7, 1, 7, 30, tzinfo=UTC)


def test_a_time_skipped_by_the_clock_change_is_rejected(tmp_path):
    path = write_story(tmp_path, HEADER + "Updated: 2021-03-28 02:30\n\nThe library opens later.\n")
    _, stderr, error = import_story(path, "--source-timezone", "Europe/Madrid")
    assert error is not None
    assert stderr == f'{path}: rejected: line 4: "Updated:" time 2021-03-28 02:30 does not exist in Europe/Madrid\n'
    assert not Article.objects.exists()


def test_unknown_time_zone_is_a_usage_error():
    with pytest.raises(CommandError, match='Unknown time zone "Mars/Olympus"'):
        call_command("import_story", str(GOOD), "--source-timezone", "Mars/Olympus", stdout=io.StringIO())
    assert not Article.objects.exists()


def test_photo_next_to_the_story_is_imported_and_re_encoded(tmp_path, settings):
    story = shutil.copy(GOOD, tmp_path / GOOD.name)
    original = png_with_metadata()
    (tmp_path / PHOTO_NAME).write_bytes(original)

    stdout, stderr, error = import_story(story)

    assert error is None and stderr == ""
    article = Article.objects.get()
    lines = stdout.splitlines()
    assert lines[0].endswith("4 paragraphs, 1 photo imported, 0 photos missing")
    assert lines[2] == (
        f"  photo imported: {PHOTO_NAME} (line 12); its alt text was taken from the caption: "
        "an editor must review it before publishing"
    )
    photo = article.photos.get()
    assert (photo.alt_text, photo.caption, photo.credit) == (CAPTION, CAPTION, "Riverton Evening Post")
    assert photo.is_lead and (photo.width, photo.height) == (900, 600)
    assert PHOTO_NAME not in photo.image.name and photo.image.name.endswith(".png")
    assert [r["width"] for r in photo.renditions] == [320, 640, 900]
    stored = Path(settings.MEDIA_ROOT) / photo.image.name
    assert stored.read_bytes() != original
    with Image.open(stored) as image:
        assert image.size == (900, 600) and "Location" not in image.info
    assert body_paragraphs(article) == PARAGRAPHS


def test_photo_file_that_is_not_an_image_rejects_the_story(tmp_path, settings):
    story = shutil.copy(GOOD, tmp_path / GOOD.name)
    (tmp_path / PHOTO_NAME).write_bytes(b"<html>this is not a picture</html>")

    stdout, stderr, error = import_story(story)

    assert str(error) == "1 of 1 file rejected; nothing was saved from it."
    assert stdout == ""
    assert stderr == (
        f"{story}: rejected: line 12: {PHOTO_NAME}: This is not a readable JPEG, PNG, WebP or GIF image.\n"
    )
    assert not Article.objects.exists() and not Photo.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n\r\n\t\n", "the file is empty"),
        (
            (SAMPLES / "malformed-no-from.txt").read_bytes(),
            'line 3: missing "From:" line: expected "From: <source name>", found "Posted by: Riverton Evening Post"',
        ),
        (HEADER.replace("Riverton Evening Post", "  ").encode(), 'line 3: invalid "From:" line: it names no source'),
        (
            (SAMPLES / "malformed-bad-date.txt").read_bytes(),
            'line 4: invalid "Updated:" time "2021-02-30 09:30": expected YYYY-MM-DD HH:MM, a real date and time',
        ),
        (
            (HEADER + "Updated: 20 Nov 2020, 1:11 pm\n\nText.\n").encode(),
            'line 4: invalid "Updated:" time "20 Nov 2020, 1:11 pm": expected YYYY-MM-DD HH:MM',
        ),
        (
            (HEADER + "\nText.\n").encode(),
            'line 5: missing "Updated:" line: expected "Updated: YYYY-MM-DD HH:MM", found "Text."',
        ),
        (
            HEADER.encode(),
            'line 4: missing "Updated:" line: expected "Updated: YYYY-MM-DD HH:MM", found the end of the file',
        ),
        (
            b"Riverton City Portal\n\n",
            "line 2: missing title: expected the site name, then the headline, "
            'before the "From:" line; found the end of the file',
        ),
        (
            b"Riverton City Portal\nFrom: Riverton Evening Post\nUpdated: 2021-03-02 09:30\n\nText.\n",
            'line 2: missing title: expected the site name, then the headline, before the "From:" line; '
            'found "From: Riverton Evening Post"',
        ),
        (
            (SAMPLES / "malformed-no-paragraphs.txt").read_bytes(),
            'line 5 onwards: no body paragraphs after the "Updated:" line',
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "line 1: byte 0x89 is not UTF-8 text; save the story as UTF-8",
        ),
        (
            (HEADER + "Updated: 2021-03-02 09:30\n\nCaf\xe9 opens.\n").encode("latin-1"),
            "line 6: byte 0xe9 is not UTF-8 text; save the story as UTF-8",
        ),
        (
            (HEADER + "Updated: 2021-03-02 09:30\n\nText.\n\n../../secret.png\n").encode(),
            'line 8: image "../../secret.png" must be a file name without a folder',
        ),
        (
            ("Riverton City Portal\n" + "A" * 201 + "\nFrom: Post\nUpdated: 2021-03-02 09:30\n\nText.\n").encode(),
            "line 2: the title is 201 characters; the limit is 200",
        ),
    ],
)
def test_malformed_story_is_rejected_with_its_reason_and_nothing_saved(tmp_path, content, reason):
    path = write_story(tmp_path, content)
    stdout, stderr, error = import_story(path)
    assert stderr == f"{path}: rejected: {reason}\n"
    assert stdout == ""
    assert str(error) == "1 of 1 file rejected; nothing was saved from it."
    assert not Article.objects.exists()


def test_parser_raises_malformed_story_a_value_error():
    with pytest.raises(ValueError, match="the file is empty") as caught:
        parse_story("\ufeff\n", ZoneInfo("Asia/Shanghai"))
    assert caught.type is MalformedStory


def test_unreadable_path_is_rejected(tmp_path):
    _, stderr, error = import_story(tmp_path / "nowhere.txt")
    assert error is not None
    assert stderr == f"{tmp_path / 'nowhere.txt'}: rejected: cannot read the file: No such file or directory\n"


def test_one_bad_file_does_not_stop_the_good_one(tmp_path):
    bad = SAMPLES / "malformed-bad-date.txt"
    stdout, stderr, error = import_story(bad, GOOD)
    assert str(error) == "1 of 2 files rejected; nothing was saved from it."
    assert stderr.startswith(f"{bad}: rejected: line 4: ")
    assert stdout.startswith(f"{GOOD}: created draft «{TITLE}»")
    assert list(Article.objects.values_list("title", flat=True)) == [TITLE]


def test_byte_order_mark_windows_line_ends_and_a_spaced_header_are_accepted(tmp_path):
    text = "\n\n" + GOOD.read_text(encoding="utf-8").replace("From:", "\nFrom:").replace("\n", "\r\n")
    path = write_story(tmp_path, "\ufeff".encode() + text.encode("utf-8"))
    _, stderr, error = import_story(path)
    assert error is None and stderr == ""
    article = Article.objects.get()
    assert article.title == TITLE and body_paragraphs(article)[:2] == PARAGRAPHS[:2]


def test_same_title_gets_a_distinct_slug():
    for _ in range(3):
        import_story(GOOD)
    slug = "rivertons-night-bus-app-wins-regional-innovation-prize"
    assert list(Article.objects.order_by("id").values_list("slug", flat=True)) == [slug, f"{slug}-2", f"{slug}-3"]


def test_chinese_title_keeps_a_unicode_slug(tmp_path):
    path = write_story(
        tmp_path,
        "深圳政府在线\n深圳荣获智慧城市大奖\nFrom：深圳特区报\nUpdated: 2020-11-20 13:11\n\n深圳在大会上获奖。\n",
    )
    _, stderr, error = import_story(path)
    assert error is None, stderr
    article = Article.objects.get()
    assert (article.slug, article.source_name) == ("深圳荣获智慧城市大奖", "深圳特区报")


def test_markup_in_the_story_is_shown_as_text_never_run(tmp_path, editor_client):
    title = "<script>alert('title')</script> Harbour news"
    paragraph = 'Residents wrote <img src=x onerror="alert(1)"> and <b>bold</b> claims.'
    path = write_story(tmp_path, f"Site\n{title}\nFrom: <i>Post</i>\nUpdated: 2021-03-02 09:30\n\n{paragraph}\n")
    import_story(path)
    article = Article.objects.get()
    assert article.title == title and article.source_name == "<i>Post</i>"
    assert body_paragraphs(article) == [paragraph]

    story = parse(editor_client.get(article.get_absolute_url())).select_one("main article.story")
    assert story.h1.get_text(strip=True) == title
    assert story.select("script, img, b, i") == []
    assert paragraph in [p.get_text() for p in story.select("p")]


def test_dry_run_reports_and_saves_nothing(tmp_path):
    story = shutil.copy(GOOD, tmp_path / GOOD.name)
    (tmp_path / PHOTO_NAME).write_bytes(png_with_metadata())
    stdout, stderr, error = import_story(story, "--dry-run")
    assert error is None and stderr == ""
    assert stdout.splitlines()[0] == (
        f"{story}: would create draft «{TITLE}», 4 paragraphs, 1 photo to import, 0 photos missing "
        "(dry run: nothing saved)"
    )
    assert not Article.objects.exists() and not Photo.objects.exists()


def test_section_option_files_the_draft():
    section = make_section(slug="awards")
    import_story(GOOD, "--section", "awards")
    assert Article.objects.get().section == section
    with pytest.raises(CommandError, match='No section with the slug "rankings" \\(sections: awards\\)'):
        call_command("import_story", str(GOOD), "--section", "rankings")
    assert Article.objects.count() == 1


def test_long_first_paragraph_makes_a_standfirst_cut_at_a_word():
    text = "Word " * 100
    standfirst = make_standfirst(text.strip())
    assert len(standfirst) <= 300 and standfirst.endswith("Word…")
    assert make_standfirst("短" * 400) == "短" * 299 + "…"


def test_only_a_short_paragraph_after_an_image_is_its_caption():
    long_paragraph = "The council met again on Monday to discuss the plan. " * 9
    text = (
        HEADER + "Updated: 2021-03-02 09:30\n\nOpening paragraph.\n\nhall.JPG\n\n"
        f"{long_paragraph}\n\nsquare.webp\nsecond.gif\n\nSecond caption.\n"
    )
    story = parse_story(text, ZoneInfo("Asia/Shanghai"))
    assert story.paragraphs == ["Opening paragraph.", long_paragraph.strip()]
    assert story.images == [
        StoryImage("hall.JPG", 8),
        StoryImage("square.webp", 12),
        StoryImage("second.gif", 13, "Second caption."),
    ]


def test_photos_without_captions_get_a_provisional_alt_text(tmp_path):
    text = HEADER + "Updated: 2021-03-02 09:30\n\nOpening paragraph.\n\nhall.jpg\nsquare.png\n\nThe square at noon.\n"
    path = write_story(tmp_path, text)
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 40, 40)).save(buffer, format="JPEG")
    (tmp_path / "hall.jpg").write_bytes(buffer.getvalue())
    (tmp_path / "square.png").write_bytes(png_with_metadata((500, 250)))

    stdout, _, error = import_story(path)

    assert error is None
    assert stdout.splitlines()[0].endswith("1 paragraph, 2 photos imported, 0 photos missing")
    photos = list(Article.objects.get().photos.values_list("alt_text", "caption", "is_lead", "position", "width"))
    assert photos == [
        ("Photo for “Library opening hours extended”", "", True, 0, 400),
        ("The square at noon.", "The square at noon.", False, 1, 500),
    ]


def test_editors_see_the_source_time_in_the_admin(editor_client, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    import_story(GOOD)
    article = Article.objects.get()
    response = editor_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    page = parse(response)
    # Shown in the site's time zone, like every other time in the admin.
    assert page.select_one("input[name=source_updated_at_0]")["value"] == "20/11/2020"
    assert page.select_one("input[name=source_updated_at_1]")["value"] == "13:11:00"


def test_control_characters_are_removed_with_a_note_in_the_report(tmp_path):
    story = (
        "Riverton City Portal\nLibrary\x0b opening hours\x00 extended\nFrom: Riverton\x85 Evening Post\n"
        "Updated: 2021-03-02 09:30\n\nDoors open at 7\ufffe; the café\x1b[31m stays open.\n"
    )
    stdout, stderr, error = import_story(write_story(tmp_path, story))
    assert error is None and stderr == ""
    article = Article.objects.get()
    assert article.title == "Library opening hours extended"
    assert article.source_name == "Riverton Evening Post"
    assert article.standfirst == "Doors open at 7; the café[31m stays open."
    assert body_paragraphs(article) == ["Doors open at 7; the café[31m stays open."]
    notes = [line.strip() for line in stdout.splitlines() if "text cleaned" in line]
    assert notes == [
        "text cleaned: line 2: removed the invisible character U+000B, U+0000",
        "text cleaned: line 3: removed the invisible character U+0085",
        "text cleaned: line 6: removed the invisible character U+FFFE, U+001B",
    ]

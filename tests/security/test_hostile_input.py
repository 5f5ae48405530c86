"""A catalogue of hostile input against every reader page and admin form: a 4xx or a form error, never a 500."""

from urllib.parse import quote

import pytest
from django.test import Client

from articles.models import Article, Photo, Section
from tests.conftest import form_data, make_article, make_photo, make_section, parse
from tests.conftest import snapshot as shared_snapshot

pytestmark = pytest.mark.django_db

BAD_PAGES = ["0", "-1", "abc", "1e9", str(10**20), "%00", "1.5", ""]


# Raw path segments: an undecodable byte, emoji, a NUL byte, a lone surrogate's bytes, a very long slug.
def refused(address):
    """NUL anywhere in an address is a 400 (citynews.request_guards); anything else unknown is a 404."""
    return 400 if "%00" in address else 404


BAD_SLUGS = ["%ff", quote("🏙️🌃"), "%00", "a%00b", "%ed%a0%80", "x" * 5000, "..", "%2e%2e"]


@pytest.fixture
def site():
    section = make_section(slug="awards")
    article = make_article(slug="shenzhen-wins", section=section, tags=["SCEWC"])
    make_photo(article, is_lead=True)
    return article


def snapshot():
    return shared_snapshot(Article, Photo, Section)


def reader_list_urls():
    return ["/latest/", "/section/awards/", "/tag/scewc/"]


@pytest.mark.parametrize("url", reader_list_urls())
@pytest.mark.parametrize("page", BAD_PAGES)
def test_impossible_page_numbers_are_404(client, site, url, page):
    response = client.get(f"{url}?page={page}")
    # An empty ?page= means the first page, as in Django's own paginator.
    assert response.status_code == {"": 200, "%00": 400}.get(page, 404)


@pytest.mark.parametrize("slug", BAD_SLUGS)
@pytest.mark.parametrize("pattern", ["/section/{}/", "/tag/{}/", "/2026/01/01/{}/", "/{}/01/01/shenzhen-wins/"])
def test_hostile_slugs_are_404(client, site, pattern, slug):
    assert client.get(pattern.format(slug)).status_code == refused(slug)


@pytest.mark.parametrize("slug", BAD_SLUGS)
def test_hostile_slugs_are_404_for_staff_too(editor_client, site, slug):
    for pattern in ["/section/{}/", "/tag/{}/", "/2026/01/01/{}/", "/2026/{}/01/shenzhen-wins/"]:
        assert editor_client.get(pattern.format(slug)).status_code == refused(slug)


@pytest.mark.parametrize(
    "date", ["9999/99/99", "2026/13/01", "2026/02/30", "0/00/00", f"{10**20}/01/01", "2026/%00/01"]
)
def test_impossible_dates_are_404(editor_client, site, date):
    assert editor_client.get(f"/{date}/shenzhen-wins/").status_code == refused(date)


@pytest.mark.parametrize("pk", ["0", "-1", str(10**20), "%ff", "abc"])
def test_hostile_preview_ids_are_404(editor_client, pk):
    assert editor_client.get(f"/preview/{pk}/").status_code == 404


ADMIN_LISTS = ["/admin/articles/article/", "/admin/articles/section/"]


@pytest.mark.parametrize("url", ADMIN_LISTS)
@pytest.mark.parametrize(
    "query",
    [
        *(f"p={page}" for page in BAD_PAGES),
        "q=%00",
        "q=" + "x" * 10_000,
        "o=abc",
        "o=99",
        "status__exact=%00",
        "status__exact=nonsense",
        "section__id__exact=abc",
        f"section__id__exact={10**20}",
        "published_at__gte=abc",
        "published_at__year=%00",
        "tags__id__exact=%00",
        "_to_field=password",
    ],
)
def test_admin_changelists_survive_hostile_queries(editor_client, site, url, query):
    response = editor_client.get(f"{url}?{query}")
    if "%00" in query:
        assert response.status_code == 400
        return
    # The admin answers an impossible filter or page by redirecting to ?e=1 (or 400 for a forbidden to_field).
    assert response.status_code in {200, 302, 400}
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize("object_id", ["%ff", "%00", str(10**20), "-1", quote("🏙️")])
@pytest.mark.parametrize("view", ["change", "history", "delete", "history/1", "history/compare"])
def test_admin_object_views_survive_hostile_ids(editor_client, object_id, view):
    response = editor_client.get(f"/admin/articles/article/{object_id}/{view}/")
    # Django's admin redirects to its index with "does not exist" for the change and delete views.
    assert response.status_code in ({400} if object_id == "%00" else {302, 404})


ARTICLE_TEXT_FIELDS = ["title", "slug", "standfirst", "body", "source_name", "source_url", "byline", "tags"]
PHOTO_TEXT_FIELDS = ["photos-0-alt_text", "photos-0-caption", "photos-0-credit"]


def article_form(client, site):
    return form_data(client.get(f"/admin/articles/article/{site.pk}/change/"))


def assert_form_error(response):
    assert response.status_code == 200
    assert parse(response).select_one(".errornote") is not None


@pytest.mark.parametrize(
    "field", [*ARTICLE_TEXT_FIELDS, *PHOTO_TEXT_FIELDS, "published_at_0", "published_at_1", "opened_version"]
)
def test_nul_bytes_in_article_change_form_are_form_errors(editor_client, site, field):
    before = snapshot()
    data = article_form(editor_client, site) | {field: "Before\x00after"}
    assert_form_error(editor_client.post(f"/admin/articles/article/{site.pk}/change/", data))
    assert snapshot() == before


@pytest.mark.parametrize("field", ARTICLE_TEXT_FIELDS)
def test_nul_bytes_in_article_add_form_are_form_errors(editor_client, field):
    data = form_data(editor_client.get("/admin/articles/article/add/"))
    data |= {"title": "New story", "slug": "new-story"} | {field: "Bad\x00value"}
    assert_form_error(editor_client.post("/admin/articles/article/add/", data))
    assert not Article.objects.exists()


@pytest.mark.parametrize("field", ["name", "slug", "description", "position"])
def test_nul_bytes_in_section_add_form_are_form_errors(editor_client, field):
    data = {"name": "Mobility", "slug": "mobility", "description": "", "position": "1"} | {field: "Bad\x00value"}
    assert_form_error(editor_client.post("/admin/articles/section/add/", data))
    assert not Section.objects.exists()


def test_ten_thousand_character_title_is_a_form_error(editor_client, site):
    data = article_form(editor_client, site) | {"title": "T" * 10_000}
    response = editor_client.post(f"/admin/articles/article/{site.pk}/change/", data)
    assert_form_error(response)
    errors = parse(response).select_one(".field-title .errorlist").get_text(strip=True)
    assert errors == "Ensure this value has at most 200 characters (it has 10000)."
    site.refresh_from_db()
    assert site.title != "T" * 10_000


def test_three_megabyte_body_is_a_form_error(editor_client, site):
    before = snapshot()
    data = article_form(editor_client, site) | {"body": "<p>" + "x" * (3 * 1024 * 1024) + "</p>"}
    response = editor_client.post(f"/admin/articles/article/{site.pk}/change/", data)
    assert_form_error(response)
    assert "at most 1000000 characters" in parse(response).select_one(".field-body .errorlist").get_text()
    assert snapshot() == before


def test_body_over_the_upload_limit_is_refused_with_400(editor_client, site):
    before = snapshot()
    data = article_form(editor_client, site) | {"body": "x" * (6 * 1024 * 1024)}
    assert editor_client.post(f"/admin/articles/article/{site.pk}/change/", data).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("enforce_csrf_checks", [False, True])
def test_thousand_and_one_form_fields_are_refused_with_400(editor_client, site, enforce_csrf_checks):
    editor_client.handler.enforce_csrf_checks = enforce_csrf_checks
    before = snapshot()
    data = article_form(editor_client, site) | {"title": "Flooded"}
    data |= {f"extra{n}": "x" for n in range(1001)}
    assert editor_client.post(f"/admin/articles/article/{site.pk}/change/", data).status_code == 400
    assert editor_client.post("/admin/articles/section/add/", data).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("version_id", ["%ff", "%00", str(10**20), "-1", "abc"])
def test_admin_revert_view_survives_hostile_version_ids(editor_client, site, version_id):
    response = editor_client.get(f"/admin/articles/article/{site.pk}/history/{version_id}/")
    assert response.status_code == refused(version_id)


@pytest.mark.parametrize("url", ["/", "/section/awards/", "/tag/scewc/", "/2026/01/01/shenzhen-wins/"])
@pytest.mark.parametrize("enforce_csrf_checks", [False, True])
def test_reader_pages_refuse_floods_of_posted_data(site, url, enforce_csrf_checks):
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    fields = {f"field{n}": "x" for n in range(1001)}
    three_megabytes = {"body": "x" * (3 * 1024 * 1024)}
    # Reader pages take no POST (405); with CSRF checks on, a stranger without the cookie is refused first.
    for data in (fields, three_megabytes):
        assert client.post(url, data).status_code == (403 if enforce_csrf_checks else 405)


@pytest.mark.parametrize("page", BAD_PAGES)
def test_admin_history_survives_hostile_page_numbers(editor_client, site, page):
    response = editor_client.get(f"/admin/articles/article/{site.pk}/history/?p={page}")
    assert response.status_code == (400 if page == "%00" else 200)


def test_nothing_in_the_catalogue_is_a_server_error(site, django_user_model):
    """The same sweep with exceptions turned into responses, as a real server would see them."""
    from tests.conftest import make_editor

    anonymous, staff = Client(raise_request_exception=False), Client(raise_request_exception=False)
    staff.force_login(make_editor("sweeper"))
    urls = [f"{url}?page={page}" for url in reader_list_urls() for page in BAD_PAGES]
    urls += [p.format(s) for s in BAD_SLUGS for p in ("/section/{}/", "/tag/{}/", "/2026/01/01/{}/", "/preview/{}/")]
    urls += [f"{url}?q=%00&p=-1" for url in ADMIN_LISTS]
    for client in (anonymous, staff):
        for url in urls:
            assert client.get(url).status_code < 500, url
    posts = {"title": "\x00", "body": "x" * (3 * 1024 * 1024), "opened_version": "\x00", "published_at_0": "\x00"}
    assert staff.post(f"/admin/articles/article/{site.pk}/change/", posts).status_code < 500
    assert staff.post("/admin/articles/article/add/", posts).status_code < 500


@pytest.mark.parametrize("selected", ["abc", str(10**20), "-1", "\x00", ""])
@pytest.mark.parametrize("action", ["publish", "unpublish", "delete_selected", "no_such_action", "\x00"])
def test_forged_bulk_actions_with_hostile_ids_change_nothing(editor_client, site, action, selected):
    before = snapshot()
    data = {"action": action, "_selected_action": [selected], "index": "0"}
    response = editor_client.post("/admin/articles/article/", data)
    # A malformed id is a 400 (CheckedSelectionMixin); a well-formed one matching no row selects nothing.
    assert response.status_code in ({200, 302} if selected == "-1" else {400})
    assert snapshot() == before


@pytest.mark.parametrize("position", ["\x00", "-1", str(10**20), "abc"])
def test_hostile_values_in_the_sections_list_editor_are_form_errors(editor_client, site, position):
    section = site.section
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(section.pk)}
    data |= {"form-0-position": position, "_save": "Save"}
    response = editor_client.post("/admin/articles/section/", data)
    assert response.status_code == 200
    assert parse(response).select_one(".errornote") is not None
    section.refresh_from_db()
    assert section.position == 0


@pytest.mark.parametrize("username", ["\x00", "a\x00b", "x" * 10_000])
def test_hostile_login_attempts_are_form_errors(client, username):
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": "\x00"})
    assert response.status_code == 200
    assert parse(response).select_one(".errornote") is not None


@pytest.mark.parametrize("slug", ["%ff", "🏙️🌃", "a/b", "../../etc", "x" * 201, " "])
def test_hostile_slugs_typed_into_admin_forms_are_form_errors(editor_client, slug):
    data = form_data(editor_client.get("/admin/articles/article/add/")) | {"title": "New story", "slug": slug}
    response = editor_client.post("/admin/articles/article/add/", data)
    assert_form_error(response)
    assert parse(response).select_one(".field-slug .errorlist") is not None
    section = {"name": "Mobility", "slug": slug, "description": "", "position": "1"}
    assert_form_error(editor_client.post("/admin/articles/section/add/", section))
    assert not Article.objects.exists() and not Section.objects.exists()


@pytest.mark.parametrize("opened_version", [str(10**20), "-1", "abc", "1e9", ""])
def test_hostile_opened_versions_are_refused_as_conflicts_or_form_errors(editor_client, site, opened_version):
    before = snapshot()
    data = article_form(editor_client, site) | {"title": "Changed", "opened_version": opened_version}
    assert_form_error(editor_client.post(f"/admin/articles/article/{site.pk}/change/", data))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("tags", "error"),
    [
        ("x" * 101, "A tag can have at most 100 characters."),
        (", ".join(f"tag{n}" for n in range(31)), "An article can have at most 30 tags."),
    ],
)
def test_oversized_tags_are_form_errors(editor_client, site, tags, error):
    before = snapshot()
    data = article_form(editor_client, site) | {"tags": tags}
    response = editor_client.post(f"/admin/articles/article/{site.pk}/change/", data)
    assert_form_error(response)
    assert parse(response).select_one(".field-tags .errorlist").get_text(strip=True) == error
    assert snapshot() == before
    assert list(site.tags.names()) == ["SCEWC"]


def test_three_megabyte_section_description_is_a_form_error(editor_client):
    data = {"name": "Mobility", "slug": "mobility", "description": "x" * (3 * 1024 * 1024), "position": "1"}
    response = editor_client.post("/admin/articles/section/add/", data)
    assert_form_error(response)
    assert "at most 2000 characters" in parse(response).select_one(".field-description .errorlist").get_text()
    assert not Section.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("photos-0-position", str(10**20)),
        ("photos-0-position", "-1"),
        ("photos-0-taken_on", "99999-01-01"),
        ("photos-0-taken_on", "2026-02-30"),
        ("photos-0-id", str(10**20)),
        ("photos-0-id", "abc"),
        ("photos-TOTAL_FORMS", str(10**20)),
        ("photos-TOTAL_FORMS", "abc"),
        ("photos-TOTAL_FORMS", "1001"),
        ("photos-TOTAL_FORMS", "41"),
        ("photos-INITIAL_FORMS", "abc"),
        ("section", str(10**20)),
        ("section", "abc"),
        ("section", "-1"),
        ("status", "deleted"),
        ("published_at_0", "10000-01-01"),
        ("published_at_1", "25:61"),
    ],
)
def test_hostile_values_in_article_and_inline_fields_are_form_errors(
    editor_client, site, field, value, django_assert_max_num_queries
):
    before = snapshot()
    data = article_form(editor_client, site) | {field: value}
    with django_assert_max_num_queries(40):
        response = editor_client.post(f"/admin/articles/article/{site.pk}/change/", data)
    assert_form_error(response)
    (photos,) = response.context["inline_admin_formsets"]
    assert len(photos.formset.forms) <= 40, "a forged form count must not make the server build a thousand forms"
    assert snapshot() == before

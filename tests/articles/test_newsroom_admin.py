"""What an editor scans: the article list, the dashboard on the admin's front page, tag suggestions."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from articles.models import Article
from tests.awards.factories import make_edition, make_entry, make_programme, make_ranking, make_recognition
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


def test_the_article_list_shows_status_as_a_badge_and_who_wrote_it(editor_client):
    now = timezone.now()
    make_article(title="Live story", byline="Li Wei", published_at=now - timedelta(hours=1))
    make_article(title="Scheduled story", byline="Zhang Min", published_at=now + timedelta(days=1))
    editor_client.post(
        "/admin/articles/article/add/",
        {
            "title": "A draft without byline",
            "slug": "a-draft",
            "status": "draft",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    page = parse(editor_client.get(CHANGELIST))
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")[1:]]
    assert headers == ["Title", "Status", "Section", "Publication time", "Author"]
    rows = {
        row.select_one("th.field-headline").get_text(strip=True): (
            row.select_one(".status-badge")["class"][1],
            row.select_one(".status-badge").get_text(),
            row.select_one("td.field-credited_author").get_text(strip=True),
        )
        for row in page.select("#result_list tbody tr")
    }
    assert rows == {
        "Live story": ("status-badge--live", "Live", "Li Wei"),
        "Scheduled story": ("status-badge--scheduled", "Scheduled", "Zhang Min"),
        "A draft without byline": ("status-badge--draft", "Draft", "editor"),
    }


def test_the_article_list_costs_the_same_queries_for_many_stories(editor_client, django_assert_max_num_queries):
    for _ in range(3):
        make_article()
    with django_assert_max_num_queries(12) as few:
        editor_client.get(CHANGELIST)
    for _ in range(30):
        make_article()
    with django_assert_max_num_queries(len(few.captured_queries)):
        editor_client.get(CHANGELIST)


def test_the_dashboard_lists_drafts_scheduled_and_todays_stories(editor_client):
    now = timezone.now()
    make_article(title="A draft", status=Article.Status.DRAFT, published_at=None)
    make_article(title="Going live tomorrow", published_at=now + timedelta(days=1))
    make_article(title="Out this minute", published_at=now - timedelta(minutes=1))
    make_article(title="Out last week", published_at=now - timedelta(days=7))
    page = parse(editor_client.get("/admin/"))
    modules = {
        module.select_one("h2").get_text(): [li.select_one("a").get_text() for li in module.select("li")]
        for module in page.select(".newsroom-dashboard .module")
    }
    assert modules["Drafts (1)"] == ["A draft"]
    assert modules["Scheduled"] == ["Going live tomorrow"]
    assert modules["Published today"] == ["Out this minute"]
    scheduled_time = page.select_one(".newsroom-dashboard .module:nth-of-type(2) time")["datetime"]
    assert (
        scheduled_time == timezone.localtime(Article.objects.get(title="Going live tomorrow").published_at).isoformat()
    )


def test_the_dashboard_lists_reported_facts_with_no_source(editor_client):
    sourced = make_recognition(make_edition(programme=make_programme(website="https://awards.example.org")))
    unsourced = make_recognition(make_edition(), project_name="AI-HUB")
    not_reported = make_recognition(make_edition(), project_name="Nobody reports this")
    ranking = make_ranking(method_url="")
    rank = make_entry(ranking)
    story = make_article()
    story.recognitions.set([sourced, unsourced])
    story.ranking_entries.set([rank])
    page = parse(editor_client.get("/admin/"))
    module = page.select(".newsroom-dashboard .module")[3]
    assert module.select_one("h2").get_text() == "Reported facts with no source"
    assert [li.select_one("a").get_text() for li in module.select("li")] == [str(unsourced), str(rank)]
    assert not_reported.project_name not in module.get_text()


def test_staff_without_article_permissions_see_no_dashboard(client):
    client.force_login(User.objects.create_user("clerk", password="x", is_staff=True))
    page = parse(client.get("/admin/"))
    assert page.select(".newsroom-dashboard") == []


def test_the_tags_box_suggests_existing_tags_from_the_admins_autocomplete(editor_client):
    make_article(tags=["Shenzhen", "Smart city", "Shanghai"])
    page = parse(editor_client.get("/admin/articles/article/add/"))
    url = page.select_one("input[name=tags]")["data-suggestions-url"]
    response = editor_client.get(
        url, {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "sh"}
    )
    assert [result["text"] for result in response.json()["results"]] == ["Shanghai", "Shenzhen"]

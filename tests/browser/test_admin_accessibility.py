"""The editors' forms name every input for a screen reader (citynews/admin_labels.py): axe-core's rules for
labels find nothing on them. What is left to Django's admin and its widgets is listed, not hidden: the
autocomplete pickers (select2) name their combobox by the current choice, which an empty picker has not."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from articles.models import Article
from awards.models import Edition, Ranking
from tests.browser.conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL_RULES = {"label", "select-name", "label-title-only", "aria-input-field-name"}
# select2's own markup, drawn by its script over the labelled <select>.
SELECT2 = "select2"


def unnamed_inputs(results):
    return [
        f"{rule['id']}: {node['target']}"
        for rule in results["violations"]
        if rule["id"] in LABEL_RULES
        for node in rule["nodes"]
        if not any(SELECT2 in str(target) for target in node["target"])
    ]


def test_the_editors_forms_name_every_input(live_server, page, editor):
    call_command("load_demo", stdout=io.StringIO())
    story = Article.objects.get(slug="shenzhen-wins-enabling-technologies-award-scewc-2020")
    forms = {
        "story": f"/admin/articles/article/{story.pk}/change/",
        "new story": "/admin/articles/article/add/",
        "edition with its results": f"/admin/awards/edition/{Edition.objects.get().pk}/change/",
        "ranking with its table": f"/admin/awards/ranking/{Ranking.objects.get(year=2020).pk}/change/",
        "front-page pick": "/admin/articles/frontpagepick/add/",
    }
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    axe = Axe()
    problems = {}
    for name, path in forms.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        results = axe.run(page).response
        assert results["passes"], f"axe-core did not run on {path}"
        if found := unnamed_inputs(results):
            problems[name] = found
    assert problems == {}
    # The names themselves: a table's column, a date box, a row's delete box.
    page.goto(f"{live_server.url}{forms['edition with its results']}")
    assert page.get_attribute("#id_recognitions-0-project_name", "aria-label") == "Project name"
    assert page.get_attribute("#id_recognitions-0-DELETE", "aria-label") == "Delete this row"
    page.goto(f"{live_server.url}{forms['story']}")
    assert page.get_attribute("#id_published_at_1", "aria-label") == "Published at: time"
    assert page.get_attribute(".tiptap", "aria-label") == "Body"

"""The admin and its rich-text editor work under our Content Security Policy, with nothing refused."""

import pytest
from django.contrib.auth.models import User

from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_writes_and_saves_an_article_with_no_csp_violation(live_server, page):
    User.objects.create_superuser("chief", password="correct horse battery")
    csp_console_messages, script_errors = [], []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_console_messages.append(message.text),
    )
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    # securitypolicyviolation events catch refusals that Chromium does not log to the console.
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
        "e.violatedDirective + ' ' + e.blockedURI));"
    )

    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/articles/article/add/")
    policy = page.evaluate("() => fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "'nonce-" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]

    page.fill("#id_title", "Shenzhen wins the smart lighting award")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type("The jury praised the city's adaptive street lights.")
    page.fill("#id_standfirst", "A jury in Barcelona chose Shenzhen.")
    page.fill("#id_source_name", "Shenzhen Daily")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")

    assert page.locator(".errornote").count() == 0
    article = Article.objects.get(title="Shenzhen wins the smart lighting award")
    assert article.slug == "shenzhen-wins-the-smart-lighting-award"
    assert "adaptive street lights" in article.body
    assert page.evaluate("() => window.__cspViolations") == []
    assert csp_console_messages == []
    assert script_errors == []

"""Editor-supplied text never reaches a page as markup; the body keeps only the allowlisted HTML."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from taggit.models import Tag

from articles.html import sanitize_html
from articles.models import Article
from tests.conftest import make_article, make_photo, make_section, parse

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("pwned")</script><img src=x onerror="alert(1)">'
EVENT_ATTRIBUTES = ("onerror", "onload", "onclick", "onmouseover", "onfocus")
# What a page's JSON-LD blocks may be (articles/previews.py): a hostile string must not have made up another.
STRUCTURED_DATA_TYPES = {"NewsArticle", "BreadcrumbList", "CollectionPage", "WebSite", "Organization"}


def assert_no_injected_markup(response):
    assert response.status_code == 200
    page = parse(response)
    # Our pages' only scripts are JSON-LD data blocks, which browsers never run and
    # which must parse whole: anything else, or a data block broken open, was injected.
    scripts = page.find_all("script")
    assert len(scripts) <= 3
    assert [script.attrs for script in scripts] == [{"type": "application/ld+json"}] * len(scripts)
    for script in scripts:
        assert json.loads(script.string)["@type"] in STRUCTURED_DATA_TYPES
    assert [el.name for el in page.find_all(lambda el: any(attr in el.attrs for attr in EVENT_ATTRIBUTES))] == []
    assert [img.get("src") for img in page.find_all("img") if img.get("src") == "x"] == []
    assert not any(a.get("href", "").lower().startswith("javascript:") for a in page.find_all("a"))
    return page


@pytest.fixture
def hostile_article():
    section = make_section(name=f"Section {PAYLOAD}", slug="hostile", description=f"About {PAYLOAD}")
    article = make_article(
        title=f"Title {PAYLOAD}",
        standfirst=f"Standfirst {PAYLOAD}",
        body=f'<p>Body {PAYLOAD}</p><p><a href="javascript:alert(1)">click</a></p>',
        byline=f"Byline {PAYLOAD}",
        source_name=f"Source {PAYLOAD}",
        section=section,
        tags=[f"tag {PAYLOAD}"],
    )
    make_photo(
        article, is_lead=True, alt_text=f"Alt {PAYLOAD}", caption=f"Caption {PAYLOAD}", credit=f"Credit {PAYLOAD}"
    )
    make_photo(article, alt_text=f"Gallery alt {PAYLOAD}", caption=f"Gallery caption {PAYLOAD}")
    return article


def test_body_is_stored_sanitised(hostile_article):
    body = Article.objects.get(pk=hostile_article.pk).body
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body and "<img" not in body


def test_article_page_shows_hostile_text_as_text(client, hostile_article):
    page = assert_no_injected_markup(client.get(hostile_article.get_absolute_url()))
    story = page.select_one("main article.story")
    assert story.h1.get_text() == f"Title {PAYLOAD}"
    assert story.select_one(".story__standfirst").get_text() == f"Standfirst {PAYLOAD}"
    assert story.select_one(".byline").get_text() == f"By Byline {PAYLOAD}"
    assert story.select_one(".source").get_text() == f"From: Source {PAYLOAD}"
    assert story.select_one(".kicker a").get_text() == f"Section {PAYLOAD}"
    assert story.select_one(".story__lead img")["alt"] == f"Alt {PAYLOAD}"
    assert story.select_one(".story__lead .photo__caption").get_text() == f"Caption {PAYLOAD}"
    assert story.select_one(".story__lead .photo__credit").get_text() == f"Photo: Credit {PAYLOAD}"
    assert story.select_one(".gallery img")["alt"] == f"Gallery alt {PAYLOAD}"
    assert story.select_one(".gallery .photo__caption").get_text() == f"Gallery caption {PAYLOAD}"
    assert [a.get_text() for a in story.select(".tags a")] == [f"tag {PAYLOAD}"]
    assert page.title.get_text().startswith(f"Title {PAYLOAD}")
    # The body keeps its paragraphs and the link text, without the script, the image or the javascript: URL.
    body = story.select_one(".story__body")
    assert [p.get_text() for p in body.find_all("p")] == ["Body ", "click"]
    assert body.find("img") is None and "href" not in body.find("a").attrs


@pytest.mark.parametrize("page_name", ["home", "latest", "section", "tag"])
def test_listing_pages_show_hostile_text_as_text(client, hostile_article, page_name):
    url = {
        "home": reverse("articles:home"),
        "latest": reverse("articles:latest"),
        "section": hostile_article.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=[Tag.objects.get().slug]),
    }[page_name]
    page = assert_no_injected_markup(client.get(url))
    card = page.select_one("main .card")
    assert card.select_one(".card__title a").get_text() == f"Title {PAYLOAD}"
    assert card.select_one(".card__standfirst").get_text() == f"Standfirst {PAYLOAD}"  # hidden by CSS in compact cards
    assert card.select_one(".kicker a").get_text() == f"Section {PAYLOAD}"
    assert f"Source {PAYLOAD}" in card.select_one(".meta").get_text()
    assert [a.get_text() for a in page.select("nav.section-nav a")] == [f"Section {PAYLOAD}"]
    headings = {
        "home": "citynews: smart-city awards and city rankings",
        "latest": "Latest stories",
        "section": f"Section {PAYLOAD}",
        "tag": f"tag {PAYLOAD}",
    }
    assert page.select_one("main h1").get_text() == headings[page_name]
    if page_name == "section":
        assert page.select_one("main .lede").get_text() == f"About {PAYLOAD}"


@pytest.mark.parametrize(
    "dirty, removed",
    [
        ("<p>Hi</p><script>alert(1)</script>", "<script"),
        ('<p onclick="steal()">Hi</p>', "onclick"),
        ('<p>Hi<img src="x" onerror="alert(1)"></p>', "onerror"),
        ('<p><a href="javascript:alert(1)">Hi</a></p>', "javascript:"),
        ('<p><a href="JaVaScRiPt:alert(1)">Hi</a></p>', "script:"),
        ('<p><a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">Hi</a></p>', "data:"),
        ('<iframe src="https://evil.example/"></iframe><p>Hi</p>', "<iframe"),
        ("<style>body{display:none}</style><p>Hi</p>", "<style"),
        ('<p style="position:fixed">Hi</p>', "style="),
        ('<form action="/admin/"><input name="q"></form><p>Hi</p>', "<form"),
        ("<object data=x></object><embed src=x><p>Hi</p>", "<object"),
        ("<svg><script>alert(1)</script></svg><p>Hi</p>", "<svg"),
        ("<!-- a secret note --><p>Hi</p>", "secret"),
    ],
)
def test_sanitiser_removes_dangerous_markup(dirty, removed):
    clean = sanitize_html(dirty)
    assert removed.lower() not in clean.lower()
    assert "Hi" in clean and "alert" not in clean


@pytest.mark.parametrize(
    "html",
    [
        "<p>Plain <strong>bold</strong> and <em>italic</em> text.</p>",
        "<h2>A heading</h2><h3>A smaller one</h3>",
        "<ul><li>One</li><li>Two</li></ul>",
        '<ol start="3"><li>Three</li></ol>',
        "<blockquote><p>Quoted.</p></blockquote>",
        "<table><thead><tr><th>City</th></tr></thead><tbody><tr><td>Shenzhen</td></tr></tbody></table>",
    ],
)
def test_sanitiser_keeps_editorial_markup(html):
    assert sanitize_html(html) == html


def test_sanitiser_keeps_links_and_marks_them_nofollow():
    page = BeautifulSoup(sanitize_html('<p><a href="https://example.org/award">Award</a></p>'), "html5lib")
    link = page.find("a")
    assert link["href"] == "https://example.org/award"
    assert set(link["rel"]) == {"noopener", "noreferrer", "nofollow"}
    assert link.get_text() == "Award"


def test_sanitiser_turns_an_empty_editor_paragraph_into_nothing():
    assert sanitize_html("<p></p>") == sanitize_html("<p><br></p>") == sanitize_html(None) == ""


def test_summary_from_the_body_is_plain_text_escaped_once(client):
    article = make_article(standfirst="", body="<p>Rock &amp; roll &lt;script&gt;alert(1)&lt;/script&gt; city</p>")
    assert article.summary == "Rock & roll <script>alert(1)</script> city"
    page = assert_no_injected_markup(client.get(article.get_absolute_url()))
    assert page.select_one('meta[name="description"]')["content"] == "Rock & roll <script>alert(1)</script> city"

"""Photos placed in a story's body: the sanitiser keeps exactly the placeholder, and readers get the story's
own photo as a figure (renditions, lazy loading, alt text, caption and credit), rendered once on save."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.html import placed_photo_ids, sanitize_html
from articles.models import Article
from tests.conftest import make_article, make_photo, make_upload, parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<figure data-photo="12"></figure>', '<figure data-photo="12"></figure>'),
        # Attributes smuggled onto the placeholder go; the id stays.
        (
            '<figure data-photo="12" class="wide" style="position:fixed" onclick="alert(1)" data-x="1"></figure>',
            '<figure data-photo="12"></figure>',
        ),
        # Whatever is put inside is dropped with it: the figure is drawn from the photo alone.
        (
            '<figure data-photo="12"><figcaption>Fake caption</figcaption><img src="x" onerror="alert(1)">'
            "<figure><p>nested</p></figure><script>alert(1)</script></figure><p>After</p>",
            '<figure data-photo="12"></figure><p>After</p>',
        ),
        # A placeholder inside a placeholder is part of what is dropped.
        (
            '<figure data-photo="1"><figure data-photo="2"></figure></figure>',
            '<figure data-photo="1"></figure>',
        ),
        # Not a photo id: an ordinary (empty) figure, which no photo replaces.
        ('<figure data-photo="12 onload=alert(1)"></figure>', "<figure></figure>"),
        ('<figure data-photo="../../etc/passwd"></figure>', "<figure></figure>"),
        ('<figure data-photo="-3"></figure>', "<figure></figure>"),
        ('<figure data-photo="0"></figure>', "<figure></figure>"),
        ('<figure data-photo="99999999999999999999999"></figure>', "<figure></figure>"),
        # data-photo means nothing on any other element.
        ('<p data-photo="12">Text</p>', "<p>Text</p>"),
        ('<img data-photo="12" src="/media/x.jpg">', ""),
        # Entities survive the rewriting untouched.
        ('<p>A &amp; B &lt;b&gt; &#169;</p><figure data-photo="3"></figure>', None),
    ],
)
def test_the_sanitiser_keeps_exactly_the_photo_placeholder(html, kept):
    cleaned = sanitize_html(html)
    if kept is None:
        assert cleaned == '<p>A &amp; B &lt;b&gt; ©</p><figure data-photo="3"></figure>'
    else:
        assert cleaned == kept
    assert sanitize_html(cleaned) == cleaned, "sanitising twice changes nothing"


def test_placed_photo_ids_are_read_in_order():
    body = sanitize_html('<figure data-photo="7"></figure><p>x</p><figure data-photo="3"></figure>')
    assert placed_photo_ids(body) == [7, 3]
    written_as_text = sanitize_html('<p>&lt;figure data-photo="5"&gt;&lt;/figure&gt; and data-photo="6"</p>')
    assert placed_photo_ids(written_as_text) == []


@pytest.fixture
def story_with_photos():
    article = make_article(title="Tram line opens", slug="tram-line-opens")
    lead = make_photo(article, is_lead=True, alt_text="The new tram")
    placed = make_photo(
        article,
        alt_text="Passengers boarding",
        caption="The first morning",
        credit="Li Wei",
        image=make_upload(size=(1000, 600)),
    )
    gallery = make_photo(article, alt_text="The depot")
    article.body = f'<p>Before.</p><figure data-photo="{placed.pk}"></figure><p>After.</p>'
    article.save()
    return article, lead, placed, gallery


def story_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return parse(response)


def test_readers_see_the_placed_photo_where_the_editor_put_it(client, story_with_photos):
    article, lead, placed, gallery = story_with_photos
    body = story_page(client, article).select_one(".story__body")
    assert [child.name for child in body.find_all(recursive=False)] == ["p", "figure", "p"]
    figure = body.select_one("figure")
    image = figure.select_one("img")
    assert image["alt"] == "Passengers boarding"
    assert image["loading"] == "lazy"
    assert (image["width"], image["height"]) == ("1000", "600")
    assert [entry.split()[1] for entry in image["srcset"].split(", ")] == ["320w", "640w", "960w", "1000w"]
    assert image["srcset"] == placed.srcset
    assert figure.select_one(".photo__caption").get_text() == "The first morning"
    assert figure.select_one(".photo__credit").get_text() == "Photo: Li Wei"


def test_a_placed_photo_is_not_repeated_in_the_gallery(client, story_with_photos):
    article, lead, placed, gallery = story_with_photos
    page = story_page(client, article)
    assert [img["alt"] for img in page.select(".gallery img")] == ["The depot"]


def test_the_body_is_rendered_on_save_not_per_request(client, story_with_photos):
    article, *_ = story_with_photos
    with CaptureQueriesContext(connection) as queries:
        story_page(client, article)
    assert not [q for q in queries.captured_queries if "rendered_body" in q["sql"] and "UPDATE" in q["sql"]]
    stored = Article.objects.values_list("rendered_body", flat=True).get(pk=article.pk)
    assert BeautifulSoup(stored, "html5lib").select_one("figure img")["alt"] == "Passengers boarding"


def test_another_storys_photo_and_a_drafts_photo_are_never_shown(client):
    elsewhere = make_photo(make_article(), alt_text="Another story's photo")
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    unpublished = make_photo(draft, alt_text="A draft's photo")
    article = make_article(
        body=f'<figure data-photo="{elsewhere.pk}"></figure><figure data-photo="{unpublished.pk}"></figure><p>Text</p>'
    )
    body = story_page(client, article).select_one(".story__body")
    assert body.select("figure, img") == []
    assert body.get_text() == "Text"


def test_changing_or_deleting_a_placed_photo_changes_the_story(client, story_with_photos):
    article, lead, placed, gallery = story_with_photos
    placed.caption = "The first morning, at 6 am"
    placed.save()
    assert story_page(client, article).select_one(".story__body .photo__caption").get_text() == (
        "The first morning, at 6 am"
    )
    placed.delete()
    assert story_page(client, article).select(".story__body figure") == []


def test_hostile_photo_text_in_a_placed_figure_stays_text(client):
    article = make_article()
    payload = '<script>alert(1)</script><img src=x onerror="alert(1)">'
    photo = make_photo(article, alt_text=f"Alt {payload}", caption=f"Caption {payload}", credit=f"Credit {payload}")
    article.body = f'<figure data-photo="{photo.pk}"></figure>'
    article.save()
    body = story_page(client, article).select_one(".story__body")
    assert body.select("script") == []
    assert [img["alt"] for img in body.select("img")] == [f"Alt {payload}"]
    assert body.select_one(".photo__caption").get_text() == f"Caption {payload}"


def test_the_feed_carries_the_placed_photo(client, story_with_photos):
    article, lead, placed, gallery = story_with_photos
    response = client.get("/feeds/atom/")
    assert placed.renditions[0]["name"] in response.content.decode()

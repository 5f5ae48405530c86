"""Reader pages cost a fixed number of SQL queries, however many articles, tags and photos there are."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Author
from tests.conftest import make_article, make_photo, make_section, make_upload, page_queries, parse

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8


def add_photo(article, **fields):
    # Small images keep rendition work (done at save time) from dominating the test's run time.
    return make_photo(article, image=make_upload(size=(64, 40)), **fields)


def fill(count, tags_each=1):
    """``count`` live articles, each in its own section, with tags, a lead photo and a gallery photo."""
    articles = []
    for n in range(count):
        article = make_article(section=make_section(), tags=[f"tag-{n}-{t}" for t in range(tags_each)])
        add_photo(article, is_lead=True)
        add_photo(article, alt_text="Gallery photo")
        articles.append(article)
    return articles


def test_latest_page_query_count_does_not_grow(client, django_assert_num_queries, django_assert_max_num_queries):
    fill(1)
    with django_assert_max_num_queries(MAX_QUERIES):
        few = page_queries(client, "/latest/")
    fill(29, tags_each=30)
    with django_assert_num_queries(few):
        response = client.get("/latest/")
    assert response.status_code == 200
    assert len(response.context_data["object_list"]) == 12  # a full page, each card with its photo
    assert all(article.lead_photo for article in response.context_data["object_list"])


def test_article_page_query_count_does_not_grow(client, django_assert_num_queries, django_assert_max_num_queries):
    small = fill(1)[0]
    with django_assert_max_num_queries(MAX_QUERIES):
        few = page_queries(client, small.get_absolute_url())

    big = make_article(section=make_section(), tags=[f"big-{t}" for t in range(30)])
    add_photo(big, is_lead=True)
    for position in range(29):
        add_photo(big, alt_text=f"Gallery {position}", position=position)
    fill(3)  # more sections in the navigation, too
    with django_assert_num_queries(few):
        response = client.get(big.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context_data["article"].gallery) == 29
    assert len(response.context_data["article"].tags.all()) == 30


@pytest.mark.parametrize("page", ["section", "tag", "author"])
def test_listing_pages_query_count_does_not_grow(client, django_assert_num_queries, page):
    author = Author.objects.create(name="Li Wei", slug="li-wei")
    first = fill(1)[0]
    first.author = author
    first.save()
    tag = first.tags.get()
    url = {"section": first.section.get_absolute_url(), "tag": f"/tag/{tag.slug}/", "author": "/authors/li-wei/"}[page]
    with django_assert_num_queries(MAX_QUERIES, exact=False):
        few = page_queries(client, url)
    for n in range(29):
        article = make_article(section=first.section, tags=[tag.name, f"extra-{n}"], author=author)
        add_photo(article, is_lead=True)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context_data["object_list"]) == 12 and response.context_data["page_obj"].has_next()


def test_the_facts_box_asks_for_awards_and_ranks_only_when_the_story_reports_some(client):
    from tests.awards.factories import make_edition, make_entry, make_ranking, make_recognition

    plain, reporting = fill(2)
    reporting.recognitions.set([make_recognition(make_edition())])
    reporting.ranking_entries.set([make_entry(make_ranking())])
    page_queries(client, "/")  # the sections menu goes into the shared cache
    with_facts = page_queries(client, reporting.get_absolute_url())
    assert page_queries(client, plain.get_absolute_url()) == with_facts - 2
    facts = parse(client.get(reporting.get_absolute_url())).select(".facts li")
    assert len(facts) == 2


def test_story_page_with_previous_and_next_in_its_section_stays_within_budget(client, django_assert_max_num_queries):
    section = make_section()
    older, story, newer = (
        make_article(section=section, published_at=timezone.now() - timedelta(hours=hours)) for hours in (3, 2, 1)
    )
    for n in range(20):
        make_article(section=section, published_at=timezone.now() - timedelta(days=2 + n))
    page_queries(client, "/latest/")  # the sections menu goes into the shared cache
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(story.get_absolute_url())
    assert response.context_data["older_in_section"] == older and response.context_data["newer_in_section"] == newer
    page = parse(response)
    assert page.select_one(".story-nav a[rel=prev]")["href"] == older.get_absolute_url()
    assert page.select_one(".story-nav a[rel=next]")["href"] == newer.get_absolute_url()

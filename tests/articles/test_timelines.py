"""
The tag and city timelines: copies of each link with the story's publication time, kept by triggers.

Every way of changing a story or its links (save, bulk update, raw SQL, removing a tag, deleting
a city) must leave the timelines exactly as a fresh computation from the links would; the pages
built on them must list what ``Article.objects.published()`` says, in the same order.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, CityTimeline, TagTimeline
from awards.models import City
from tests.awards.factories import make_city
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db


def expected_timelines():
    """What the timelines should hold, computed from the links and the stories themselves."""
    tags, cities = set(), set()
    for article in Article.objects.prefetch_related("tags", "cities"):
        live = article.published_at if article.status == Article.Status.PUBLISHED else None
        tags |= {(tag.pk, article.pk, live) for tag in article.tags.all()}
        cities |= {(city.pk, article.pk, live) for city in article.cities.all()}
    return tags, cities


def actual_timelines():
    return (
        set(TagTimeline.objects.values_list("tag_id", "article_id", "published_at")),
        set(CityTimeline.objects.values_list("city_id", "article_id", "published_at")),
    )


def assert_timelines_exact():
    assert actual_timelines() == expected_timelines()


@pytest.fixture
def shenzhen():
    return make_city(name="Shenzhen", slug="shenzhen")


def test_links_carry_the_story_time_and_drafts_carry_none(shenzhen):
    live = make_article(tags=["scewc"])
    draft = make_article(tags=["scewc"], status=Article.Status.DRAFT, published_at=None)
    live.cities.add(shenzhen)
    draft.cities.add(shenzhen)
    assert TagTimeline.objects.get(article=live).published_at == live.published_at
    assert CityTimeline.objects.get(article=draft).published_at is None
    assert_timelines_exact()


def test_publishing_unpublishing_and_rescheduling_move_the_copies(shenzhen):
    story = make_article(tags=["scewc", "awards"], status=Article.Status.DRAFT, published_at=None)
    story.cities.add(shenzhen)
    story.status, story.published_at = Article.Status.PUBLISHED, timezone.now()
    story.save()
    assert_timelines_exact()
    story.published_at = timezone.now() + timedelta(days=2)
    story.save()
    assert set(TagTimeline.objects.values_list("published_at", flat=True)) == {story.published_at}
    Article.objects.filter(pk=story.pk).unpublish()
    assert set(TagTimeline.objects.values_list("published_at", flat=True)) == {None}
    assert_timelines_exact()


def test_bulk_updates_and_raw_sql_keep_the_copies_exact(shenzhen):
    stories = [make_article(tags=["scewc"]) for _ in range(3)]
    for story in stories:
        story.cities.add(shenzhen)
    Article.objects.filter(pk=stories[0].pk).update(status=Article.Status.DRAFT)
    Article.objects.filter(pk=stories[1].pk).update(published_at=timezone.now() - timedelta(days=30))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_article SET status = 'draft' WHERE id = %s", [stories[2].pk])
    assert_timelines_exact()


def test_removing_links_and_deleting_things_remove_their_rows(shenzhen):
    futian = make_city(name="Futian District", slug="futian", parent=shenzhen)
    story = make_article(tags=["scewc", "futian"])
    other = make_article(tags=["scewc"])
    story.cities.set([shenzhen, futian])
    other.cities.set([futian])
    story.tags.remove("futian")
    story.cities.remove(shenzhen)
    assert_timelines_exact()
    Tag.objects.get(name="scewc").delete()
    assert_timelines_exact()
    other.cities.clear()
    story.delete()
    assert actual_timelines() == (set(), set())


def test_tags_on_other_kinds_of_objects_stay_off_the_timeline():
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    tag = Tag.objects.create(name="elsewhere", slug="elsewhere")
    city_type = ContentType.objects.get_for_model(City)
    TaggedItem.objects.create(tag=tag, content_type=city_type, object_id=make_article().pk)
    assert not TagTimeline.objects.exists()


def test_tag_page_lists_exactly_the_live_stories_newest_first(client):
    now = timezone.now()
    live = [make_article(tags=["scewc"], published_at=now - timedelta(hours=n)) for n in range(15)]
    make_article(tags=["scewc"], status=Article.Status.DRAFT, published_at=None)
    make_article(tags=["scewc"], published_at=now + timedelta(hours=1))
    make_article(tags=["other"], published_at=now)
    # Same minute for two stories: the newer id comes first, as on every other list.
    tie = make_article(tags=["scewc"], published_at=live[3].published_at)
    expected = list(Article.objects.published().filter(tags__name="scewc").order_by("-published_at", "-id"))
    assert expected.index(tie) < expected.index(live[3])

    titles = []
    for page in (1, 2):
        html = parse(client.get(f"/tag/scewc/?page={page}"))
        titles += [link.get_text(strip=True) for link in html.select(".card__title a")]
    assert titles == [story.title for story in expected]


def test_a_story_taken_down_in_bulk_leaves_the_tag_page_at_once(client):
    story = make_article(tags=["scewc"], title="Taken down")
    make_article(tags=["scewc"], title="Still up")
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    titles = [a.get_text(strip=True) for a in parse(client.get("/tag/scewc/")).select(".card__title a")]
    assert titles == ["Still up"]


def test_city_news_rolls_up_districts_once_each_newest_first(client, shenzhen):
    futian = make_city(name="Futian District", slug="futian", parent=shenzhen)
    now = timezone.now()
    both = make_article(title="About both", published_at=now - timedelta(minutes=1))
    both.cities.set([shenzhen, futian])
    make_article(title="About Futian", published_at=now - timedelta(minutes=2)).cities.set([futian])
    make_article(title="About Shenzhen", published_at=now - timedelta(minutes=3)).cities.set([shenzhen])
    make_article(title="Draft", status=Article.Status.DRAFT, published_at=None).cities.set([shenzhen])
    make_article(title="Scheduled", published_at=now + timedelta(hours=1)).cities.set([futian])
    html = parse(client.get("/cities/shenzhen/"))
    news = html.select_one("#news-heading").find_parent("section")
    titles = [a.get_text(strip=True) for a in news.select(".card__title a")]
    assert titles == ["About both", "About Futian", "About Shenzhen"]


def test_city_news_keeps_to_its_limit_with_many_stories(shenzhen):
    from awards.selectors import CITY_NEWS_LIMIT, city_news

    futian = make_city(name="Futian District", slug="futian", parent=shenzhen)
    stories = [make_article() for _ in range(CITY_NEWS_LIMIT + 5)]
    for story in stories:
        story.cities.set([shenzhen, futian])
    city = City.objects.with_relations().get(pk=shenzhen.pk)
    assert city_news(city) == sorted(stories, key=lambda s: (s.published_at, s.pk), reverse=True)[:CITY_NEWS_LIMIT]


def test_related_stories_are_the_newest_sharing_a_tag_or_city_even_when_old(client, shenzhen):
    now = timezone.now()
    story = make_article(tags=["rare"], published_at=now - timedelta(days=400))
    story.cities.set([shenzhen])
    for n in range(20):
        make_article(tags=["unrelated"], published_at=now - timedelta(minutes=n))
    old_tag = make_article(tags=["rare"], title="Old tag mate", published_at=now - timedelta(days=500))
    old_city = make_article(title="Old city mate", published_at=now - timedelta(days=450))
    old_city.cities.set([shenzhen])
    related = list(Article.objects.published().related_to(Article.objects.for_detail().get(pk=story.pk)))
    assert related == [old_city, old_tag]


def test_a_site_dumped_and_loaded_rebuilds_its_timelines_whatever_the_order(shenzhen, tmp_path):
    """loaddata writes the tags (taggit's app) before the stories they belong to: the stories adopt them."""
    from django.core.management import call_command

    futian = make_city(name="Futian District", slug="futian", parent=shenzhen)
    make_article(tags=["scewc", "awards"]).cities.set([shenzhen, futian])
    make_article(tags=["scewc"], status=Article.Status.DRAFT, published_at=None).cities.set([futian])
    before = actual_timelines()
    fixture = tmp_path / "site.json"
    call_command(
        "dumpdata", "taggit", "awards.city", "articles.section", "articles.article", output=str(fixture), verbosity=0
    )
    Article.objects.all().delete()
    Tag.objects.all().delete()
    assert actual_timelines() == (set(), set())

    call_command("loaddata", str(fixture), verbosity=0)

    def links(timelines):  # JSON keeps times to the millisecond: compare which links are live
        return [{(key, article, time is None) for key, article, time in rows} for rows in timelines]

    assert links(actual_timelines()) == links(before)
    assert_timelines_exact()

"""Deleting cities, programmes, categories, editions and rankings: refused with a message while in use,
or a defined effect (a container takes its rows and the stories' links to them) that leaves nothing dangling."""

import pytest
from django.db.models import ProtectedError

from articles.models import Article
from awards.models import AwardProgramme, Category, City, Edition, Organisation, Ranking, RankingEntry, Recognition
from tests.awards.factories import (
    make_category,
    make_city,
    make_edition,
    make_entry,
    make_organisation,
    make_programme,
    make_ranking,
    make_recognition,
)
from tests.conftest import make_article, parse

pytestmark = pytest.mark.django_db


def delete_url(obj):
    return f"/admin/awards/{obj._meta.model_name}/{obj.pk}/delete/"


def changelist_url(model):
    return f"/admin/awards/{model._meta.model_name}/"


def protected_lines(response):
    return [li.get_text(" ", strip=True) for li in parse(response).select("#deleted-objects > li")]


def assert_refused(client, obj, expected_lines):
    """The delete page says why, offers no button, and a forged confirmation changes nothing.
    (Django collects the protected objects in a set: their order on the page is not fixed.)"""
    noun = obj._meta.verbose_name
    for response in (client.get(delete_url(obj)), client.post(delete_url(obj), {"post": "yes"})):
        assert response.status_code == 200
        page = parse(response)
        assert page.select_one("h1").get_text(strip=True) == f"Cannot delete {noun}"
        assert page.select_one("#content p").get_text(" ", strip=True) == (
            f"Deleting the {noun} '{obj}' would require deleting the following protected related objects:"
        )
        assert sorted(protected_lines(response)) == sorted(expected_lines)
        assert page.select_one("#content input[type=submit]") is None
    assert type(obj).objects.filter(pk=obj.pk).exists()


def city_in_use(kind):
    """A city and the one thing that keeps it, with the line the "Cannot delete" page shows for that thing."""
    city = make_city(name="Shenzhen")
    if kind == "recognition":
        recognition = make_recognition(make_edition(), city=city, project_name="AI-HUB")
        return city, f"Recognition: {recognition}"
    if kind == "ranking entry":
        make_entry(make_ranking(title="Smart services", year=2021), city, position=3)
        return city, "Ranking entry: Shenzhen: 3 of 32, Smart services (2021)"
    if kind == "organisation":
        make_organisation(name="Futian Bureau", city=city)
        return city, "Organisation: Futian Bureau"
    if kind == "district":
        make_city(name="Futian", parent=city)
        return city, "City: Futian (Shenzhen)"
    if kind == "hosted edition":
        edition = make_edition(programme=make_programme(short_name="SCEWC"), year=2019)
        edition.host_cities.add(city)
        return city, "Edition: SCEWC 2019"
    article = make_article(title="Shenzhen opens its data")
    article.cities.add(city)
    return city, "Article: Shenzhen opens its data"


KINDS = ["recognition", "ranking entry", "organisation", "district", "hosted edition", "story"]


@pytest.mark.parametrize("kind", KINDS)
def test_deleting_a_city_in_use_is_refused_with_a_message(editor_client, kind):
    city, line = city_in_use(kind)
    links = Article.cities.through.objects.count(), Edition.host_cities.through.objects.count()
    assert_refused(editor_client, city, [line])
    assert (Article.cities.through.objects.count(), Edition.host_cities.through.objects.count()) == links


@pytest.mark.parametrize("kind", KINDS)
def test_bulk_deleting_cities_is_refused_while_one_is_in_use(editor_client, kind):
    city, line = city_in_use(kind)
    unused = make_city(name="Unused")
    data = {"action": "delete_selected", "_selected_action": [city.pk, unused.pk], "post": "yes"}
    response = editor_client.post(changelist_url(City), data)
    assert response.status_code == 200
    assert parse(response).select_one("h1").get_text(strip=True) == "Cannot delete cities"
    assert [li.get_text(" ", strip=True) for li in parse(response).select("#content ul li")] == [line]
    assert City.objects.filter(pk__in=[city.pk, unused.pk]).count() == 2


def test_the_refusal_lists_every_link_with_admin_links(editor_client):
    city = make_city(name="Shenzhen")
    edition = make_edition(programme=make_programme(short_name="SCEWC"), year=2019)
    edition.host_cities.add(city)
    article = make_article(title="About Shenzhen", status=Article.Status.DRAFT, published_at=None)
    article.cities.add(city)
    page = parse(editor_client.get(delete_url(city)))
    links = [(a.get_text(strip=True), a["href"]) for a in page.select("#deleted-objects a")]
    assert links == [
        ("SCEWC 2019", f"/admin/awards/edition/{edition.pk}/change/"),
        ("About Shenzhen", f"/admin/articles/article/{article.pk}/change/"),
    ]


@pytest.mark.parametrize("link", ["story", "hosted edition"])
def test_the_database_layer_refuses_too(link):
    city, _ = city_in_use(link)
    with pytest.raises(ProtectedError):
        city.delete()
    with pytest.raises(ProtectedError):
        City.objects.filter(pk=city.pk).delete()
    # Refused before any deletion started: the transaction is still usable and the links are intact.
    assert City.objects.filter(pk=city.pk).exists()
    assert Article.cities.through.objects.count() + Edition.host_cities.through.objects.count() == 1


def test_deleting_an_unused_city_works(editor_client):
    city = make_city()
    other = make_city(name="Linked")
    make_article().cities.add(other)
    assert editor_client.post(delete_url(city), {"post": "yes"}).status_code == 302
    assert list(City.objects.values_list("name", flat=True)) == ["Linked"]


def test_a_district_can_be_deleted_and_its_city_then_too(editor_client):
    city = make_city(name="Shenzhen")
    district = make_city(name="Futian", parent=city)
    assert editor_client.post(delete_url(district), {"post": "yes"}).status_code == 302
    assert editor_client.post(delete_url(city), {"post": "yes"}).status_code == 302
    assert not City.objects.exists()


def test_deleting_a_category_with_recognitions_is_refused(editor_client):
    edition = make_edition()
    category = make_category(edition.programme, name="Enabling Technologies")
    recognition = make_recognition(edition, category=category)
    assert_refused(editor_client, category, [f"Recognition: {recognition}"])
    unused = make_category(edition.programme, name="Mobility")
    data = {"action": "delete_selected", "_selected_action": [category.pk, unused.pk], "post": "yes"}
    response = editor_client.post(changelist_url(Category), data)
    assert parse(response).select_one("h1").get_text(strip=True) == "Cannot delete categories"
    assert Category.objects.count() == 2
    assert editor_client.post(delete_url(unused), {"post": "yes"}).status_code == 302
    assert list(Category.objects.all()) == [category]


def test_deleting_an_organisation_with_recognitions_is_refused(editor_client):
    organisation = make_organisation(name="Futian Bureau")
    recognition = make_recognition(make_edition(), organisation=organisation)
    assert_refused(editor_client, organisation, [f"Recognition: {recognition}"])
    data = {"action": "delete_selected", "_selected_action": [organisation.pk], "post": "yes"}
    response = editor_client.post(changelist_url(Organisation), data)
    assert parse(response).select_one("h1").get_text(strip=True) == "Cannot delete organisation"
    recognition.delete()
    assert editor_client.post(delete_url(organisation), {"post": "yes"}).status_code == 302
    assert not Organisation.objects.exists()


def test_deleting_a_programme_with_editions_or_categories_is_refused(editor_client):
    programme = make_programme(short_name="SCEWC")
    make_edition(programme=programme, year=2019)
    make_category(programme, name="Mobility")
    assert_refused(editor_client, programme, ["Edition: SCEWC 2019", "Category: Mobility"])


def delete_summary(response):
    summary = parse(response).find("h2", string="Summary")
    return [li.get_text(strip=True) for li in summary.find_next_sibling("ul").select("li")]


def reported_facts(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return [" ".join(li.get_text().split()) for li in parse(response).select(".facts li")]


def test_deleting_an_edition_takes_its_recognitions_and_the_stories_links_to_them(editor_client, client):
    programme = make_programme(short_name="SCEWC")
    edition, kept_edition = make_edition(programme=programme, year=2019), make_edition(programme=programme, year=2020)
    city = make_city(name="Shenzhen")
    edition.host_cities.add(city)
    gone = make_recognition(edition, city=city, category=make_category(programme, name="Mobility"))
    kept = make_recognition(kept_edition, city=city, category=gone.category)
    article = make_article(title="Shenzhen wins twice")
    article.recognitions.add(gone, kept)
    assert reported_facts(client, article) == [
        "Mobility, SCEWC 2020: winner (Shenzhen)",
        "Mobility, SCEWC 2019: winner (Shenzhen)",
    ]

    # The confirmation page tells the editor what goes with the edition, story links included.
    confirmation = editor_client.get(delete_url(edition))
    assert confirmation.status_code == 200
    assert delete_summary(confirmation) == [
        "Editions: 1",
        "Edition-city relationships: 1",
        "Recognitions: 1",
        "Article-recognition relationships: 1",
    ]
    assert editor_client.post(delete_url(edition), {"post": "yes"}).status_code == 302

    assert list(Edition.objects.all()) == [kept_edition]
    assert list(Recognition.objects.all()) == [kept]
    assert list(Article.recognitions.through.objects.values_list("recognition", flat=True)) == [kept.pk]
    assert Article.objects.filter(pk=article.pk).exists()
    assert City.objects.filter(pk=city.pk).exists() and Category.objects.filter(pk=gone.category_id).exists()
    assert reported_facts(client, article) == ["Mobility, SCEWC 2020: winner (Shenzhen)"]
    assert client.get(f"/awards/{programme.slug}/2019/").status_code == 404


def test_deleting_a_ranking_takes_its_entries_and_the_stories_links_to_them(editor_client, client):
    city = make_city(name="Shenzhen")
    ranking, other_year = (
        make_ranking(title="Smart services", year=2020),
        make_ranking(title="Smart services", year=2021),
    )
    gone, kept = make_entry(ranking, city, position=2), make_entry(other_year, city, position=1)
    article = make_article(title="Shenzhen climbs")
    article.ranking_entries.add(gone, kept)
    assert reported_facts(client, article) == [
        "Shenzhen: 1st of 32 in Smart services (2021)",
        "Shenzhen: 2nd of 32 in Smart services (2020)",
    ]

    confirmation = editor_client.get(delete_url(ranking))
    assert delete_summary(confirmation) == [
        "Rankings: 1",
        "Ranking entries: 1",
        "Article-rankingentry relationships: 1",
    ]
    assert editor_client.post(delete_url(ranking), {"post": "yes"}).status_code == 302

    assert list(Ranking.objects.all()) == [other_year]
    assert list(RankingEntry.objects.all()) == [kept]
    assert list(Article.ranking_entries.through.objects.values_list("rankingentry", flat=True)) == [kept.pk]
    assert reported_facts(client, article) == ["Shenzhen: 1st of 32 in Smart services (2021)"]
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(f"/rankings/{ranking.slug}/2020/").status_code == 404
    assert client.get(city.get_absolute_url()).status_code == 200


def test_bulk_deleting_rankings_takes_their_entries(editor_client):
    rankings = [make_ranking(), make_ranking()]
    for ranking in rankings:
        make_entry(ranking, position=1)
    data = {"action": "delete_selected", "_selected_action": [r.pk for r in rankings], "post": "yes"}
    assert editor_client.post(changelist_url(Ranking), data).status_code == 302
    assert not Ranking.objects.exists() and not RankingEntry.objects.exists()
    assert City.objects.count() == 2


def test_deleting_a_recognition_keeps_the_story_that_reported_it(editor_client, client):
    recognition = make_recognition(make_edition())
    article = make_article()
    article.recognitions.add(recognition)
    assert editor_client.post(delete_url(recognition), {"post": "yes"}).status_code == 302
    assert not Article.recognitions.through.objects.exists()
    assert reported_facts(client, article) == []
    assert AwardProgramme.objects.count() == 1

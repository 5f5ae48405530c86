"""The fixed links of every page's header and footer, and the sections menu."""

import pytest
from django.urls import reverse, set_script_prefix

from tests.conftest import make_section, parse

pytestmark = pytest.mark.django_db


def frame_links(page):
    return {
        "logo": page.select_one("a.site-logo")["href"],
        "nav": [a["href"] for a in page.select("nav.site-nav a")],
        "search": page.select_one("header form[role=search]")["action"],
        "footer": [a["href"] for a in page.select("footer.site-footer nav a")],
        "feeds": [link["href"] for link in page.select("head link[rel=alternate]")],
    }


def expected_links():
    return {
        "logo": reverse("articles:home"),
        "nav": [reverse(name) for name in ("articles:latest", "awards:cities", "awards:programmes", "awards:rankings")],
        "search": reverse("articles:search"),
        "footer": [reverse(name) for name in ("articles:section_list", "articles:archive", "articles:rss")],
        "feeds": [reverse("articles:rss"), reverse("articles:atom")],
    }


def test_every_page_links_to_the_fixed_pages(client):
    links = frame_links(parse(client.get("/")))
    assert links == expected_links()
    assert links["nav"] == ["/latest/", "/cities/", "/awards/", "/rankings/"]
    assert links["footer"] == ["/sections/", "/archive/", "/feeds/rss/"]


def test_links_follow_the_script_prefix_the_site_is_served_under(client):
    make_section(name="Awards", slug="awards")
    # What WSGIHandler does with SCRIPT_NAME for every request (the test client does not).
    set_script_prefix("/news/")
    try:
        prefixed = parse(client.get("/"))
        expected = expected_links()
    finally:
        set_script_prefix("/")
    links = frame_links(prefixed)
    assert links == expected
    assert links["nav"] == ["/news/latest/", "/news/cities/", "/news/awards/", "/news/rankings/"]
    assert [a["href"] for a in prefixed.select("nav.section-nav a")] == ["/news/section/awards/"]
    # The same process serving without the prefix gets its own links, not the remembered ones.
    assert frame_links(parse(client.get("/"))) == expected_links()


def test_the_sections_menu_follows_a_change_to_the_sections(client):
    section = make_section(name="Awards", slug="awards", position=1)
    make_section(name="Data", slug="data", position=2)

    def menu():
        return [(a.get_text(), a["href"]) for a in parse(client.get("/")).select("nav.section-nav a")]

    assert menu() == [("Awards", "/section/awards/"), ("Data", "/section/data/")]
    section.name, section.slug, section.position = "Prizes", "prizes", 3
    section.save()
    assert menu() == [("Data", "/section/data/"), ("Prizes", "/section/prizes/")]

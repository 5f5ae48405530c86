"""
Demo facts of the sample story: Shenzhen's two SCEWC 2020 awards and an online-services ranking.

Only Shenzhen's first place of 32 in 2020 comes from the story. The other cities' positions and
the whole 2019 edition are illustrative, there so movement and charts have something to show;
the ranking's method note and the city descriptions say so. Idempotent: update_or_create throughout.
"""

from dataclasses import dataclass
from datetime import date

from .models import AwardProgramme, Category, City, Edition, Organisation, Ranking, RankingEntry, Recognition

ILLUSTRATIVE = "Its place in the demo ranking is illustrative, not a published result."

RANKING_SLUG = "online-administration-service-capability"
# city slug: (2020 position, 2019 position); only Shenzhen's 2020 position is a reported fact.
DEMO_POSITIONS = {
    "shenzhen": (1, 3),
    "shanghai": (2, 1),
    "hangzhou": (3, 2),
    "beijing": (4, 4),
    "guangzhou": (5, 7),
    "chengdu": (6, 5),
    "wuhan": (7, None),
}

CITIES = [
    (
        "shenzhen",
        "Shenzhen",
        "China",
        "A city of Guangdong on the Pearl River Delta, bordering Hong Kong. Its first place in the 2020 "
        "online-services ranking is as reported; its 2019 place in the demo data is illustrative.",
    ),
    ("shanghai", "Shanghai", "China", f"One of the three host cities of SCEWC 2020. {ILLUSTRATIVE}"),
    ("hangzhou", "Hangzhou", "China", f"Capital of Zhejiang province. {ILLUSTRATIVE}"),
    ("beijing", "Beijing", "China", f"China's capital. {ILLUSTRATIVE}"),
    ("guangzhou", "Guangzhou", "China", f"Capital of Guangdong province. {ILLUSTRATIVE}"),
    ("chengdu", "Chengdu", "China", f"Capital of Sichuan province. {ILLUSTRATIVE}"),
    ("wuhan", "Wuhan", "China", f"Capital of Hubei province. {ILLUSTRATIVE}"),
    ("barcelona", "Barcelona", "Spain", "Home of the Smart City Expo World Congress every November since 2011."),
    ("new-york", "New York", "United States", "One of the three host cities of SCEWC 2020."),
]


def upsert_city(slug, name, country, description, parent=None):
    city, _ = City.objects.update_or_create(
        slug=slug, defaults={"name": name, "country": country, "description": description, "parent": parent}
    )
    return city


@dataclass
class DemoFacts:
    """The demo's rows, for the demo stories to link to: cities by slug, recognitions by a short key, ranking
    entries by (city slug, year)."""

    cities: dict
    recognitions: dict
    ranking_entries: dict


def load_awards_demo():
    """Create or refresh the demo facts."""
    cities = {slug: upsert_city(slug, name, country, text) for slug, name, country, text in CITIES}
    shenzhen = cities["shenzhen"]
    futian = upsert_city(
        "futian-district",
        "Futian District",
        "China",
        "Shenzhen's central district, home of the AI-HUB (SZ) innovation platform.",
        parent=shenzhen,
    )
    data_bureau, _ = Organisation.objects.update_or_create(
        name="Shenzhen Municipal Government Services Data Bureau", city=shenzhen
    )
    futian_government, _ = Organisation.objects.update_or_create(name="Futian District Government", city=futian)

    scewc, _ = AwardProgramme.objects.update_or_create(
        slug="smart-city-expo-world-congress",
        defaults={
            "name": "Smart City Expo World Congress",
            "short_name": "SCEWC",
            "aliases": ["Smart City Expo", "World Smart City Awards"],
            "organiser": "Fira de Barcelona",
            "website": "https://www.smartcityexpo.com/",
            "description": "A yearly congress and awards for smart cities, held in Barcelona each November "
            "since 2011, where city governments, companies, researchers and civic groups meet.",
        },
    )
    edition, _ = Edition.objects.update_or_create(
        programme=scewc,
        year=2020,
        defaults={"number": 10, "starts_on": date(2020, 11, 17), "ends_on": date(2020, 11, 18), "is_online": True},
    )
    edition.host_cities.set([cities["barcelona"], cities["shanghai"], cities["new-york"]])
    enabling, _ = Category.objects.update_or_create(
        programme=scewc, name="Enabling Technologies Award", defaults={"aliases": ["Enabling Technologies"]}
    )
    inclusive, _ = Category.objects.update_or_create(
        programme=scewc,
        name="Inclusive & Sharing Cities Award",
        defaults={"aliases": ["Inclusive and Sharing Cities", "Inclusive & Sharing Cities"]},
    )
    shenzhen_award, _ = Recognition.objects.update_or_create(
        edition=edition,
        category=enabling,
        city=shenzhen,
        organisation=None,
        defaults={"result": Recognition.Result.WINNER, "project_name": ""},
    )
    futian_award, _ = Recognition.objects.update_or_create(
        edition=edition,
        category=inclusive,
        project_name="AI-HUB (SZ)",
        defaults={
            "result": Recognition.Result.WINNER,
            "city": futian,
            "organisation": futian_government,
            "note": f"Built together with the {data_bureau.name}.",
        },
    )

    rankings = {}
    for year, note in [
        (
            2020,
            "Shenzhen's first place among 32 key cities is as reported in 2020. Every other position shown "
            "in this demo is illustrative and not a published result.",
        ),
        (2019, "Illustrative demo data: this whole edition is invented so movement and history can be shown."),
    ]:
        rankings[year], _ = Ranking.objects.update_or_create(
            slug=RANKING_SLUG,
            year=year,
            defaults={
                "title": "Online administration service capability",
                "publisher": "",  # our source story does not name one: readers are asked for it
                "scope": "32 key cities in China",
                "field_size": 32,
                "method_note": note,
                "higher_score_is_better": True,
                "allow_ties": False,
            },
        )
    entries = {}
    for slug, positions in DEMO_POSITIONS.items():
        for year, position in zip((2020, 2019), positions, strict=True):
            if position is not None:
                entries[slug, year], _ = RankingEntry.objects.update_or_create(
                    ranking=rankings[year], city=cities[slug], defaults={"position": position}
                )

    return DemoFacts(
        cities={**cities, "futian-district": futian},
        recognitions={"shenzhen-enabling": shenzhen_award, "futian-inclusive": futian_award},
        ranking_entries=entries,
    )

"""
Load the demo content: Shenzhen's 2020 SCEWC awards and its online-services rank, told in our own words
over four stories and a draft.

Idempotent: running it again updates the same rows instead of adding new ones.
The photos are drawn with Pillow, so the demo needs no files from anywhere.
"""

import io
import math
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw

from articles import images
from articles.models import Article, Author, Photo, Section
from awards.demo import load_awards_demo

CHINA = ZoneInfo("Asia/Shanghai")

# The sample story's facts, told in our own words and spread over the stories a newsroom would have written.
SCEWC_BODY = """
<p>Shenzhen picked up the Enabling Technologies Award at the 10th Smart City Expo World Congress (SCEWC) on 18 November 2020. The jury recognised how the city puts technology to work in the fine-grained, day-to-day management of urban services.</p>
<p>The 2020 congress ran on 17 and 18 November in three places at once, Barcelona, Shanghai and New York, with sessions both in person and online.</p>
<h2>A second award for Futian District</h2>
<p>Futian District also came home with a prize. Its AI-HUB (SZ) project won the Inclusive &amp; Sharing Cities Award. The hub gives government bodies, companies and research institutes a shared space for digital innovation, and includes an open laboratory built around two hard problems in artificial intelligence: getting data, and finding real scenarios to apply it to.</p>
<p>The Shenzhen Municipal Government Services Data Bureau and the Futian District Government built the project together. According to Yu Jie, who heads Futian's government services data bureau, more than 50 companies have joined the platform so far.</p>
<h2>Top of the rankings</h2>
<p>The awards follow strong showings at home. Shenzhen was rated first of 32 key Chinese cities for its capability to deliver administrative services online, and also came first in an assessment of how far China's smart cities have developed.</p>
<p>The city's next step is a Pengcheng Smart System with deep-learning capabilities, which it hopes will make Shenzhen a model for smart cities and for a "digital China".</p>
<p>The congress has been held in Barcelona every November since 2011 and brings together governments, companies, social organisations and researchers.</p>
"""

AI_HUB_BODY = """
<p>Futian District's AI-HUB (SZ) took the Inclusive &amp; Sharing Cities Award at the 10th Smart City Expo World Congress in November 2020, beside Shenzhen's own Enabling Technologies Award.</p>
<p>The project sets out to give government departments, businesses and research institutes one common space in which to try out digital ideas.</p>
<h2>An open lab for two hard problems</h2>
<p>At its centre is an open innovation laboratory aimed at two obstacles that artificial intelligence keeps running into: access to data, and real situations in which to put it to use.</p>
<p>The hub is a joint effort of the Shenzhen Municipal Government Services Data Bureau and the Futian District Government.</p>
<p>More than 50 companies have signed up to the platform so far, Yu Jie, director of the Futian District government services data bureau, said.</p>
"""

ONLINE_SERVICES_BODY = """
<p>Shenzhen came first among 32 key Chinese cities in a ranking of online administration service capability, a measure of how well a city government delivers its services over the internet.</p>
<p>The city also took first place in an assessment of the development level of China's smart cities.</p>
<p>Both results came before its Enabling Technologies Award at the 10th Smart City Expo World Congress.</p>
<h2>What comes next</h2>
<p>Shenzhen plans a Pengcheng Smart System capable of deep learning. The stated aim is to become a model for smart cities and for a "digital China", in which residents lead a digital life and help build a smart society together.</p>
<p>Our source does not name the ranking's publisher. citynews lists the ranking without one until it is confirmed.</p>
"""

THREE_CITIES_BODY = """
<p>The Smart City Expo World Congress has met in Barcelona every November since 2011. It is where city governments, companies, social organisations and research centres come to compare what works.</p>
<p>Its tenth edition, on 17 and 18 November 2020, did not stay in one place. It ran in Barcelona, Shanghai and New York at the same time, with sessions in person and online.</p>
<h2>What Shenzhen took home</h2>
<p>Two of the edition's awards went to Shenzhen: the Enabling Technologies Award to the city itself, for the way it uses technology in the detailed management of urban life, and the Inclusive &amp; Sharing Cities Award to Futian District's AI-HUB (SZ).</p>
<p>For a city that already led a national ranking of online administration services, the congress added an international prize to a domestic record.</p>
"""

PENGCHENG_DRAFT_BODY = """
<p>Shenzhen has said it will build a Pengcheng Smart System capable of deep learning, to become a model for smart cities and for a "digital China".</p>
<p>Still to confirm with the city: who builds it, what it costs and when it starts.</p>
"""


@dataclass(frozen=True)
class DemoPhoto:
    file_name: str
    banner: str
    sky: tuple  # the top and bottom colours of the sky
    alt_text: str
    caption: str


@dataclass(frozen=True)
class DemoStory:
    slug: str
    title: str
    standfirst: str
    body: str
    section: str
    tags: list
    cities: list  # city slugs (awards.demo.CITIES)
    recognitions: list = field(default_factory=list)  # keys of awards.demo.DemoFacts.recognitions
    ranks: list = field(default_factory=list)  # (city slug, year) of the demo ranking
    published_at: datetime | None = None  # None: a draft
    photo: DemoPhoto | None = None


SCEWC_PHOTO = DemoPhoto(
    file_name="scewc-2020.jpg",
    banner="SMART CITY EXPO WORLD CONGRESS 2020",
    sky=((20, 40, 170), (80, 110, 90)),
    alt_text="Illustration of a city skyline at dusk under a Smart City Expo World Congress 2020 banner",
    caption="The 10th Smart City Expo World Congress ran in Barcelona, Shanghai and New York at once.",
)
THREE_CITIES_PHOTO = DemoPhoto(
    file_name="scewc-2020-three-cities.jpg",
    banner="BARCELONA · SHANGHAI · NEW YORK",
    sky=((70, 30, 110), (200, 120, 70)),
    alt_text="Illustration of a skyline at sunset under a banner naming Barcelona, Shanghai and New York",
    caption="SCEWC 2020 met in three host cities on the same two days, in person and online.",
)

DEMO_STORIES = [
    DemoStory(
        slug="shenzhen-wins-enabling-technologies-award-scewc-2020",
        title="Shenzhen wins Enabling Technologies Award at Smart City Expo World Congress",
        standfirst="The city's technology-driven urban management was honoured at the 10th SCEWC, "
        "while Futian District's AI-HUB (SZ) took the Inclusive & Sharing Cities Award.",
        body=SCEWC_BODY,
        section="news",
        tags=["Shenzhen", "SCEWC", "Smart City Expo World Congress", "Futian District"],
        cities=["shenzhen", "futian-district"],
        recognitions=["shenzhen-enabling", "futian-inclusive"],
        ranks=[("shenzhen", 2020)],
        published_at=datetime(2020, 11, 20, 13, 11, tzinfo=CHINA),
        photo=SCEWC_PHOTO,
    ),
    DemoStory(
        slug="three-host-cities-scewc-2020",
        title="One congress in three cities: how SCEWC 2020 was held",
        standfirst="Barcelona has hosted the Smart City Expo World Congress every November since 2011. "
        "Its tenth edition ran in Shanghai and New York as well.",
        body=THREE_CITIES_BODY,
        section="analysis",
        tags=["SCEWC", "Smart City Expo World Congress", "Barcelona"],
        cities=["barcelona", "shanghai", "new-york"],
        recognitions=["shenzhen-enabling", "futian-inclusive"],
        published_at=datetime(2020, 11, 20, 9, 30, tzinfo=CHINA),
        photo=THREE_CITIES_PHOTO,
    ),
    DemoStory(
        slug="shenzhen-first-of-32-cities-online-services",
        title="Shenzhen ranked first of 32 key cities for online government services",
        standfirst="The city also led an assessment of how far China's smart cities have developed, "
        "and plans a deep-learning Pengcheng Smart System next.",
        body=ONLINE_SERVICES_BODY,
        section="news",
        tags=["Shenzhen", "Online services", "Rankings"],
        cities=["shenzhen"],
        ranks=[("shenzhen", 2020)],
        published_at=datetime(2020, 11, 19, 16, 0, tzinfo=CHINA),
    ),
    DemoStory(
        slug="futian-ai-hub-inclusive-sharing-cities-award",
        title="Futian District's AI-HUB (SZ) wins Inclusive & Sharing Cities Award",
        standfirst="An open lab for data and real-world uses of artificial intelligence has drawn more than "
        "50 companies, says the district's data bureau.",
        body=AI_HUB_BODY,
        section="news",
        tags=["Futian District", "AI-HUB (SZ)", "SCEWC", "Artificial intelligence"],
        cities=["futian-district", "shenzhen"],
        recognitions=["futian-inclusive"],
        published_at=datetime(2020, 11, 19, 10, 0, tzinfo=CHINA),
    ),
    # A draft, for editors to find in the admin: readers never see it.
    DemoStory(
        slug="pengcheng-smart-system-what-we-know",
        title="Pengcheng Smart System: what Shenzhen has said so far",
        standfirst="The city's next smart-city project, in its own words, and what is still to confirm.",
        body=PENGCHENG_DRAFT_BODY,
        section="analysis",
        tags=["Shenzhen"],
        cities=["shenzhen"],
    ),
]


def draw_demo_photo(*, banner=SCEWC_PHOTO.banner, sky=SCEWC_PHOTO.sky, width=1600, height=1000):
    """A skyline under a banner, the sky shading from ``sky[0]`` to ``sky[1]``: enough to look like an event photo."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)], fill=tuple(round(top + (bottom - top) * t) for top, bottom in zip(*sky, strict=True))
        )
    for index in range(28):
        x = index * width // 28
        tower = int(height * (0.25 + 0.35 * abs(math.sin(index * 1.7))))
        draw.rectangle([x + 4, height - tower, x + width // 28 - 4, height], fill=(18, 24, 38))
        for window_y in range(height - tower + 12, height - 10, 26):
            draw.rectangle([x + 12, window_y, x + 20, window_y + 10], fill=(250, 210, 120))
    # The banner keeps clear of the top sixth: the front page's widest crop (16:7, centred) cuts that much away.
    draw.rectangle([width * 0.2, height * 0.2, width * 0.8, height * 0.32], fill=(11, 92, 173))
    text_width = draw.textlength(banner, font_size=44)
    draw.text(((width - text_width) / 2, height * 0.24), banner, fill=(255, 255, 255), font_size=44)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Load (or refresh) the demo content so a new install shows real-looking pages."

    @transaction.atomic
    def handle(self, *args, **options):
        sections = {
            "news": upsert_section("news", "News", 1, "Awards won and ranks taken by cities, as they happen."),
            "analysis": upsert_section(
                "analysis", "Analysis", 2, "What the prizes and league tables say about cities."
            ),
        }
        staff, _ = Author.objects.update_or_create(
            slug="citynews-staff",
            defaults={"name": "citynews staff", "is_organisation": True, "bio": "The citynews newsroom."},
        )
        facts = load_awards_demo()
        for story in DEMO_STORIES:
            article, created = Article.objects.update_or_create(
                slug=story.slug,
                defaults={
                    "title": story.title,
                    "standfirst": story.standfirst,
                    "body": story.body.strip(),
                    "source_name": "Shenzhen Daily",
                    # The sample gives the paper's name but no address for the story: no link is invented.
                    "source_url": "",
                    "byline": "citynews staff",
                    "author": staff,
                    "section": sections[story.section],
                    "status": Article.Status.PUBLISHED if story.published_at else Article.Status.DRAFT,
                    "published_at": story.published_at,
                },
            )
            article.tags.set(story.tags)
            article.cities.set([facts.cities[slug] for slug in story.cities])
            article.recognitions.set([facts.recognitions[key] for key in story.recognitions])
            article.ranking_entries.set([facts.ranking_entries[key] for key in story.ranks])
            if story.photo:
                ensure_lead_photo(article, story.photo)
            state = "draft" if article.status == Article.Status.DRAFT else "story"
            self.stdout.write(
                self.style.SUCCESS(f"{'Created' if created else 'Updated'} demo {state}: {article.title}")
            )


def upsert_section(slug, name, position, description):
    section, _ = Section.objects.update_or_create(
        slug=slug, defaults={"name": name, "position": position, "description": description}
    )
    return section


def ensure_lead_photo(article, spec):
    lead = article.photos.filter(is_lead=True).first()
    if lead and not lead.image.storage.exists(lead.image.name):
        lead.delete()  # the media folder was cleared: draw the photo again
        lead = None
    if lead and not lead.social_crops:
        # Loaded before photos had JPEG crops for search engines and social cards: write them now.
        crops = images.make_social_crops(lead.image.storage, lead.image.name)
        Photo.objects.filter(pk=lead.pk).update(social_crops=crops)
    if lead is None:
        photo = Photo(
            article=article,
            alt_text=spec.alt_text,
            caption=spec.caption,
            credit="citynews illustration",
            is_lead=True,
        )
        photo.image = SimpleUploadedFile(
            spec.file_name, draw_demo_photo(banner=spec.banner, sky=spec.sky), content_type="image/jpeg"
        )
        photo.full_clean()
        photo.save()

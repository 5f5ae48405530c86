"""
Load the demo story: Shenzhen's 2020 SCEWC awards, told in our own words.

Idempotent: running it again updates the same rows instead of adding new ones.
The photo is drawn with Pillow, so the demo needs no files from anywhere.
"""

import io
import math
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

DEMO_BODY = """
<p>Shenzhen picked up the Enabling Technologies Award at the 10th Smart City Expo World Congress (SCEWC) on 18 November 2020. The jury recognised how the city puts technology to work in the fine-grained, day-to-day management of urban services.</p>
<p>Because of the pandemic, the 2020 congress ran on 17 and 18 November in three places at once, Barcelona, Shanghai and New York, with sessions both in person and online.</p>
<h2>A second award for Futian District</h2>
<p>Futian District also came home with a prize. Its AI-HUB (SZ) project won the Inclusive &amp; Sharing Cities Award. The hub gives government bodies, companies and research institutes a shared space for digital innovation, and includes an open laboratory built around two hard problems in artificial intelligence: getting data, and finding real scenarios to apply it to.</p>
<p>The Shenzhen Municipal Government Services Data Bureau and the Futian District Government built the project together. According to Yu Jie, who heads Futian's government services data bureau, more than 50 companies have joined the platform so far.</p>
<h2>Top of the rankings</h2>
<p>The awards follow strong showings at home. Shenzhen was rated first of 32 key Chinese cities for its capability to deliver administrative services online, and also came first in an assessment of how far China's smart cities have developed.</p>
<p>The city's next step is a Pengcheng Smart System with deep-learning capabilities, which it hopes will make Shenzhen a model for smart cities and for a "digital China".</p>
<p>The congress has been held in Barcelona every November since 2011 and brings together governments, companies, social organisations and researchers.</p>
"""


def draw_demo_photo(width=1600, height=1000):
    """A dusk skyline with a congress banner: enough to look like a real event photo."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(20 + 60 * t), int(40 + 70 * t), int(90 + 80 * (1 - t))))
    for index in range(28):
        x = index * width // 28
        tower = int(height * (0.25 + 0.35 * abs(math.sin(index * 1.7))))
        draw.rectangle([x + 4, height - tower, x + width // 28 - 4, height], fill=(18, 24, 38))
        for window_y in range(height - tower + 12, height - 10, 26):
            draw.rectangle([x + 12, window_y, x + 20, window_y + 10], fill=(250, 210, 120))
    draw.rectangle([width * 0.2, height * 0.08, width * 0.8, height * 0.2], fill=(11, 92, 173))
    draw.text((width * 0.24, height * 0.12), "SMART CITY EXPO WORLD CONGRESS 2020", fill=(255, 255, 255), font_size=44)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Load (or refresh) the demo content so a new install shows real-looking pages."

    @transaction.atomic
    def handle(self, *args, **options):
        section, _ = Section.objects.update_or_create(
            slug="news",
            defaults={
                "name": "News",
                "position": 1,
                "description": "Awards won and ranks taken by cities, as they happen.",
            },
        )
        Section.objects.update_or_create(
            slug="analysis",
            defaults={
                "name": "Analysis",
                "position": 2,
                "description": "What the prizes and league tables say about cities.",
            },
        )
        staff, _ = Author.objects.update_or_create(
            slug="citynews-staff",
            defaults={"name": "citynews staff", "is_organisation": True, "bio": "The citynews newsroom."},
        )
        article, created = Article.objects.update_or_create(
            slug="shenzhen-wins-enabling-technologies-award-scewc-2020",
            defaults={
                "title": "Shenzhen wins Enabling Technologies Award at Smart City Expo World Congress",
                "standfirst": "The city's technology-driven urban management was honoured at the 10th SCEWC, "
                "while Futian District's AI-HUB (SZ) took the Inclusive & Sharing Cities Award.",
                "body": DEMO_BODY.strip(),
                "source_name": "Shenzhen Daily",
                # The sample gives the paper's name but no address for the story: no link is invented.
                "source_url": "",
                "byline": "citynews staff",
                "author": staff,
                "section": section,
                "status": Article.Status.PUBLISHED,
                "published_at": datetime(2020, 11, 20, 13, 11, tzinfo=CHINA),
            },
        )
        article.tags.set(["Shenzhen", "SCEWC", "Smart City Expo World Congress", "Futian District"])
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
                alt_text="Illustration of a city skyline at dusk under a Smart City Expo World Congress 2020 banner",
                caption="The 10th Smart City Expo World Congress ran in Barcelona, Shanghai and New York at once.",
                credit="citynews illustration",
                is_lead=True,
            )
            photo.image = SimpleUploadedFile("scewc-2020.jpg", draw_demo_photo(), content_type="image/jpeg")
            photo.full_clean()
            photo.save()
        load_awards_demo(article)
        self.stdout.write(self.style.SUCCESS(f"{'Created' if created else 'Updated'} demo story: {article.title}"))

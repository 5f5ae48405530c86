"""
Generate a large, realistic dataset for the benchmark (bench/run.py): many live articles with
tags, sections, lead photos and city links, plus cities, award editions and rankings.

Rows are written with bulk_create in batches; photos share a handful of real image files
(drawn once with Pillow) so that pages render true srcset markup without 100,000 uploads.
Safe to re-run: it tops the dataset up to the requested size.
"""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import images
from articles.models import Article, Photo, Section
from awards.management.commands.load_demo import draw_demo_photo
from awards.models import AwardProgramme, Category, City, Edition, Ranking, RankingEntry, Recognition

WORDS = (
    "smart city award ranking digital government service data platform district mobility energy "
    "innovation transport sensor network resident open lab pilot metro cloud model expo congress "
    "jury winner finalist edition category score position index capability assessment bureau"
).split()
SECTIONS = ["News", "Analysis", "Policy", "Technology", "Mobility", "Data"]
BATCH = 2000


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


class Command(BaseCommand):
    help = "Top the database up to N live articles (default 100,000) with tags, photos and city links."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--tags", type=int, default=500)
        parser.add_argument("--cities", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args, articles, tags, cities, seed, **options):
        rng = random.Random(seed)
        sections = [
            Section.objects.get_or_create(slug=name.lower(), defaults={"name": name, "position": i})[0]
            for i, name in enumerate(SECTIONS)
        ]
        tag_objects = self.ensure_tags(tags)
        photo_files = self.ensure_photo_files()
        facts = self.ensure_awards(rng, cities, years=range(timezone.now().year - 9, timezone.now().year + 1))
        existing = Article.objects.count()
        now = timezone.now()
        for start in range(existing, articles, BATCH):
            stop = min(start + BATCH, articles)
            with transaction.atomic():
                batch = [
                    Article(
                        title=f"{sentence(rng, 7)[:-1]} {n}",
                        slug=f"bench-story-{n}",
                        standfirst=sentence(rng, 22),
                        body="".join(f"<p>{sentence(rng, 40)}</p>" for _ in range(8)),
                        source_name="citynews bench",
                        section=rng.choice(sections),
                        status=Article.Status.PUBLISHED,
                        published_at=now - timedelta(minutes=30 * n + 1),
                    )
                    for n in range(start, stop)
                ]
                created = Article.objects.bulk_create(batch)
                Photo.objects.bulk_create(
                    Photo(
                        article=article, is_lead=True, alt_text=f"Bench photo {article.slug}", **rng.choice(photo_files)
                    )
                    for n, article in enumerate(created, start)
                )
                article_type = ContentType.objects.get_for_model(Article)
                TaggedItem.objects.bulk_create(
                    TaggedItem(tag=tag, content_type=article_type, object_id=article.pk)
                    for article in created
                    for tag in rng.sample(tag_objects, 3)
                )
                self.link_facts(rng, created, *facts)
            self.stdout.write(f"articles: {stop}/{articles}")
        self.stdout.write(self.style.SUCCESS(f"{Article.objects.count()} articles in the database"))

    def ensure_tags(self, count):
        existing = {tag.slug for tag in Tag.objects.all()}
        Tag.objects.bulk_create(
            Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(count) if f"topic-{n}" not in existing
        )
        return list(Tag.objects.filter(slug__startswith="topic-"))

    def ensure_photo_files(self):
        """Five real images with renditions, shared by every bench photo."""
        files = []
        for n in range(5):
            name = f"photos/bench/bench-{n}.jpg"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(draw_demo_photo(width=1600, height=1000)))
            renditions = [
                {"width": w, "height": round(1000 * w / 1600), "name": f"photos/bench/bench-{n}-{w}w.webp"}
                for w in (320, 640, 960, 1280, 1600)
            ]
            if not all(default_storage.exists(r["name"]) for r in renditions):
                renditions = images.make_renditions(default_storage, name)
            files.append({"image": name, "width": 1600, "height": 1000, "renditions": renditions})
        return files

    def ensure_awards(self, rng, city_count, years):
        """Cities (a fifth of them districts), ten editions of one programme, five ranking series."""
        existing = City.objects.filter(slug__startswith="bench-city-").count()
        if existing < city_count:
            tops = City.objects.bulk_create(
                City(name=f"Bench City {n}", slug=f"bench-city-{n}", country="Benchland")
                for n in range(existing, city_count)
                if n % 5
            )
            City.objects.bulk_create(
                City(name=f"Bench District {n}", slug=f"bench-city-{n}", country="Benchland", parent=rng.choice(tops))
                for n in range(existing, city_count)
                if not n % 5
            )
        cities = list(City.objects.filter(slug__startswith="bench-city-"))
        top_level = [city for city in cities if city.parent_id is None]

        programme, _ = AwardProgramme.objects.get_or_create(
            slug="bench-awards", defaults={"name": "Bench Smart City Awards", "organiser": "Bench organiser"}
        )
        categories = [
            Category.objects.get_or_create(programme=programme, name=f"Bench category {n}")[0] for n in range(8)
        ]
        for number, year in enumerate(years, start=1):
            edition, created = Edition.objects.get_or_create(
                programme=programme, year=year, defaults={"number": number}
            )
            if created:
                Recognition.objects.bulk_create(
                    Recognition(
                        edition=edition,
                        category=category,
                        city=city,
                        result=Recognition.Result.WINNER if rank == 0 else Recognition.Result.FINALIST,
                        project_name=f"Project {year}-{category.pk}-{rank}",
                    )
                    for category in categories
                    for rank, city in enumerate(rng.sample(cities, 3))
                )
        for series in range(5):
            for year in years:
                ranking, created = Ranking.objects.get_or_create(
                    slug=f"bench-ranking-{series}",
                    year=year,
                    defaults={
                        "title": f"Bench ranking {series}",
                        "publisher": "Bench institute",
                        "scope": "100 bench cities",
                        "field_size": 100,
                    },
                )
                if created:
                    RankingEntry.objects.bulk_create(
                        RankingEntry(
                            ranking=ranking,
                            city=city,
                            position=position,
                            score=1000 - position * 7,
                            ranking_field_size=100,
                        )
                        for position, city in enumerate(rng.sample(top_level, 100), start=1)
                    )
        return (
            cities,
            list(Recognition.objects.filter(edition__programme=programme)),
            list(RankingEntry.objects.filter(ranking__slug__startswith="bench-ranking-")),
        )

    def link_facts(self, rng, articles, cities, recognitions, entries):
        """Every story is about two cities; one in ten reports an award, one in ten a rank."""
        Article.cities.through.objects.bulk_create(
            Article.cities.through(article_id=article.pk, city_id=city.pk)
            for article in articles
            for city in rng.sample(cities, 2)
        )
        Article.recognitions.through.objects.bulk_create(
            Article.recognitions.through(article_id=article.pk, recognition_id=rng.choice(recognitions).pk)
            for article in articles[::10]
        )
        Article.ranking_entries.through.objects.bulk_create(
            Article.ranking_entries.through(article_id=article.pk, rankingentry_id=rng.choice(entries).pk)
            for article in articles[5::10]
        )

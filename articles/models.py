"""Articles, their sections and photos. ``Article.objects.published()`` decides what readers see."""

import functools
import math
import mimetypes
import operator
import uuid
from html import unescape

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connections, models, router
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag

from citynews import fragments
from citynews.text import plain_text_constraints, validate_multi_line, validate_single_line

from . import images
from .html import placed_photo_ids, replace_photo_placeholders, sanitize_html
from .signals import remove_photo_files
from .uncommitted_files import kept_if_committed

# Far beyond any real story (a long feature is ~60,000 characters of HTML), small enough that a
# pasted document or a hostile POST cannot bloat the table, the history and every page render.
ARTICLE_BODY_MAX_CHARS = 1_000_000


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(max_length=2000, blank=True, validators=[validate_multi_line])
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the site navigation.")

    class Meta:
        ordering = ["position", "name"]
        constraints = plain_text_constraints("section", single_line=["name"], multi_line=["description"])

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(models.Model):
    """Who wrote a story: a person, or an organisation when the byline is a desk or an agency."""

    name = models.CharField(max_length=120, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    is_organisation = models.BooleanField(
        "organisation", default=False, help_text="A desk, agency or company rather than a person."
    )
    bio = models.TextField(max_length=1000, blank=True, validators=[validate_multi_line])
    website = models.URLField(max_length=500, blank=True, help_text="Their own page elsewhere, if any.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="author_slug_not_empty"),
            *plain_text_constraints("author", single_line=["name"], multi_line=["bio"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


# Versions for citynews.fragments (PostgreSQL). A card shows the story, its section and its lead photo; a story's
# main part also its author, every photo, its tags, cities and reported facts (the links' ids: one removed and
# another added is a different list).
_STORY, _SECTION, _AUTHOR = (fragments.row_version_sql(table) for table in ("story", "section", "author"))
_PHOTO, _TAG = fragments.row_version_sql("photo"), fragments.row_version_sql("tag")
CARD_VERSION_SQL = f"""concat_ws('.', {fragments.row_version_sql('"articles_article"')},
    coalesce((SELECT {_SECTION} FROM articles_section section WHERE section.id = "articles_article".section_id), '-'),
    coalesce((SELECT {_PHOTO} FROM articles_photo photo WHERE photo.article_id = "articles_article".id
              AND photo.is_lead), '-'))"""
STORY_VERSION_SQL = f"""md5(concat_ws('|', {fragments.row_version_sql('"articles_article"')},
    coalesce((SELECT {_SECTION} FROM articles_section section WHERE section.id = "articles_article".section_id), '-'),
    coalesce((SELECT {_AUTHOR} FROM articles_author author WHERE author.id = "articles_article".author_id), '-'),
    coalesce((SELECT string_agg(photo.id || '.' || {_PHOTO}, ',' ORDER BY photo.id) FROM articles_photo photo
              WHERE photo.article_id = "articles_article".id), '-'),
    coalesce((SELECT string_agg(item.id || '.' || {_TAG}, ',' ORDER BY item.id)
              FROM taggit_taggeditem item JOIN taggit_tag tag ON tag.id = item.tag_id
              JOIN django_content_type type ON type.id = item.content_type_id
              WHERE item.object_id = "articles_article".id AND type.app_label = 'articles' AND type.model = 'article'),
             '-'),
    coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM articles_article_cities
              WHERE article_id = "articles_article".id), '-'),
    coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM articles_article_recognitions
              WHERE article_id = "articles_article".id), '-'),
    coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM articles_article_ranking_entries
              WHERE article_id = "articles_article".id), '-'),
    {fragments.AWARDS_VERSION_SQL}))"""


class ArticleQuerySet(models.QuerySet):
    def _versions_readable(self):
        return fragments.enabled(self.db)

    def published(self):
        """Live articles: published, and their time has come (scheduling needs no cron)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published but waiting for their time: live later without anyone touching them."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def publish(self):
        """Publish drafts: now, or at the time an editor already scheduled. Returns the count.

        One save per article, not one UPDATE: each gets a version in its history, a new
        lost-update version, its sitemap date and a page-cache retirement through the signals.
        """
        now = timezone.now()
        count = 0
        for article in self.filter(status=Article.Status.DRAFT):
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or now
            article.save()
            count += 1
        return count

    def unpublish(self):
        count = 0
        for article in self.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        return count

    def for_listing(self, with_body=False):
        """What a list of story cards needs: section and lead photo, not the (long) body. One query.

        The lead photo comes in the same row through a join: a story has at most one (a unique
        constraint), so the join never repeats a story.
        """
        stories = self.annotate(card_version=RawSQL(CARD_VERSION_SQL, ())) if self._versions_readable() else self
        listing = stories.annotate(
            lead=FilteredRelation("photos", condition=Q(photos__is_lead=True)), lead_photo_joined=Value(True)
        ).select_related("section", "lead")
        return listing.defer("search_vector") if with_body else listing.defer("body", "rendered_body", "search_vector")

    def for_detail(self):
        """A story page: its photos, tags and cities, and whether it reports awards or ranks at all.

        Most stories report neither, so the facts box asks for them only when there are some
        (``reported_recognitions``, ``reported_ranks``): two EXISTS here save two nine-table joins.
        """
        return self.for_story_page().prefetch_related(*self.STORY_PAGE_LINKS)

    STORY_PAGE_LINKS = ("tags", "photos", "cities")

    def for_story_page(self):
        """``for_detail()`` without its links, with the story's fragment version where fragments are cached: the
        page's main part, when cached under that version, needs none of them (ArticleDetailView)."""
        stories = self.annotate(story_version=RawSQL(STORY_VERSION_SQL, ())) if self._versions_readable() else self
        return (
            stories.defer("search_vector")
            .select_related("section", "author")
            .annotate(
                reports_recognitions=Exists(Article.recognitions.through.objects.filter(article=OuterRef("pk"))),
                reports_ranks=Exists(Article.ranking_entries.through.objects.filter(article=OuterRef("pk"))),
            )
        )

    def on_front_page(self):
        """Stories editors picked for the front page whose pick has not ended, in the editors' order.

        Chained after ``published()``: a pick of a draft or scheduled story shows nothing until it is live.
        """
        now = timezone.now()
        return self.filter(
            Q(front_page_pick__ends_at__isnull=True) | Q(front_page_pick__ends_at__gt=now),
            front_page_pick__isnull=False,
        ).order_by("front_page_pick__position", "-published_at", "-id")

    def newest_per_section(self, sections, limit, excluding=()):
        """Up to ``limit`` newest stories of each of ``sections`` but those in ``excluding`` (ids), in one query,
        newest first overall."""
        if not sections:
            return self.none()
        stories = self.exclude(pk__in=excluding) if excluding else self
        parts = [
            stories.filter(section=section).order_by("-published_at", "-id").values("pk")[:limit]
            for section in sections
        ]
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            chosen = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
            return self.filter(pk__in=chosen).order_by("-published_at", "-id")
        # SQLite cannot limit the parts of a UNION: number each section's stories instead.
        numbered = stories.filter(section__in=sections).annotate(
            place_in_section=Window(
                RowNumber(), partition_by=F("section_id"), order_by=[F("published_at").desc(), F("id").desc()]
            )
        )
        return numbered.filter(place_in_section__lte=limit).order_by("-published_at", "-id")

    def beside_in_section(self, article):
        """The stories just before and just after ``article`` in its section, in one query (0, 1 or 2 of them)."""
        if article.section_id is None or article.published_at is None:
            return self.none()
        same_section = self.filter(section_id=article.section_id).exclude(pk=article.pk).values("pk")
        when = article.published_at
        older = same_section.filter(Q(published_at__lt=when) | Q(published_at=when, pk__lt=article.pk))
        newer = same_section.filter(Q(published_at__gt=when) | Q(published_at=when, pk__gt=article.pk))
        older, newer = older.order_by("-published_at", "-id")[:1], newer.order_by("published_at", "id")[:1]
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            # One UNION, not "IN (older) OR IN (newer)": PostgreSQL scans the whole table for that OR (50 ms at
            # 100,000 stories against 0.1 ms).
            beside = Q(pk__in=older.union(newer, all=True))
        else:
            beside = Q(pk__in=older) | Q(pk__in=newer)
        return self.filter(beside).only("title", "slug", "published_at", "section_id")

    def titles_by_reported(self, field, pks):
        """``{pk: ["“Title”", ...]}`` for the stories that report any of ``pks`` through ``field``
        ("recognitions" or "ranking_entries"), titles in alphabetical order; rows no story reports are absent.
        Drafts count: an editor must not delete a fact from under a story they are still writing."""
        titles = {}
        for pk, title in self.filter(**{f"{field}__in": pks}).order_by("title").values_list(field, "title"):
            titles.setdefault(pk, []).append(f"“{title}”")
        return titles

    def tagged(self, tag):
        """Stories with ``tag``, newest first, read in order from the tag's timeline at any page depth."""
        return self.filter(tagtimeline__tag=tag, tagtimeline__published_at__lte=timezone.now()).order_by(
            "-tagtimeline__published_at", "-tagtimeline__article_id"
        )

    def about_city(self, city, limit):
        """The ``limit`` newest stories about ``city`` or one of its districts (prefetch them: no query)."""
        family = [city, *city.districts.all()]
        return self.newest_on_timelines([(CityTimeline, "city", member) for member in family], limit)

    def related_to(self, article, limit=4):
        """The newest stories sharing a tag or a city with ``article`` (its tags and cities prefetched), as a list.

        The story is on each of its own timelines: one more is asked for, and the story itself left out here
        rather than excluded in every timeline's part of the query, which halves the work of building it.
        """
        timelines = [(TagTimeline, "tag", tag) for tag in article.tags.all()]
        timelines += [(CityTimeline, "city", city) for city in article.cities.all()]
        newest = self.newest_on_timelines(timelines, limit + 1)
        return [story for story in newest if story.pk != article.pk][:limit]

    def newest_on_timelines(self, timelines, limit):
        """The ``limit`` newest stories found on any of ``timelines``, newest first, in one query.

        ``timelines`` are (timeline model, field, value) triples: ``(TagTimeline, "tag", tag)`` is the
        tag's timeline. Each timeline gives its own newest ``limit`` stories from its index, and only
        the union of those few ids reaches the story table: the cost depends on the number of
        timelines and on ``limit``, not on how many stories there are or how old the matching ones are.
        """
        if not timelines:
            return self.none()
        now = timezone.now()
        live = {
            model: model.objects.filter(published_at__lte=now).values("article") for model in {t[0] for t in timelines}
        }
        parts = [live[model].filter(**{field: value}) for model, field, value in timelines]
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            newest = [part.order_by("-published_at", "-article_id")[:limit] for part in parts]
            candidates = Q(pk__in=newest[0].union(*newest[1:], all=True) if len(newest) > 1 else newest[0])
        else:
            # SQLite cannot limit the parts of a UNION: each timeline offers all its stories instead.
            candidates = functools.reduce(operator.or_, (Q(pk__in=part) for part in parts))
        return self.filter(candidates).order_by("-published_at", "-id")[:limit]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text="The last part of the article's address. Letters in any script, digits and hyphens.",
    )
    standfirst = models.TextField(
        max_length=600,
        blank=True,
        help_text="One or two sentences under the headline, also used in lists.",
        validators=[validate_multi_line],
    )
    body = ProseEditorField(
        config={
            "extensions": {
                "Bold": True,
                "Italic": True,
                "Underline": True,
                "Strike": True,
                "Subscript": True,
                "Superscript": True,
                "Heading": {"levels": [2, 3, 4]},
                "BulletList": True,
                "OrderedList": True,
                "ListItem": True,
                "Blockquote": True,
                "HorizontalRule": True,
                "Link": {"protocols": ["http", "https", "mailto"]},
                "Table": True,
                "TableRow": True,
                "TableHeader": True,
                "TableCell": True,
                "History": True,
                "SpecialCharacters": True,
                # The library turns the browser's spellcheck off by default; a newsroom wants it.
                "NoSpellCheck": False,
                "PhotoFigure": True,
            }
        },
        sanitize=sanitize_html,
        blank=True,
        validators=[MaxLengthValidator(ARTICLE_BODY_MAX_CHARS)],
    )
    source_name = models.CharField(
        max_length=120,
        blank=True,
        help_text='Shown as "From: …", e.g. Shenzhen Daily.',
        validators=[validate_single_line],
    )
    source_url = models.URLField(max_length=500, blank=True)
    source_updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the source last updated the story, so editors can judge how fresh it is.",
    )
    # The body as readers get it: the photo placeholders replaced by their figures, rendered when the story or
    # one of its photos is saved, never per request (Article.render_body). Nullable only so that SQLite adds the
    # column in place rather than rebuilding the table under its timeline triggers; every save fills it.
    rendered_body = models.TextField(null=True, editable=False)
    byline = models.CharField(
        max_length=120,
        blank=True,
        validators=[validate_single_line],
        help_text="As printed. Choose an author too, to link their page.",
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, null=True, blank=True, related_name="articles")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, related_name="articles")
    tags = TaggableManager(blank=True)
    cities = models.ManyToManyField("awards.City", blank=True, related_name="articles")
    recognitions = models.ManyToManyField("awards.Recognition", blank=True, related_name="articles")
    ranking_entries = models.ManyToManyField("awards.RankingEntry", blank=True, related_name="articles")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A future time schedules the article: it goes live by itself at that time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    content_changed_at = models.DateTimeField(
        null=True,
        editable=False,
        help_text="When readers last saw a change: moves on saves of a published article, never on a draft save.",
    )
    # Set by "Mark as updated" in the admin (read-only there), never typed in.
    substantive_update_at = models.DateTimeField(
        "updated for readers at",
        null=True,
        blank=True,
        help_text="When an editor marked a change readers should know about: the only time shown as Updated.",
    )
    update_note = models.TextField(
        "correction or update note",
        max_length=1000,
        blank=True,
        help_text="Shown to readers under the headline, e.g. what was corrected.",
        validators=[validate_multi_line],
    )
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    # Kept up to date by a PostgreSQL trigger (migration 0002) so bulk updates and imports are indexed too.
    search_vector = SearchVectorField(null=True, editable=False)
    # Bumped on every save; the admin form refuses a save based on an older one (lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Derived from the other fields (by the database, or on save): no need to keep their past.
    history = HistoricalRecords(excluded_fields=["search_vector", "rendered_body"])

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", "Can publish and unpublish articles")]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_live_idx"),
            # A section's newest stories (its page, its front-page block, a story's previous and next) as a range.
            models.Index(fields=["section", "status", "-published_at"], name="article_section_live_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="article_status_valid"),
            *plain_text_constraints(
                "article", single_line=["title", "source_name", "byline"], multi_line=["standfirst", "update_note"]
            ),
            models.CheckConstraint(
                condition=Q(substantive_update_at__isnull=True) | Q(substantive_update_at__gte=F("published_at")),
                name="article_update_after_publication",
                violation_error_message="An update cannot come before the story was published.",
            ),
        ]

    # What readers see of a story; a save that changes none of these is not news to a crawler.
    READER_VISIBLE_FIELDS = (
        "title", "slug", "standfirst", "body", "byline", "source_name", "source_url", "section_id", "status",
        "published_at", "author_id", "update_note",
    )  # fmt: skip

    def __str__(self):
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._loaded_visible = article._visible_values()
        return article

    def _visible_values(self):
        return {name: self.__dict__.get(name) for name in self.READER_VISIBLE_FIELDS}

    def _changed_for_readers(self):
        loaded = getattr(self, "_loaded_visible", None)
        return loaded is None or loaded != self._visible_values()

    def clean(self):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def save(self, *args, **kwargs):
        # Sanitised here as well as in the form, so imports and scripts obey the allowlist too.
        self.body = sanitize_html(self.body)
        if not self.slug:
            # A title of punctuation alone slugifies to nothing; a slug must still exist for the URL.
            self.slug = slugify(self.title, allow_unicode=True)[:200] or f"story-{uuid.uuid4().hex[:12]}"
        self.reading_minutes = reading_minutes(self.body)
        self.rendered_body = self.render_body()
        if self.substantive_update_at and (self.published_at is None or self.substantive_update_at < self.published_at):
            # Published again later (or unpublished): an update from before this publication is part of the story.
            self.substantive_update_at = None
        if self.status == self.Status.PUBLISHED and self.published_at is not None and self._changed_for_readers():
            # A scheduled story's change becomes visible only when it goes live.
            self.content_changed_at = max(timezone.now(), self.published_at)
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)
        self._loaded_visible = self._visible_values()

    def render_body(self, photos=None):
        """The body with each placed photo's reader figure; a placeholder naming no photo of this story is dropped."""
        if "data-photo" not in self.body:
            return self.body
        if photos is None:
            photos = self.photos.all() if self.pk else []
        own = {photo.pk: photo for photo in photos}

        # The readers' own figure macro (templates/includes/photo.html): the same renditions, sizes and lazy loading.
        photo_figure = engines["jinja2"].env.get_template("includes/photo.html").module.photo_figure

        def figure(photo_id):
            return str(photo_figure(own[photo_id], **{"class": "photo--in-body"})).strip() if photo_id in own else ""

        return replace_photo_placeholders(self.body, figure)

    def refresh_rendered_body(self):
        """Render the body again after its photos changed (an UPDATE: no new version, no history entry)."""
        self.rendered_body = self.render_body(Photo.objects.filter(article=self))
        Article.objects.filter(pk=self.pk).update(rendered_body=self.rendered_body)

    @property
    def placed_photo_ids(self):
        return placed_photo_ids(self.body)

    @property
    def is_live(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def mark_substantive_update(self, note=None):
        """Record that readers should know the story changed (call before save()); the time is now.

        Only a live story can be updated: before it goes live every change is simply part of it.
        """
        if not self.is_live:
            raise ValidationError("Only a published, live story can be marked as updated.")
        self.substantive_update_at = timezone.now()
        if note is not None:
            self.update_note = note

    @property
    def was_updated(self):
        """True when an editor marked a substantive update after publication."""
        return self.substantive_update_at is not None

    @property
    def updated_for_readers(self):
        """The one modification time every output shows: the marked update, else the publication."""
        return self.substantive_update_at or self.published_at

    @property
    def lead_photo(self):
        if getattr(self, "lead_photo_joined", False):
            # Joined by for_listing(); a story without a lead photo has no "lead" at all.
            return self.__dict__.get("lead")
        return next((photo for photo in self.photos.all() if photo.is_lead), None)

    @cached_property
    def reported_recognitions(self):
        """The awards this story reports, for its facts box; no query when for_detail() found none."""
        if not getattr(self, "reports_recognitions", True):
            return []
        return list(self.recognitions.for_display_in_story())

    @cached_property
    def reported_ranks(self):
        """The ranking entries this story reports, for its facts box; no query when for_detail() found none."""
        if not getattr(self, "reports_ranks", True):
            return []
        return list(self.ranking_entries.for_display())

    @property
    def gallery(self):
        """The photos shown after the text: neither the lead nor placed in the body."""
        placed = set(self.placed_photo_ids)
        return [photo for photo in self.photos.all() if not photo.is_lead and photo.pk not in placed]

    @property
    def last_published_change(self):
        """When readers last saw any change (a typo fixed included): what caches and crawlers go by."""
        return self.content_changed_at or self.published_at

    @property
    def summary(self):
        # Plain text: the body's entities (&amp;) decoded, so templates escape them exactly once.
        return self.standfirst or unescape(strip_tags(self.body))[:300]

    def get_absolute_url(self):
        if self.published_at is None:
            return reverse("articles:preview", kwargs={"pk": self.pk})
        local = timezone.localtime(self.published_at)
        return reverse(
            "articles:detail",
            kwargs={"year": local.year, "month": f"{local.month:02d}", "day": f"{local.day:02d}", "slug": self.slug},
        )


WORDS_PER_MINUTE = 200


def reading_minutes(body_html):
    """Whole minutes to read ``body_html`` at an ordinary pace, never less than one."""
    return max(1, math.ceil(len(strip_tags(body_html or "").split()) / WORDS_PER_MINUTE))


def validate_photo_upload(upload):
    # A file already stored (re-validation of an unchanged row) was checked when it arrived.
    if getattr(upload, "_committed", True) and getattr(upload, "name", None):
        return
    images.inspect_upload(upload)


class Photo(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to="photos/",
        validators=[validate_photo_upload],
        help_text="JPEG, PNG, WebP or GIF. Metadata such as GPS position is removed on upload.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    renditions = models.JSONField(default=list, editable=False)
    # JPEG crops at 16:9, 4:3 and 1:1 for search engines and social cards, written at upload.
    social_crops = models.JSONField(default=list, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False, help_text="Bytes of the stored image.")
    alt_text = models.CharField(
        max_length=250,
        help_text="What the photo shows, for readers who cannot see it. Required.",
        validators=[validate_single_line],
    )
    caption = models.CharField(max_length=400, blank=True, validators=[validate_single_line])
    credit = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    taken_on = models.DateField(null=True, blank=True)
    is_lead = models.BooleanField("lead photo", default=False)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(is_lead=True),
                name="photo_one_lead_per_article",
                violation_error_message="An article can have only one lead photo.",
            ),
            models.CheckConstraint(condition=~Q(alt_text=""), name="photo_alt_text_required"),
            *plain_text_constraints("photo", single_line=["alt_text", "caption", "credit"]),
        ]

    def __str__(self):
        return self.alt_text

    def clean(self):
        # An empty one is already "required"; this catches spaces alone, which that check lets through.
        if self.alt_text and not self.alt_text.strip():
            raise ValidationError({"alt_text": "Describe the photo for readers who cannot see it."})

    def clean_fields(self, exclude=None):
        """The field checks, then a new upload is processed in memory: what cannot be is a form error."""
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "image" not in errors and "image" not in (exclude or ()) and self.image and not self.image._committed:
            try:
                self._prepared = (self.image.file, images.prepare(self.image.file))
            except ValidationError as error:
                errors["image"] = error.error_list
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.image or self.image._committed:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(Photo, instance=self)
        upload = self.image.file
        prepared_for, prepared = self.__dict__.pop("_prepared", (None, None))
        if prepared_for is not upload:
            prepared = images.prepare(upload)
        try:
            # The files are written before the row that names them: they stay only if it is committed.
            with kept_if_committed(self.image.storage, using) as written:
                replaced = Photo.objects.using(using).filter(pk=self.pk).first() if self.pk else None
                try:
                    name = self.image.field.generate_filename(self, images.stored_name(prepared.clean.extension))
                    name, self.renditions = images.store(self.image.storage, name, prepared, written)
                    self.social_crops = images.make_social_crops(self.image.storage, name, written)
                except OSError as error:
                    raise images.PhotoNotStored(upload.name, error) from error
                self.image.name = name
                self.image._committed = True
                self.width, self.height = prepared.clean.width, prepared.clean.height
                # Stored now so feeds can give the enclosure's length without asking the storage.
                self.file_size = prepared.clean.content.size
                if replaced is not None:
                    # The new image takes the old one's place: its files go once the save is committed.
                    remove_photo_files(Photo, replaced, using=using)
                super().save(*args, **kwargs)
        except BaseException:
            # Its new files are gone: a retried save() must process the upload again, not name them.
            self.image = upload
            raise

    # Every address of the photo's files comes from its storage (MEDIA_ROOT or the bucket), built
    # from the names stored on the row: url() formats a string, it never asks the storage anything.
    @property
    def srcset(self):
        url = self.image.storage.url
        return ", ".join(f"{url(r['name'])} {r['width']}w" for r in self.renditions)

    @property
    def content_type(self):
        return mimetypes.guess_type(self.image.name)[0] or "application/octet-stream"

    @property
    def largest_url(self):
        if not self.renditions:
            return self.image.url if self.image else ""
        return self.image.storage.url(self.renditions[-1]["name"])

    @property
    def social_images(self):
        """[(absolute-less URL, width, height)] of the JPEG crops, widest shape first."""
        return [(self.image.storage.url(crop["name"]), crop["width"], crop["height"]) for crop in self.social_crops]

    @property
    def thumbnail_url(self):
        if not self.renditions:
            return self.image.url if self.image else ""
        return self.image.storage.url(self.renditions[0]["name"])


class FrontPagePick(models.Model):
    """A story editors put at the top of the front page: the first in order leads, the next ones follow."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="front_page_pick")
    position = models.PositiveSmallIntegerField(default=1, help_text="1 leads the front page; then 2, 3, ...")
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to keep it until removed; after this time the pick lapses."
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "front-page pick"
        constraints = [models.CheckConstraint(condition=Q(position__gte=1), name="front_page_pick_position_positive")]

    def __str__(self):
        return f"{self.position}. {self.article}"


class StoryTimeline(models.Model):
    """One row per link between an article and a tag (or a city), with the article's publication time.

    A copy kept by database triggers (migration 0006), never written by the application: adding or
    removing a tag or a city, and any change to an article's status or publication time (save(),
    bulk update, raw SQL), rewrite the rows in the same statement; a story written after its links
    (loaddata) adopts them. ``published_at`` is the article's time while it is published and NULL
    while it is a draft.

    Why: "the newest live stories with this tag" otherwise walks the stories by time and probes
    each one's tags; at 100,000 stories that reads thousands of rows for a page of twelve. On a
    timeline it is one ordered range of an index (key, published_at). Readers' queries still apply
    ``Article.objects.published()`` as well, so even a wrong copy could never show a draft.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="%(class)s")
    published_at = models.DateTimeField(null=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"story {self.article_id} at {self.published_at or 'draft'}"


class TagTimeline(StoryTimeline):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "articles_tag_timeline"
        constraints = [models.UniqueConstraint(fields=["tag", "article"], name="tag_timeline_unique")]
        indexes = [models.Index(fields=["tag", "-published_at", "-article"], name="tag_timeline_idx")]


class CityTimeline(StoryTimeline):
    city = models.ForeignKey("awards.City", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "articles_city_timeline"
        constraints = [models.UniqueConstraint(fields=["city", "article"], name="city_timeline_unique")]
        indexes = [models.Index(fields=["city", "-published_at", "-article"], name="city_timeline_idx")]


@receiver(pre_save, sender=Tag, dispatch_uid="articles.tag_slug_never_empty")
def give_every_tag_an_address(sender, instance, **kwargs):
    # A name of only punctuation ("!!!") slugifies to "", which no tag page URL can carry.
    if not instance.slug:
        instance.slug = f"tag-{instance.name.encode().hex()}"[:100]


@receiver([post_save, post_delete], sender=Photo, dispatch_uid="articles.photo_changes_rerender_body")
def render_body_with_photo(sender, instance, raw=False, **kwargs):
    # A placed photo's caption, credit or file changed, or it was deleted: readers' copy of the body follows.
    if raw:
        return
    article = Article.objects.filter(pk=instance.article_id).only("pk", "body").first()
    if article is not None and instance.pk in article.placed_photo_ids:
        article.refresh_rendered_body()

"""Articles, their sections and photos. ``Article.objects.published()`` decides what readers see."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from . import images
from .html import sanitize_html

# Far beyond any real story (a long feature is ~60,000 characters of HTML), small enough that a
# pasted document or a hostile POST cannot bloat the table, the history and every page render.
ARTICLE_BODY_MAX_CHARS = 1_000_000


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the site navigation.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Live articles: published, and their time has come (scheduling needs no cron)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        return self.select_related("section").prefetch_related(
            "tags", Prefetch("photos", queryset=Photo.objects.filter(is_lead=True), to_attr="lead_photos")
        )

    def for_detail(self):
        return self.select_related("section").prefetch_related("tags", "photos")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text="The last part of the article's address. Letters in any script, digits and hyphens.",
    )
    standfirst = models.TextField(
        max_length=600, blank=True, help_text="One or two sentences under the headline, also used in lists."
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
            }
        },
        sanitize=sanitize_html,
        blank=True,
        validators=[MaxLengthValidator(ARTICLE_BODY_MAX_CHARS)],
    )
    source_name = models.CharField(max_length=120, blank=True, help_text='Shown as "From: …", e.g. Shenzhen Daily.')
    source_url = models.URLField(max_length=500, blank=True)
    byline = models.CharField(max_length=120, blank=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, related_name="articles")
    tags = TaggableManager(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A future time schedules the article: it goes live by itself at that time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every save; the admin form refuses a save based on an older one (lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", "Can publish and unpublish articles")]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_live_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="article_status_valid"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def save(self, *args, **kwargs):
        # Sanitised here as well as in the form, so imports and scripts obey the allowlist too.
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:200]
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    @property
    def is_live(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def was_updated(self):
        """True when the article changed noticeably after it went live."""
        return self.published_at is not None and (self.updated_at - self.published_at).total_seconds() > 60

    @property
    def lead_photo(self):
        prefetched = getattr(self, "lead_photos", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return next((photo for photo in self.photos.all() if photo.is_lead), None)

    @property
    def gallery(self):
        return [photo for photo in self.photos.all() if not photo.is_lead]

    @property
    def summary(self):
        return self.standfirst or strip_tags(self.body)[:300]

    def get_absolute_url(self):
        if self.published_at is None:
            return reverse("articles:preview", kwargs={"pk": self.pk})
        local = timezone.localtime(self.published_at)
        return reverse(
            "articles:detail",
            kwargs={"year": local.year, "month": f"{local.month:02d}", "day": f"{local.day:02d}", "slug": self.slug},
        )


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
    alt_text = models.CharField(
        max_length=250, help_text="What the photo shows, for readers who cannot see it. Required."
    )
    caption = models.CharField(max_length=400, blank=True)
    credit = models.CharField(max_length=120, blank=True)
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
        ]

    def __str__(self):
        return self.alt_text

    def clean(self):
        if not self.alt_text.strip():
            raise ValidationError({"alt_text": "Describe the photo for readers who cannot see it."})

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            clean = images.normalise(self.image.file)
            self.image.save(images.stored_name(clean.extension), clean.content, save=False)
            self.width, self.height = clean.width, clean.height
            self.renditions = images.make_renditions(self.image.storage, self.image.name)
        super().save(*args, **kwargs)

    @property
    def srcset(self):
        return ", ".join(f"{settings.MEDIA_URL}{r['name']} {r['width']}w" for r in self.renditions)

    @property
    def thumbnail_url(self):
        if not self.renditions:
            return self.image.url if self.image else ""
        return f"{settings.MEDIA_URL}{self.renditions[0]['name']}"

"""Cities, award programmes and city rankings: the structured facts behind the news."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, ProtectedError, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article
from citynews import fragments
from citynews.text import plain_text_constraints, validate_multi_line, validate_single_line


def links_keeping_cities(cities):
    """The editions these cities hosted and the stories about them: while any exists, the cities stay.

    The foreign keys to a city (recognitions, ranking entries, organisations, districts) refuse its deletion
    with on_delete=PROTECT. Many-to-many links have no on_delete: Django would quietly drop the link rows.
    A story's city link is a fact it reports and what puts it among the city's news, so deleting the city
    would silently strip live stories of it, just as deleting a city its recognitions point to would; the
    editor unlinks the stories (or moves them to the right city) first. The admin lists these links on its
    "Cannot delete" page (CityAdmin); City.delete() and CityQuerySet.delete() refuse any other deletion.
    """
    hosted = Edition.objects.filter(host_cities__in=cities).select_related("programme").distinct()
    stories = Article.objects.filter(cities__in=cities).distinct()
    return [*hosted.order_by("programme__name", "year"), *stories.order_by("title")]


def refuse_deleting_linked_cities(cities):
    # Raised before Django's collector opens its transaction, as its own ProtectedError is, so a caller's
    # transaction stays usable.
    links = links_keeping_cities(cities)
    if links:
        raise ProtectedError("Cannot delete a city that editions or stories link: unlink them first.", set(links))


# The live stories that report a city's recognitions or its districts' (Recognition.objects.for_city), with
# their versions: the awards on a city page name them ("Reported in"). %s is the time that makes a story live.
# The recognitions are a UNION of the two ways to belong to the city: an OR of the two made PostgreSQL read
# every story (135 ms at 100,000 stories against 0.4 ms).
_FAMILY = 'SELECT id FROM awards_city family WHERE family.id = "awards_city".id OR family.parent_id = "awards_city".id'
_STORY = f"story.id || '.' || {fragments.row_version_sql('story')}"
REPORTING_STORIES_SQL = f"""(SELECT string_agg(DISTINCT {_STORY}, ',' ORDER BY {_STORY})
    FROM articles_article_recognitions link JOIN articles_article story ON story.id = link.article_id
    WHERE story.status = 'published' AND story.published_at <= %s AND link.recognition_id IN (
        SELECT id FROM awards_recognition WHERE city_id IN ({_FAMILY})
        UNION
        SELECT recognition.id FROM awards_recognition recognition
        JOIN awards_organisation organisation ON organisation.id = recognition.organisation_id
        WHERE organisation.city_id IN ({_FAMILY})))"""


class CityQuerySet(models.QuerySet):
    def with_relations(self):
        """What a city page shows about the city itself: its parent and its districts."""
        return self.select_related("parent").prefetch_related(Prefetch("districts", queryset=City.objects.all()))

    def with_fragment_versions(self):
        """Where fragments are cached (citynews.fragments): the versions a city's awards and ranks are shown at, the
        award tables' (``awards_version``) and the reporting stories' (``reporting_stories``), in the city's query."""
        if not fragments.enabled(self.db):
            return self
        return self.annotate(
            awards_version=fragments.awards_version(),
            reporting_stories=RawSQL(REPORTING_STORIES_SQL, (timezone.now(),)),
        )

    def delete(self):
        refuse_deleting_linked_cities(self)
        return super().delete()


class City(models.Model):
    name = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(
        max_length=120,
        unique=True,
        allow_unicode=True,
        help_text="The last part of the city's address. Letters in any script, digits and hyphens.",
    )
    country = models.CharField(max_length=80, validators=[validate_single_line])
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="districts",
        help_text="For a district: the city it belongs to. Its recognitions also show on that city's page.",
    )
    description = models.TextField(max_length=600, blank=True, validators=[validate_multi_line])

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "cities"
        constraints = plain_text_constraints("city", single_line=["name", "country"], multi_line=["description"])

    def __str__(self):
        return f"{self.name} ({self.parent.name})" if self.parent_id else self.name

    def clean(self):
        # One level of districts keeps the roll-up to a single query and mirrors how cities report.
        if self.parent_id and (self.parent_id == self.pk or self.parent.parent_id):
            raise ValidationError({"parent": "Choose a top-level city: districts cannot contain districts."})
        if self.parent_id and self.pk and self.districts.exists():
            raise ValidationError({"parent": "This city has districts of its own, so it cannot be a district."})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:120]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("awards:city", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        refuse_deleting_linked_cities([self])
        return super().delete(*args, **kwargs)


class Organisation(models.Model):
    """A recipient that is not a city: a bureau, a district government, a company."""

    name = models.CharField(max_length=200, validators=[validate_single_line])
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="organisations")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="organisation_unique_per_city"),
            *plain_text_constraints("organisation", single_line=["name"]),
        ]

    def __str__(self):
        return self.name


class AwardProgramme(models.Model):
    name = models.CharField(max_length=200, unique=True, validators=[validate_single_line])
    short_name = models.CharField(max_length=40, blank=True, help_text="e.g. SCEWC", validators=[validate_single_line])
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names readers search for, one per line, e.g. Smart City Expo, Barcelona smart city awards.",
    )
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    organiser = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    website = models.URLField(max_length=500, blank=True)
    description = models.TextField(max_length=1000, blank=True, validators=[validate_multi_line])

    class Meta:
        ordering = ["name"]
        constraints = plain_text_constraints(
            "programme", single_line=["name", "short_name", "organiser"], multi_line=["description"]
        )

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("awards:programme", kwargs={"slug": self.slug})

    def clean(self):
        self.aliases = [alias.strip() for alias in self.aliases or [] if alias.strip()]


class Edition(models.Model):
    programme = models.ForeignKey(AwardProgramme, on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="10 for the 10th edition.")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1900)])
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    host_cities = models.ManyToManyField(City, blank=True, related_name="hosted_editions")
    is_online = models.BooleanField("held online", default=False)

    class Meta:
        ordering = ["programme", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"],
                name="edition_one_per_year",
                violation_error_message="This programme already has an edition in that year.",
            ),
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="edition_unique_number",
                violation_error_message="This programme already has an edition with that number.",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="edition_ends_after_start",
                violation_error_message="The edition cannot end before it starts.",
            ),
            models.CheckConstraint(condition=Q(year__gte=1900), name="edition_year_plausible"),
        ]

    def __str__(self):
        label = self.programme.short_name or self.programme.name
        return f"{label} {self.year}"

    def get_absolute_url(self):
        return reverse("awards:edition", kwargs={"programme": self.programme.slug, "key": self.year})

    def get_dataset_url(self, fmt):
        """This edition's recognitions as a download: ``fmt`` is "csv" or "json"."""
        return reverse(
            "awards:edition_dataset", kwargs={"programme": self.programme.slug, "year": self.year, "fmt": fmt}
        )


def normalise_category_name(name):
    """ "Enabling Technologies Award" and "enabling technologies" are one category."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    words = text.split()
    while words and words[-1] in {"award", "awards", "prize"}:
        words.pop()
    if words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


class CategoryQuerySet(models.QuerySet):
    def matching(self, programme, name):
        """The programme's category known by this name or one of its aliases, or None."""
        wanted = normalise_category_name(name)
        for category in self.filter(programme=programme):
            if wanted in {normalise_category_name(text) for text in category.all_names}:
                return category
        return None


class Category(models.Model):
    programme = models.ForeignKey(AwardProgramme, on_delete=models.PROTECT, related_name="categories")
    name = models.CharField(max_length=200, validators=[validate_single_line])
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names the category goes by, one per line. Matching ignores case."
    )
    # Kept by save() so the database itself refuses "Enabling Technologies" next to "Enabling Technologies Award".
    normalised_name = models.CharField(max_length=200, editable=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "normalised_name"],
                name="category_unique_normalised_name",
                violation_error_message="This programme already has a category with that name.",
            ),
            *plain_text_constraints("category", single_line=["name"]),
        ]

    def __str__(self):
        return self.name

    @property
    def all_names(self):
        return [self.name, *self.aliases]

    def clean(self):
        self.normalised_name = normalise_category_name(self.name)
        self.aliases = [alias.strip() for alias in self.aliases or [] if alias.strip()]
        for alias in self.aliases:
            try:
                validate_single_line(alias)
            except ValidationError as error:
                raise ValidationError({"aliases": error}) from None
        if not self.normalised_name:
            raise ValidationError({"name": "Give the category a name."})
        if not self.programme_id:
            return
        mine = {normalise_category_name(text) for text in self.all_names}
        for other in Category.objects.filter(programme_id=self.programme_id).exclude(pk=self.pk):
            clash = mine & {normalise_category_name(text) for text in other.all_names}
            if clash:
                raise ValidationError(
                    {"name": f"“{other.name}” already uses this name or alias: the two would be one category."}
                )

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_category_name(self.name)
        super().save(*args, **kwargs)


# A line about a recognition names its newest reporting stories and counts the rest: an award may be reported for
# years, and on the benchmark's data each named forty to sixty stories, a wall of links on an edition's page.
REPORTING_STORIES_NAMED = 3


def newest_reporting_stories(limit, to_attr):
    """A fact's ``limit`` newest live stories, for a whole list of facts in one query (a sliced prefetch)."""
    stories = Article.objects.published().only("pk", "title", "slug", "published_at", "source_name", "source_url")
    return Prefetch("articles", queryset=stories.order_by("-published_at", "-pk")[:limit], to_attr=to_attr)


def live_story_count(fact_model):
    """How many live stories report each fact (a recognition or a ranking entry), as an annotation of its query."""
    links = fact_model.articles.through.objects
    fact_field = fact_model.articles.field.m2m_reverse_field_name()
    live = links.filter(**{fact_field: OuterRef("pk")}, article__in=Article.objects.published().values("pk"))
    return Coalesce(Subquery(live.values(fact_field).annotate(count=Count("pk")).values("count")), 0)


class RecognitionQuerySet(models.QuerySet):
    def for_summary(self):
        """Everything a line about a recognition shows but the stories that report it."""
        return self.select_related("edition__programme", "category", "city", "organisation__city")

    def for_display(self):
        """Everything a line about a recognition shows, with the newest live stories that report it and their count."""
        return (
            self.for_summary()
            .prefetch_related(newest_reporting_stories(REPORTING_STORIES_NAMED, to_attr="live_articles"))
            .annotate(live_article_count=live_story_count(Recognition))
        )

    def for_display_in_story(self):
        """A story's facts box: it links each recognition to its edition and city, not to other stories."""
        # The default order, spelled out: "category" would join the programme a second time for its name.
        return self.for_summary().order_by(
            "edition__programme__name", "-edition__year", "category__name", "result", "pk"
        )

    def for_city(self, city):
        """The city's own recognitions and its districts' (directly or through their organisations).

        The districts are read from ``city.districts.all()``: prefetch them (City.objects.with_relations()).
        """
        family = [city.pk, *(district.pk for district in city.districts.all())]
        return self.filter(Q(city__in=family) | Q(organisation__city__in=family)).order_by(
            "-edition__year", "result", "category__name", "pk"
        )


class Recognition(models.Model):
    class Result(models.IntegerChoices):
        # The numbers give the order on every page: winners before finalists before mentions.
        WINNER = 1, "Winner"
        FINALIST = 2, "Finalist"
        SPECIAL_MENTION = 3, "Special mention"

    # A recognition belongs to its edition: deleting the edition takes it, and the stories' links to it (the
    # stories stay). The admin's confirmation page lists those links before the editor agrees.
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="recognitions")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="recognitions")
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, related_name="recognitions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="recognitions"
    )
    project_name = models.CharField(
        max_length=200, blank=True, help_text="e.g. AI-HUB (SZ)", validators=[validate_single_line]
    )
    result = models.PositiveSmallIntegerField(choices=Result.choices, default=Result.WINNER)
    note = models.CharField(
        max_length=300, blank=True, help_text="e.g. who else built the project.", validators=[validate_single_line]
    )

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "category", "result", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(city__isnull=False) | Q(organisation__isnull=False),
                name="recognition_has_recipient",
                violation_error_message="Choose the city or the organisation that was recognised.",
            ),
            models.CheckConstraint(condition=Q(result__in=[1, 2, 3]), name="recognition_result_valid"),
            *plain_text_constraints("recognition", single_line=["project_name", "note"]),
        ]

    def __str__(self):
        subject = self.project_name or self.recipient_name
        return f"{subject}: {self.get_result_display()}, {self.category} ({self.edition})"

    @property
    def result_key(self):
        """The result as data files name it: "winner", "finalist" or "special_mention"."""
        return self.Result(self.result).name.lower()

    @property
    def recipient_name(self):
        names = [str(part) for part in (self.organisation, self.city and self.city.name) if part]
        return ", ".join(dict.fromkeys(names))

    @property
    def recipient_city(self):
        """The city page this recognition links to."""
        return self.city or (self.organisation.city if self.organisation_id else None)

    def clean(self):
        if not self.city_id and not self.organisation_id:
            raise ValidationError("Choose the city or the organisation that was recognised.")
        edition = getattr(self, "edition", None)
        category = getattr(self, "category", None)
        if edition is not None and category is not None and category.programme_id != edition.programme_id:
            raise ValidationError({"category": f"“{category}” belongs to another programme than {edition}."})


class Ranking(models.Model):
    """One year of a ranking; every year of the same ranking shares its slug."""

    title = models.CharField(
        max_length=200, help_text="e.g. Online administration service capability", validators=[validate_single_line]
    )
    slug = models.SlugField(
        max_length=120, allow_unicode=True, help_text="The same for every year of this ranking: that is how years link."
    )
    publisher = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text="Leave empty when no source names it: readers are asked for one.",
    )
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1900)])
    scope = models.CharField(max_length=200, help_text="e.g. 32 key cities in China", validators=[validate_single_line])
    field_size = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="How many places the ranking has."
    )
    method_note = models.TextField(max_length=4000, blank=True, validators=[validate_multi_line])
    method_url = models.URLField("method link", max_length=500, blank=True)
    higher_score_is_better = models.BooleanField(default=True)
    allow_ties = models.BooleanField(default=False, help_text="Several cities may share a position.")

    class Meta:
        ordering = ["title", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "year"],
                name="ranking_one_per_year",
                violation_error_message="This ranking already has an edition in that year.",
            ),
            models.CheckConstraint(condition=Q(field_size__gte=1), name="ranking_field_size_positive"),
            *plain_text_constraints("ranking", single_line=["title", "publisher", "scope"], multi_line=["method_note"]),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        return reverse("awards:ranking", kwargs={"slug": self.slug, "year": self.year})

    def get_csv_url(self):
        return reverse("awards:ranking_csv", kwargs={"slug": self.slug, "year": self.year})

    def get_dataset_url(self, fmt):
        """This ranking's table as a download with its sources: ``fmt`` is "csv" or "json"."""
        return reverse("awards:ranking_dataset", kwargs={"slug": self.slug, "year": self.year, "fmt": fmt})

    def clean(self):
        if not self.pk:
            return
        highest = self.entries.aggregate(models.Max("position"))["position__max"]
        if highest and self.field_size and highest > self.field_size:
            raise ValidationError({"field_size": f"An entry is at position {highest}: the field cannot be smaller."})
        if not self.allow_ties:
            shared = (
                self.entries.values("position").annotate(n=models.Count("pk")).filter(n__gt=1).order_by("position")
            ).first()
            if shared:
                raise ValidationError(
                    {"allow_ties": f"Position {shared['position']} is shared: separate the tie before forbidding ties."}
                )

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Keep the entries' copies in step so their database constraints judge by this ranking's rules.
        self.entries.exclude(ranking_allows_ties=self.allow_ties, ranking_field_size=self.field_size).update(
            ranking_allows_ties=self.allow_ties, ranking_field_size=self.field_size
        )


class RankingEntryQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("ranking", "city__parent")


class RankingEntry(models.Model):
    # Like a recognition and its edition: deleting the ranking takes its entries and the stories' links to them.
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="entries")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="ranking_entries")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    score = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    # A constraint cannot look into another table, so the entry carries copies of its ranking's
    # two rules, written by save() here and by Ranking.save(). With them the database itself
    # refuses a shared position where ties are not allowed (a partial unique index) and a
    # position beyond the field size (a check). Forms check the same rules first, as errors.
    ranking_allows_ties = models.BooleanField(default=False, editable=False)
    ranking_field_size = models.PositiveSmallIntegerField(default=1, editable=False)

    objects = RankingEntryQuerySet.as_manager()

    class Meta:
        ordering = ["ranking", "position", "city__name"]
        verbose_name_plural = "ranking entries"
        constraints = [
            models.UniqueConstraint(
                fields=["ranking", "city"],
                name="ranking_entry_one_per_city",
                violation_error_message="This city is already in the ranking.",
            ),
            models.UniqueConstraint(
                fields=["ranking", "position"],
                condition=Q(ranking_allows_ties=False),
                name="ranking_entry_one_city_per_position",
                violation_error_message="Another city already holds this position, and this ranking has no ties.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="ranking_entry_position_positive",
                violation_error_message="Positions start at 1.",
            ),
            models.CheckConstraint(
                condition=Q(position__lte=F("ranking_field_size")),
                name="ranking_entry_position_within_field",
                violation_error_message="The position is beyond the ranking's field size.",
            ),
        ]

    def __str__(self):
        return f"{self.city.name}: {self.position} of {self.ranking.field_size}, {self.ranking}"

    def copy_ranking_rules(self):
        self.ranking_allows_ties = self.ranking.allow_ties
        self.ranking_field_size = self.ranking.field_size

    def clean(self):
        ranking = getattr(self, "ranking", None)
        if ranking is not None and self.position and ranking.field_size and self.position > ranking.field_size:
            raise ValidationError({"position": f"The ranking has only {ranking.field_size} places."})

    def save(self, *args, **kwargs):
        self.copy_ranking_rules()
        super().save(*args, **kwargs)

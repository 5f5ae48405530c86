"""The read-only JSON API over cities, awards and rankings (Django REST framework, under /api/v1/).

Every fact (a recognition, a ranking entry) carries its source: who published it and the live stories
that report it. Stories come through ``Article.objects.published()`` only, as on the pages.
Each list costs a fixed number of queries whatever its page size: relations are joined or prefetched here.
"""

from django.db.models import Prefetch, Q
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

from articles.models import Article

from .models import (
    AwardProgramme,
    Category,
    City,
    Edition,
    Ranking,
    RankingEntry,
    Recognition,
    live_story_count,
    newest_reporting_stories,
)

MAX_YEAR = 9999
MAX_ID = 2**63 - 1  # the largest id a bigint column holds: a bigger number would be a database error, not a 400
# A fact names its newest reporting stories, not all of them: an award a city won may be reported for years, and
# forty stories on each fact made a page of twenty facts 194 KB and 69 ms of CPU (bench data). The count and the
# stories endpoint's filter give the rest.
REPORTING_STORIES_SHOWN = 5


class FactCursorPagination(CursorPagination):
    """Opaque cursors: a page never shifts when rows are added, and no list ever runs COUNT(*)."""

    ordering = "pk"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        # DRF quietly falls back to the default for a bad page_size; a client's mistake deserves a 400 instead.
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and not (value.isdigit() and 1 <= int(value) <= self.max_page_size):
            raise ValidationError({"page_size": f"Give a whole number from 1 to {self.max_page_size}, not {value!r}."})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_paginated_response_schema(self, schema):
        # DRF describes the links with OpenAPI 3.0's "nullable"; our document is 3.1, where null is a type.
        link = {"type": ["string", "null"], "format": "uri", "description": "The next or previous page, if any."}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }


class OpenDataViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = FactCursorPagination


class OptionalURLField(serializers.URLField):
    """A link the editor may leave empty: null then, since an empty string is no URL."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """An absolute address that a model method gives: its page (get_absolute_url) or a download of it."""

    def __init__(self, method="get_absolute_url", *args, help_text="Its page on this site."):
        self.method, self.method_args = method, args
        super().__init__(source="*", read_only=True, help_text=help_text)

    def to_representation(self, instance):
        return absolute(self.context.get("request"), getattr(instance, self.method)(*self.method_args))


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


def query_year(request):
    """The ``year`` filter as a number, or None; anything else is the client's mistake (400)."""
    value = request.query_params.get("year")
    if value in (None, ""):
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_YEAR:
        raise ValidationError({"year": f"Give a year as four digits, not {value!r}."})
    return int(value)


def query_id(request, name):
    """The ``name`` filter as a row id, or None; anything else is the client's mistake (400)."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise ValidationError({name: f"Give an id, a whole number, not {value!r}."})
    return int(value)


def city_family(slug):
    """A city's own rows and its districts', as a city page gathers them."""
    return Q(slug=slug) | Q(parent__slug=slug)


def param(name, description, type_=str):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description)


CITY_PARAM = param("city", "A city's slug; its districts are included.")
YEAR_PARAM = param("year", "A year, such as 2020.", int)
PROGRAMME_PARAM = param("programme", "An award programme's slug.")
RANKING_PARAM = param("ranking", "A ranking's slug (the same for every year of it).")


# Links --------------------------------------------------------------------------------------------


class CityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = City
        fields = ["slug", "name", "country"]


class ReportingStorySerializer(serializers.ModelSerializer):
    """A live story that reports a fact: the fact's second source, after its publisher."""

    url = LinkField(help_text="The story's page.")
    source_name = serializers.CharField(help_text="Where the story came from; empty when it is our own reporting.")
    source_url = OptionalURLField(help_text="The source's page, if any.")

    class Meta:
        model = Article
        fields = ["id", "title", "url", "published_at", "source_name", "source_url"]


# Read from the fact itself (source="*"): one serializer serves a whole page of facts, where building one for each
# fact cost more than the rest of its item.
class SourceSerializer(serializers.Serializer):
    """Who published a fact, and our live stories that report it."""

    publisher = serializers.CharField(
        allow_null=True, help_text="Who published the fact; null when no publisher is named."
    )
    publisher_named = serializers.BooleanField(help_text="False when our records name no publisher for this fact.")
    method_url = serializers.URLField(allow_null=True, help_text="Where the publisher explains how the fact was made.")
    stories = ReportingStorySerializer(
        many=True,
        help_text=f"Our newest live stories that report this fact, at most {REPORTING_STORIES_SHOWN}, newest first.",
    )
    story_count = serializers.IntegerField(help_text="How many of our live stories report this fact.")
    stories_url = serializers.URLField(help_text="Every live story that reports this fact, from the stories endpoint.")

    def to_representation(self, fact):
        publisher, method_url = self.parent.publisher_of(fact)
        publisher = (publisher or "").strip()
        query = f"?{self.parent.stories_filter}={fact.pk}"
        return super().to_representation(
            {
                "publisher": publisher or None,
                "publisher_named": bool(publisher),
                "method_url": method_url or None,
                "stories": fact.live_stories,
                "story_count": fact.live_story_count,
                "stories_url": absolute(self.context.get("request"), reverse("api:story-list") + query),
            }
        )


class FactSerializer(serializers.ModelSerializer):
    """A fact with its source. Each kind names its ``publisher_of`` and the stories endpoint's filter for it."""

    source = SourceSerializer(source="*")
    stories_filter = None


# Cities -------------------------------------------------------------------------------------------


class CitySerializer(serializers.ModelSerializer):
    parent = CityRefSerializer(allow_null=True, help_text="The city a district belongs to.")
    districts = CityRefSerializer(many=True)
    page_url = LinkField()

    class Meta:
        model = City
        fields = ["id", "slug", "name", "country", "description", "parent", "districts", "page_url"]


class CityViewSet(OpenDataViewSet):
    """Cities and their districts."""

    serializer_class = CitySerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    queryset = City.objects.select_related("parent").prefetch_related(
        Prefetch("districts", queryset=City.objects.order_by("name"))
    )


# Awards -------------------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    website = OptionalURLField()
    page_url = LinkField()

    class Meta:
        model = AwardProgramme
        fields = ["id", "slug", "name", "short_name", "organiser", "website", "description", "page_url"]


class ProgrammeViewSet(OpenDataViewSet):
    """Award programmes, such as the Smart City Expo World Congress awards."""

    serializer_class = ProgrammeSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    queryset = AwardProgramme.objects.all()


class EditionRefSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Edition
        fields = ["id", "programme", "year"]


class EditionSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    host_cities = CityRefSerializer(many=True)
    page_url = LinkField()
    dataset_csv = LinkField("get_dataset_url", "csv", help_text="This edition's recognitions as CSV.")
    dataset_json = LinkField("get_dataset_url", "json", help_text="This edition's recognitions as JSON.")

    class Meta:
        model = Edition
        fields = [
            "id", "programme", "year", "number", "starts_on", "ends_on", "is_online", "host_cities",
            "page_url", "dataset_csv", "dataset_json",
        ]  # fmt: skip


@extend_schema_view(list=extend_schema(parameters=[PROGRAMME_PARAM, YEAR_PARAM, CITY_PARAM]))
class EditionViewSet(OpenDataViewSet):
    """Editions of award programmes, one a year; ``city`` finds the editions a city hosted."""

    serializer_class = EditionSerializer

    def get_queryset(self):
        editions = Edition.objects.select_related("programme").prefetch_related(
            Prefetch("host_cities", queryset=City.objects.order_by("name"))
        )
        params = self.request.query_params
        if self.action != "list":
            return editions
        if programme := params.get("programme"):
            editions = editions.filter(programme__slug=programme)
        if (year := query_year(self.request)) is not None:
            editions = editions.filter(year=year)
        if city := params.get("city"):
            editions = editions.filter(host_cities__in=City.objects.filter(city_family(city))).distinct()
        return editions


class CategorySerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "programme", "name", "aliases"]


@extend_schema_view(list=extend_schema(parameters=[PROGRAMME_PARAM]))
class CategoryViewSet(OpenDataViewSet):
    """Award categories, with the other names each goes by."""

    serializer_class = CategorySerializer

    def get_queryset(self):
        categories = Category.objects.select_related("programme")
        if self.action == "list" and (programme := self.request.query_params.get("programme")):
            categories = categories.filter(programme__slug=programme)
        return categories


class RecognitionSerializer(FactSerializer):
    edition = EditionRefSerializer()
    category = serializers.CharField(source="category.name")
    category_id = serializers.IntegerField()
    result = serializers.ChoiceField(
        choices=["winner", "finalist", "special_mention"], source="result_key", help_text="What the recipient won."
    )
    city = CityRefSerializer(source="recipient_city", allow_null=True, help_text="The recipient's city.")
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)

    class Meta:
        model = Recognition
        fields = ["id", "edition", "category", "category_id", "result", "project_name", "city", "organisation", "note"]
        fields += ["source"]

    stories_filter = "recognition"

    @staticmethod
    def publisher_of(recognition):
        programme = recognition.edition.programme
        return programme.organiser, programme.website


@extend_schema_view(
    list=extend_schema(parameters=[PROGRAMME_PARAM, YEAR_PARAM, CITY_PARAM, param("edition", "An edition's id.", int)])
)
class RecognitionViewSet(OpenDataViewSet):
    """Winners, finalists and special mentions, each with its source."""

    serializer_class = RecognitionSerializer

    def get_queryset(self):
        recognitions = (
            Recognition.objects.for_summary()
            .prefetch_related(newest_reporting_stories(REPORTING_STORIES_SHOWN, to_attr="live_stories"))
            .annotate(live_story_count=live_story_count(Recognition))
        )
        if self.action != "list":
            return recognitions
        params = self.request.query_params
        if programme := params.get("programme"):
            recognitions = recognitions.filter(edition__programme__slug=programme)
        if (year := query_year(self.request)) is not None:
            recognitions = recognitions.filter(edition__year=year)
        if city := params.get("city"):
            family = City.objects.filter(city_family(city))
            recognitions = recognitions.filter(Q(city__in=family) | Q(organisation__city__in=family))
        if (edition := query_id(self.request, "edition")) is not None:
            recognitions = recognitions.filter(edition_id=edition)
        return recognitions


# Rankings -----------------------------------------------------------------------------------------


class RankingSerializer(serializers.ModelSerializer):
    method_url = OptionalURLField(help_text="Where the publisher explains its method, if anywhere.")
    page_url = LinkField()
    dataset_csv = LinkField("get_dataset_url", "csv", help_text="This ranking's table as CSV.")
    dataset_json = LinkField("get_dataset_url", "json", help_text="This ranking's table as JSON.")

    class Meta:
        model = Ranking
        fields = [
            "id", "slug", "year", "title", "publisher", "scope", "field_size", "higher_score_is_better", "allow_ties",
            "method_note", "method_url", "page_url", "dataset_csv", "dataset_json",
        ]  # fmt: skip


@extend_schema_view(list=extend_schema(parameters=[RANKING_PARAM, YEAR_PARAM]))
class RankingViewSet(OpenDataViewSet):
    """Rankings of cities, one row per year of each."""

    serializer_class = RankingSerializer

    def get_queryset(self):
        rankings = Ranking.objects.all()
        if self.action != "list":
            return rankings
        if slug := self.request.query_params.get("ranking"):
            rankings = rankings.filter(slug=slug)
        if (year := query_year(self.request)) is not None:
            rankings = rankings.filter(year=year)
        return rankings


class RankingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ranking
        fields = ["id", "slug", "year", "title"]


class RankingEntrySerializer(FactSerializer):
    ranking = RankingRefSerializer()
    city = CityRefSerializer()
    field_size = serializers.IntegerField(source="ranking.field_size")
    score = serializers.DecimalField(max_digits=10, decimal_places=3, allow_null=True)

    class Meta:
        model = RankingEntry
        fields = ["id", "ranking", "city", "position", "field_size", "score", "source"]

    stories_filter = "ranking_entry"

    @staticmethod
    def publisher_of(entry):
        return entry.ranking.publisher, entry.ranking.method_url


@extend_schema_view(list=extend_schema(parameters=[RANKING_PARAM, YEAR_PARAM, CITY_PARAM]))
class RankingEntryViewSet(OpenDataViewSet):
    """Each city's place in each ranking, with its source."""

    serializer_class = RankingEntrySerializer

    def get_queryset(self):
        entries = (
            RankingEntry.objects.select_related("ranking", "city")
            .prefetch_related(newest_reporting_stories(REPORTING_STORIES_SHOWN, to_attr="live_stories"))
            .annotate(live_story_count=live_story_count(RankingEntry))
        )
        if self.action != "list":
            return entries
        params = self.request.query_params
        if slug := params.get("ranking"):
            entries = entries.filter(ranking__slug=slug)
        if (year := query_year(self.request)) is not None:
            entries = entries.filter(ranking__year=year)
        if city := params.get("city"):
            entries = entries.filter(city__in=City.objects.filter(city_family(city)))
        return entries

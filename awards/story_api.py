"""The read-only JSON API over live stories, with the facts each reports (under /api/v1/stories/).

It lives with the facts' API (awards/api.py), whose fields and paging it shares: the awards app reads the
articles app, never the other way round.

Only ``Article.objects.published()`` reaches it: a draft or a scheduled story is absent from every list,
filter and detail, for every client (the API authenticates nobody, so a signed-in editor sees what anyone does).
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from articles.models import Article

from .api import (
    CITY_PARAM,
    YEAR_PARAM,
    CityRefSerializer,
    EditionRefSerializer,
    FactCursorPagination,
    LinkField,
    OpenDataViewSet,
    OptionalURLField,
    RankingRefSerializer,
    city_family,
    param,
    query_id,
    query_year,
)
from .models import City, RankingEntry, Recognition


class StoryRecognitionSerializer(serializers.ModelSerializer):
    """An award the story reports; the recognition's own endpoint has its other sources."""

    edition = EditionRefSerializer()
    category = serializers.CharField(source="category.name")
    result = serializers.ChoiceField(choices=["winner", "finalist", "special_mention"], source="result_key")
    city = CityRefSerializer(source="recipient_city", allow_null=True)
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)

    class Meta:
        model = Recognition
        fields = ["id", "edition", "category", "result", "project_name", "city", "organisation"]


class StoryRankSerializer(serializers.ModelSerializer):
    ranking = RankingRefSerializer()
    city = CityRefSerializer()
    field_size = serializers.IntegerField(source="ranking.field_size")
    publisher = serializers.CharField(source="ranking.publisher")

    class Meta:
        model = RankingEntry
        fields = ["id", "ranking", "city", "position", "field_size", "score", "publisher"]


# Read from the story itself (source="*", as awards.api.SourceSerializer): one serializer for a whole page of stories.
class FactsSerializer(serializers.Serializer):
    """The awards and ranks a story reports."""

    recognitions = StoryRecognitionSerializer(many=True)
    ranks = StoryRankSerializer(many=True, source="ranking_entries")


class StorySerializer(serializers.ModelSerializer):
    url = LinkField(help_text="The story's page.")
    section = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()
    cities = CityRefSerializer(many=True)
    facts = FactsSerializer(source="*", help_text="The awards and ranks this story reports.")
    updated_at = serializers.DateTimeField(source="last_published_change", help_text="The last change readers saw.")
    source_url = OptionalURLField(help_text="The source's page, if any.")

    class Meta:
        model = Article
        fields = [
            "id", "title", "slug", "url", "standfirst", "byline", "published_at", "updated_at", "source_name",
            "source_url", "section", "tags", "cities", "facts",
        ]  # fmt: skip

    def get_tags(self, article) -> list[str]:
        return [tag.slug for tag in article.tags.all()]


class StoryDetailSerializer(StorySerializer):
    body = serializers.CharField(help_text="The story's HTML, sanitised with the site's allowlist.")

    class Meta(StorySerializer.Meta):
        fields = [*StorySerializer.Meta.fields, "body"]


class StoryCursorPagination(FactCursorPagination):
    ordering = ("-published_at", "-id")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CITY_PARAM,
            param("tag", "A tag's slug."),
            YEAR_PARAM,
            param("programme", "Stories reporting an award of this programme (its slug)."),
            param("ranking", "Stories reporting a rank in this ranking (its slug)."),
            param("recognition", "Stories reporting this recognition (its id).", int),
            param("ranking_entry", "Stories reporting this ranking entry (its id).", int),
        ]
    )
)
class StoryViewSet(OpenDataViewSet):
    """Live stories, newest first, with the facts each reports."""

    pagination_class = StoryCursorPagination

    def get_serializer_class(self):
        return StoryDetailSerializer if self.action == "retrieve" else StorySerializer

    def get_queryset(self):
        stories = (
            Article.objects.published()
            .defer("search_vector", *(() if self.action == "retrieve" else ("body",)))
            .select_related("section")
            .prefetch_related(
                "tags",
                Prefetch("cities", queryset=City.objects.order_by("name")),
                Prefetch("recognitions", queryset=Recognition.objects.for_summary()),
                Prefetch("ranking_entries", queryset=RankingEntry.objects.select_related("ranking", "city")),
            )
        )
        if self.action != "list":
            return stories
        params = self.request.query_params
        if city := params.get("city"):
            stories = stories.filter(pk__in=Article.objects.filter(cities__in=City.objects.filter(city_family(city))))
        if tag := params.get("tag"):
            stories = stories.filter(tags__slug=tag)
        if (year := query_year(self.request)) is not None:
            stories = stories.filter(published_at__year=year)
        if programme := params.get("programme"):
            stories = stories.filter(
                pk__in=Article.objects.filter(recognitions__edition__programme__slug=programme).values("pk")
            )
        if ranking := params.get("ranking"):
            stories = stories.filter(pk__in=Article.objects.filter(ranking_entries__ranking__slug=ranking).values("pk"))
        if (recognition := query_id(self.request, "recognition")) is not None:
            stories = stories.filter(pk__in=Article.objects.filter(recognitions=recognition).values("pk"))
        if (entry := query_id(self.request, "ranking_entry")) is not None:
            stories = stories.filter(pk__in=Article.objects.filter(ranking_entries=entry).values("pk"))
        return stories

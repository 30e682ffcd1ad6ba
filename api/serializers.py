"""What the read API shows of each record: public fields only.

Never a person's e-mail, phone or account, an application's contents, a review, a draft or
anything a methodist keeps for themselves (reminder settings, internal notes).
"""

from rest_framework import serializers

from accounts.models import District, Institution
from applications.models import Call, StatusAward, StatusKind
from plans.models import Plan, PlanItem
from publications.models import Article, ArticleAuthor, Collection
from ratings.models import RatingCampaign, RatingResult


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["slug", "name", "short_name"]


class InstitutionSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "short_name", "full_name", "kind", "district"]


class PlanSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "district", "title", "kind", "period_label", "period_start", "period_end", "approved_on"]


class TimeframeSerializer(serializers.Serializer):
    """The item's timeframe as the portal understood it from the plan's text."""

    text = serializers.CharField(source="timeframe_text")
    understood = serializers.BooleanField()
    kind = serializers.CharField(source="timeframe_kind")
    months = serializers.ListField(child=serializers.CharField(), help_text="«2023-10»")
    dates = serializers.ListField(child=serializers.DateField())
    deadline = serializers.DateField(allow_null=True)
    recurrence = serializers.CharField()
    first_day = serializers.DateField(source="starts_on", allow_null=True)


class HostSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "short_name"]


class PlanItemSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.title")
    timeframe = TimeframeSerializer(source="*")
    host_institution = HostSerializer(allow_null=True)

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "section",
            "number",
            "title",
            "timeframe",
            "audience",
            "organizers_text",
            "host_institution",
            "expected_result",
        ]


class StatusKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusKind
        fields = ["name", "short_name", "level"]


class StatusAwardSerializer(serializers.ModelSerializer):
    institution = InstitutionSerializer()
    status_kind = StatusKindSerializer()

    class Meta:
        model = StatusAward
        fields = [
            "id",
            "institution",
            "status_kind",
            "theme",
            "valid_from",
            "valid_to",
            "decision_body",
            "protocol_number",
            "decision_date",
        ]


class RatingCampaignSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = RatingCampaign
        fields = ["id", "district", "academic_year", "title"]


class RatingResultSerializer(serializers.ModelSerializer):
    institution = HostSerializer()

    class Meta:
        model = RatingResult
        fields = ["institution", "group", "rank", "group_rank", "total", "previous_rank", "previous_total"]


class CollectionSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    series = serializers.CharField(source="series.name")
    article_count = serializers.IntegerField()

    class Meta:
        model = Collection
        fields = [
            "id",
            "district",
            "series",
            "title",
            "year",
            "issue_number",
            "academic_year",
            "isbn",
            "published_at",
            "article_count",
        ]


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArticleAuthor
        fields = ["full_name", "position"]


class ArticleSerializer(serializers.ModelSerializer):
    institution = HostSerializer()
    authors = AuthorSerializer(many=True)
    section = serializers.CharField(source="section.title", allow_null=True, default=None)

    class Meta:
        model = Article
        fields = ["id", "collection", "section", "title", "abstract", "keywords", "institution", "authors"]


class CallSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status_kind = StatusKindSerializer(allow_null=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "district",
            "purpose",
            "status_kind",
            "academic_year",
            "title",
            "opens_at",
            "closes_at",
            "technical_check_date",
            "expertise_starts",
            "expertise_ends",
            "presentation_date",
            "decision_date",
        ]

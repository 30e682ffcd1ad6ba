"""The read API: published data only, anonymous, read-only, paginated, cached and rate-limited.

Each view names the models its answers are read from (``cached_models``): an answer is kept in
the cache under the versions of those tables (innovation_portal.caching) and rendered again as
soon as one of them is written. The rate limit (api.throttling) counts every request, cached or not.
"""

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import District
from applications.models import Call, StatusAward
from innovation_portal import caching
from plans.models import Plan, PlanItem
from publications.models import Article, ArticleAuthor, Collection
from ratings import selectors as rating_selectors
from ratings.models import RatingCampaign

from . import filters, serializers

PLAN_MODELS = ("plans.Plan", "plans.PlanSection", "plans.PlanItem", "plans.PlanItemMonth", "accounts.Institution")
REGISTRY_MODELS = ("applications.StatusAward", "applications.StatusKind", "accounts.Institution", "accounts.District")


class CachedReadOnly(viewsets.ReadOnlyModelViewSet):
    """List and detail answers kept in the cache until the data they show changes."""

    cached_models = ()
    lookup_value_regex = "[0-9]{1,10}"  # anything else is no record (404), never a database error

    def _cached(self, handler, request, *args, **kwargs):
        key = caching.key_for(request, (*self.cached_models, "accounts.District"), kind="api")
        if key is not None:
            data = cache.get(key)
            if data is not None:
                return Response(data)
        response = handler(request, *args, **kwargs)
        if key is not None and response.status_code == 200:
            cache.set(key, response.data, caching.PAGE_TIMEOUT)
        return response

    def list(self, request, *args, **kwargs):
        return self._cached(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached(super().retrieve, request, *args, **kwargs)


class DistrictViewSet(CachedReadOnly):
    """Districts, by their address name (``slug``), which the other lists filter by."""

    queryset = District.objects.order_by("name")
    serializer_class = serializers.DistrictSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    cached_models = ("accounts.District",)


class PlanViewSet(CachedReadOnly):
    """Published plans of events."""

    queryset = (
        Plan.objects.filter(status=Plan.Status.PUBLISHED).select_related("district").order_by("-period_start", "pk")
    )
    serializer_class = serializers.PlanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.DistrictFilter
    cached_models = PLAN_MODELS


class PlanItemViewSet(CachedReadOnly):
    """Items (events) of the published plans, with their timeframes as the portal understood them."""

    queryset = (
        PlanItem.objects.filter(plan__status=Plan.Status.PUBLISHED)
        .select_related("section", "host_institution")
        .order_by("plan_id", "order", "pk")
    )
    serializer_class = serializers.PlanItemSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.PlanItemFilter
    cached_models = PLAN_MODELS

    def filter_queryset(self, queryset):
        # A month filter joins the item's months: one row per item all the same.
        return super().filter_queryset(queryset).distinct()


class RegistryViewSet(CachedReadOnly):
    """The registry of innovation sites: the statuses held today."""

    serializer_class = serializers.StatusAwardSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.RegistryFilter
    cached_models = REGISTRY_MODELS

    def get_queryset(self):
        return (
            StatusAward.objects.current()
            .select_related("institution", "institution__district", "status_kind")
            .order_by("institution__district__name", "status_kind__order", "institution__short_name", "pk")
        )


class RatingViewSet(CachedReadOnly):
    """Published ratings of innovation activity; ``results/`` gives the places."""

    queryset = (
        RatingCampaign.objects.filter(status=RatingCampaign.Status.PUBLISHED)
        .select_related("district")
        .order_by("-academic_year", "district__name", "pk")
    )
    serializer_class = serializers.RatingCampaignSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.DistrictFilter
    cached_models = ("ratings.RatingCampaign", "ratings.RatingResult", "accounts.Institution")

    @extend_schema(responses=serializers.RatingResultSerializer(many=True))
    @action(detail=True, serializer_class=serializers.RatingResultSerializer, filterset_class=None, filter_backends=[])
    def results(self, request, pk=None):
        return self._cached(self._results, request, pk=pk)

    def _results(self, request, pk=None):
        campaign = get_object_or_404(self.queryset, pk=pk)
        page = self.paginate_queryset(rating_selectors.results(campaign))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CollectionViewSet(CachedReadOnly):
    """Published collections of articles."""

    queryset = (
        Collection.objects.filter(status=Collection.Status.PUBLISHED)
        .select_related("district", "series")
        .annotate(article_count=Count("articles", filter=Q(articles__state=Article.State.ACCEPTED)))
        .order_by("-published_at", "-pk")
    )
    serializer_class = serializers.CollectionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.DistrictFilter
    cached_models = ("publications.Collection", "publications.Series", "publications.Article")


class ArticleViewSet(CachedReadOnly):
    """The accepted articles of published collections (title, abstract, authors; the text is in the book)."""

    queryset = (
        Article.objects.filter(state=Article.State.ACCEPTED, collection__status=Collection.Status.PUBLISHED)
        .select_related("institution", "section")
        .prefetch_related(Prefetch("authors", queryset=ArticleAuthor.objects.order_by("order", "pk")))
        .order_by("collection_id", "order", "pk")
    )
    serializer_class = serializers.ArticleSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ArticleFilter
    cached_models = (
        "publications.Collection",
        "publications.CollectionSection",
        "publications.Article",
        "publications.ArticleAuthor",
        "accounts.Institution",
    )


class CallViewSet(CachedReadOnly):
    """Published calls accepting applications now (a call's page answers while it is published)."""

    serializer_class = serializers.CallSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.DistrictFilter
    cached_models = ("applications.Call", "applications.StatusKind")

    def get_queryset(self):
        calls = Call.objects.filter(is_published=True).select_related("district", "status_kind")
        if self.action == "list":
            now = timezone.now()
            calls = calls.filter(opens_at__lte=now, closes_at__gte=now)
        return calls.order_by("closes_at", "pk")


class DocumentationView(SpectacularSwaggerSplitView):
    """Swagger UI from static/ (drf-spectacular-sidecar), its start-up script a separate request:
    the page runs under the portal's policy, with no inline script or style."""

    template_name = "api/swagger_ui.html"

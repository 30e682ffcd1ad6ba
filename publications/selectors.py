"""Reads of collections and articles, shared by the pages, the ratings and the tasks."""

from datetime import datetime, time, timedelta

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from accounts.models import RoleAssignment
from innovation_portal import boundary

from .models import Article, ArticleAuthor, BookBuild, Collection, Reopening
from .models.article import BODY_FIELDS

Role = RoleAssignment.Role
S = Article.State
EDITOR_ROLES = (Role.EDITOR, Role.METHODIST)


def _authors():
    return Prefetch("authors", queryset=ArticleAuthor.objects.select_related("institution").order_by("order", "pk"))


def accepted_articles(district, academic_year=None, *, date_from=None, date_to=None):
    """Articles accepted into the district's collections, for the rating's publications indicator.

    Narrow by the collection's academic year («2025/2026») and/or by the day of acceptance
    (dates inclusive). Each article comes with its institution, collection (and series) and
    authors, so reading them all takes two queries.
    """
    articles = Article.objects.filter(collection__district=district, state=S.ACCEPTED)
    if academic_year:
        articles = articles.filter(collection__academic_year=academic_year)
    if date_from:
        articles = articles.filter(accepted_at__gte=_start_of(date_from))
    if date_to:
        articles = articles.filter(accepted_at__lt=_start_of(date_to) + timedelta(days=1))
    return (
        articles.select_related("institution", "collection", "collection__series")
        .prefetch_related(_authors())
        .order_by("institution__short_name", "accepted_at", "pk")
    )


def _start_of(day):
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return timezone.make_aware(datetime.combine(day, time.min))


def articles_visible_to(user):
    """Articles a user may open: their institutions' as a coordinator, their districts' as an editor."""
    articles = Article.objects.select_related("collection", "collection__district", "institution", "submitted_by")
    if not user.is_authenticated:
        return articles.none()
    if user.is_superuser:
        return articles
    # Editors see what was handed in; drafts stay with their authors.
    return articles.filter(
        Q(institution__in=user.coordinated_institution_ids)
        | (boundary.q(Article, user.district_ids(*EDITOR_ROLES)) & ~Q(state=Article.State.DRAFT))
    )


def collections_managed_by(user):
    collections = Collection.objects.select_related("district", "series")
    if user.is_superuser:
        return collections
    return boundary.within(collections, user.district_ids(*EDITOR_ROLES))


def open_calls_for(user):
    """Collections accepting articles in the districts where the user coordinates an institution."""
    return (
        boundary.within(Collection.objects.filter(status__in=Collection.ACCEPTING), user.district_ids(Role.COORDINATOR))
        .select_related("series", "district")
        .order_by("deadline")
    )


def reopenings_for(user, collections):
    """{collection id: latest reopening `until`} still in force for this author."""
    rows = Reopening.objects.filter(
        collection__in=collections, user=user, until__gte=timezone.now(), article__isnull=True
    ).values_list("collection_id", "until")
    result = {}
    for collection_id, until in rows:
        result[collection_id] = max(until, result.get(collection_id, until))
    return result


def my_articles(user):
    return (
        Article.objects.filter(institution__in=user.coordinated_institution_ids)
        .select_related("collection", "institution")
        .prefetch_related(_authors())
        .order_by("-updated_at", "-pk")
    )


def desk_collections(user):
    """The editor's collections with the count of articles waiting for them and accepted."""
    return collections_managed_by(user).annotate(
        waiting=Count("articles", filter=Q(articles__state__in=Article.AWAITING_EDITOR)),
        accepted=Count("articles", filter=Q(articles__state=S.ACCEPTED)),
        total=Count("articles", filter=~Q(articles__state=S.DRAFT)),
    )


def without_texts(queryset):
    """Articles for a list: their texts (abstract, sections, references: most of a row) deferred."""
    return queryset.defer(*BODY_FIELDS, "abstract", "references")


def collection_articles(collection):
    """The dashboard's articles (drafts are the authors' own business), without their texts."""
    return (
        without_texts(collection.articles.exclude(state=S.DRAFT))
        .select_related("institution", "section")
        .prefetch_related(_authors())
        .order_by("state", "-submitted_at", "pk")
    )


def published_collections():
    return (
        Collection.objects.filter(status=Collection.Status.PUBLISHED)
        .select_related("series", "district", "published_build")
        .annotate(article_count=Count("articles", filter=Q(articles__state=S.ACCEPTED)))
        .order_by("-published_at", "-pk")
    )


def published_articles(collection):
    build = collection.published_build
    pdfs = build.article_pdfs.all() if build else []
    pdf_by_article = {p.article_id: p for p in pdfs}
    articles = list(
        collection.articles.filter(state=S.ACCEPTED)
        .select_related("institution", "section")
        .prefetch_related(_authors())
        .order_by(F("section__order").asc(nulls_first=True), "section__pk", "order", "pk")
    )
    for article in articles:
        article.book_pdf = pdf_by_article.get(article.pk)
    return articles


def builds_of(collection):
    return collection.builds.select_related("requested_by").order_by("-version")


def latest_build(collection):
    return BookBuild.objects.filter(collection=collection).order_by("-version").first()


def book_order(collection):
    """Accepted articles in the order of the book, with their authors."""
    return (
        collection.articles.filter(state=S.ACCEPTED)
        .select_related("institution", "section")
        .prefetch_related(_authors())
        .order_by(F("section__order").asc(nulls_first=True), "section__pk", "order", "pk")
    )

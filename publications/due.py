"""What is due in the collections: articles to write or revise, articles waiting for the editor."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from innovation_portal import due

from . import selectors
from .models import Article, Collection


@due.provider
def items(user):
    if not user.is_authenticated:
        return []
    found = []
    if user.coordinated_institution_ids:
        found += _author_items(user)
    if user.is_superuser or user.district_ids(*selectors.EDITOR_ROLES):
        found += _editor_items(user)
    return found


def _author_items(user):
    found = []
    calls = list(selectors.open_calls_for(user).filter(status=Collection.Status.CALL_OPEN))
    submitted = set(
        Article.objects.filter(collection__in=calls, institution__in=user.coordinated_institution_ids)
        .exclude(state__in=[Article.State.DRAFT, Article.State.WITHDRAWN])
        .values_list("collection_id", flat=True)
    )
    for collection in calls:
        if collection.pk not in submitted:
            found.append(
                due.DueItem(
                    title=_("Article for «%(title)s»") % {"title": collection.title},
                    url=reverse("publications:my_articles"),
                    due=collection.deadline,
                    category=_("Collections"),
                )
            )
    for article in Article.objects.filter(
        institution__in=user.coordinated_institution_ids, state=Article.State.REVISIONS_REQUESTED
    ).only("pk", "title", "state_changed_at"):
        found.append(
            due.DueItem(
                title=_("Revise the article «%(title)s»") % {"title": article.title},
                url=reverse("publications:article_detail", args=[article.pk]),
                note=_("The editor asked for revisions."),
                category=_("Collections"),
            )
        )
    return found


def _editor_items(user):
    collections = (
        selectors.collections_managed_by(user)
        .annotate(waiting=Count("articles", filter=Q(articles__state__in=Article.AWAITING_EDITOR)))
        .filter(waiting__gt=0)
    )
    return [
        due.DueItem(
            title=_("%(count)d articles wait for review in «%(title)s»") % {"count": c.waiting, "title": c.title},
            url=reverse("publications:collection_dashboard", args=[c.pk]),
            category=_("Collections"),
        )
        for c in collections
    ]

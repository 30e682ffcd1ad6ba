"""The article deadline of a collection reminds coordinators with draft articles (kind «article_deadline»).

Only institutions that have started an article are reminded: writing for a collection is
voluntary, so the whole district is told of the call when it opens, not reminded of its
deadline three times over.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import reminders

from .models import Article, Collection


@reminders.source
def article_deadlines(now):
    earliest, latest = reminders.window("article_deadline", now)
    wide_earliest, wide_latest = reminders.wide_window(now)
    drafts = list(
        Article.objects.filter(state=Article.State.DRAFT, collection__status=Collection.Status.CALL_OPEN)
        .filter(
            Q(collection__deadline__gt=earliest, collection__deadline__lte=latest)
            | (
                ~Q(collection__reminder_offsets="")
                & Q(collection__deadline__gt=wide_earliest, collection__deadline__lte=wide_latest)
            )
        )
        .select_related("collection", "institution")
        .order_by("collection_id", "institution_id", "pk")
    )
    coordinators = reminders.coordinators_by_institution({a.institution_id for a in drafts})
    seen = set()
    for article in drafts:
        collection, institution = article.collection, article.institution
        if (collection.pk, institution.pk) in seen or not coordinators.get(institution.pk):
            continue
        seen.add((collection.pk, institution.pk))
        yield reminders.Deadline(
            kind="article_deadline",
            key=f"collection:{collection.pk}:institution:{institution.pk}",
            due=collection.deadline,
            recipients=coordinators[institution.pk],
            title=_("Articles for «%(collection)s» — %(institution)s")
            % {"collection": collection.title, "institution": institution.short_name},
            url=reverse("publications:my_articles"),
            district_id=collection.district_id,
            offsets=reminders.object_offsets(collection.reminder_offsets),
            context={"institution": institution.short_name, "collection": collection.title},
        )

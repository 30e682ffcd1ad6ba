"""The demo, the home page's due items and the review reminders."""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, StatusAward
from expertise import reminders as expertise_reminders
from expertise import selectors
from expertise.models import Assignment, CouncilMeeting, Review
from innovation_portal import due
from notifications import reminders
from notifications.models import Notification

from .factories import application_in_expertise, assign


def test_the_demo_has_reviews_in_every_state_a_flag_and_a_decided_council(demo_db):
    call_command("load_demo", verbosity=0)  # the second time (the session's demo was the first): nothing is duplicated
    assert set(Review.objects.values_list("state", flat=True)) == set(Review.State.values)
    assert {
        Assignment.State.ASSIGNED,
        Assignment.State.ACCEPTED,
        Assignment.State.DECLINED,
        Assignment.State.COMPLETED,
    } <= set(Assignment.objects.values_list("state", flat=True))
    for assignment in Assignment.objects.select_related("application", "expert"):
        assert assignment.application.institution_id not in assignment.expert.affiliation_ids
    base = Application.objects.filter(assignments__isnull=False).first().call
    assert [r.application.institution.short_name for r in selectors.call_results(base).flagged] == ["ГБОУ школа № 54"]
    applied = CouncilMeeting.objects.get(status=CouncilMeeting.Status.APPLIED)
    award = StatusAward.objects.get(protocol_number=applied.number, application__isnull=False)
    assert award.institution.short_name == "ГБДОУ детский сад № 26"
    assert Assignment.objects.count() == 10 and CouncilMeeting.objects.count() == 2


def test_the_expert_and_the_methodist_see_what_is_due(world):
    assignment = assign(application_in_expertise(world), world.users.expert, days=2)
    late = assign(application_in_expertise(world), world.users.expert, days=-1)
    titles = [item.title for item in due.items_for(world.users.expert)]
    assert titles.count("Экспертиза: ГБОУ лицей № 590") == 2
    urls = {item.url for item in due.items_for(world.users.expert)}
    assert reverse("expertise:review", args=[assignment.pk]) in urls
    methodist_items = [i for i in due.items_for(world.users.methodist) if i.title.startswith("Просроченные экспертизы")]
    assert [i.url for i in methodist_items] == [reverse("expertise:results", args=[late.application.call_id])]


def test_review_reminders_go_to_experts_with_unfinished_reviews(world, django_capture_on_commit_callbacks):
    open_one = assign(application_in_expertise(world), world.users.expert, days=7)
    done = assign(application_in_expertise(world), world.users.expert, days=7)
    Assignment.objects.filter(pk=done.pk).update(state=Assignment.State.COMPLETED)
    deadlines = list(expertise_reminders.review_deadlines(timezone.now()))
    assert [(d.kind, d.key) for d in deadlines] == [("review_due", f"assignment:{open_one.pk}")]
    moment = expertise_reminders.due_moment(open_one.due_date) - datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(now=moment) == 1
        assert reminders.send_reminders(now=moment) == 0
    note = Notification.objects.get(user=world.users.expert)
    assert note.key == f"reminder:assignment:{open_one.pk}:7"
    assert note.url == reverse("expertise:review", args=[open_one.pk])

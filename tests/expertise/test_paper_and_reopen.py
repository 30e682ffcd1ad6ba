"""A methodist types in a paper score sheet for an expert, and reopens declined or submitted work."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from expertise import selectors, services
from expertise.models import Assignment, Review, ReviewEvent
from notifications.models import Notification

from .factories import application_in_expertise, assign, expert, scores_of

AState = Assignment.State


def _form(application, values, recommendation="award", comment="по бумажному листу"):
    data = {"overall_comment": "Сильная заявка", "recommendation": recommendation}
    for criterion, value in zip(application.call.criteria.all(), values, strict=True):
        data[f"score_{criterion.pk}"] = "" if value is None else str(value)
        data[f"comment_{criterion.pk}"] = comment
    return data


def test_a_paper_sheet_is_entered_for_the_expert_and_recorded_as_the_methodists(world, login):
    application = application_in_expertise(world)
    person = expert(world)
    assignment = assign(application, person)
    client = login(world.users.methodist)
    url = reverse("expertise:paper_review", args=[assignment.pk])
    assert "Бумажный экспертный лист" in client.get(url).content.decode()
    response = client.post(url, _form(application, [3, 2, 1]))
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert (review.state, review.entered_by, review.recommendation) == ("submitted", world.users.methodist, "award")
    assert [s.value for s in review.scores.order_by("criterion__order")] == [3, 2, 1]
    assignment.refresh_from_db()
    assert assignment.state == AState.COMPLETED
    # The history says the methodist did it, from paper.
    events = ReviewEvent.objects.filter(assignment=assignment).order_by("pk")
    assert {(e.to_state, e.by_id) for e in events if e.to_state in ("submitted", "completed")} == {
        ("submitted", world.users.methodist.pk),
        ("completed", world.users.methodist.pk),
    }
    assert all("бумажного" in e.reason for e in events if e.to_state in ("submitted", "completed"))
    # The results count it as the expert's review, marked as entered from paper.
    row = selectors.call_results(application.call).row_of(application.pk)
    assert row.totals == [6] and row.paper == 1
    results_page = client.get(reverse("expertise:results", args=[application.call.pk])).content.decode()
    assert "1 с бумажного бланка" in results_page
    page = client.get(reverse("expertise:application", args=[application.pk])).content.decode()
    assert f"Внесено с бумажного экспертного листа: {world.users.methodist}" in page


def test_an_incomplete_paper_sheet_is_refused_and_keeps_what_was_typed(world, login):
    application = application_in_expertise(world)
    assignment = assign(application, expert(world))
    response = login(world.users.methodist).post(
        reverse("expertise:paper_review", args=[assignment.pk]),
        _form(application, [3, None, 1], recommendation=""),
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Не хватает" in body
    first = application.call.criteria.order_by("order").first()
    assert "Сильная заявка" in body
    assert re.search(rf'name="score_{first.pk}" value="3"[^>]*checked', body)
    assert not Review.objects.filter(assignment=assignment).exists()


def _submitted(world):
    application = application_in_expertise(world)
    person = expert(world)
    assignment = assign(application, person)
    services.save_review(assignment, by=person, scores=scores_of(application, [3, 3, 3]), recommendation="award")
    services.submit_review(assignment, by=person)
    return application, person, assignment


def test_a_submitted_review_is_reopened_with_a_reason_and_the_expert_is_told(
    world, login, mailoutbox, django_capture_on_commit_callbacks
):
    application, person, assignment = _submitted(world)
    due = timezone.localdate() + datetime.timedelta(days=5)
    client = login(world.users.methodist)
    url = reverse("expertise:reopen", args=[assignment.pk])
    # No reason: refused, the date stays.
    response = client.post(url, {"reason": "", "due_date": due.isoformat()})
    assert response.status_code == 200 and "Обязательное поле" in response.content.decode()
    assert due.isoformat() in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Не оценён критерий 2 по существу", "due_date": due.isoformat()})
    assert response.status_code == 302
    assignment.refresh_from_db()
    review = Review.objects.get(assignment=assignment)
    assert (assignment.state, assignment.due_date, review.state) == (AState.ACCEPTED, due, "draft")
    event = ReviewEvent.objects.filter(assignment=assignment, to_state="draft").get()
    assert (event.by, event.reason) == (world.users.methodist, "Не оценён критерий 2 по существу")
    # The review no longer counts: the application waits for it again.
    found = selectors.call_results(application.call)
    assert found.rows == [] and found.incomplete[0].counted == 0
    note = Notification.objects.get(user=person, kind="expertise_reopened")
    assert "Не оценён критерий 2 по существу" in note.body
    assert any("Не оценён критерий 2 по существу" in m.body for m in mailoutbox)
    # The expert can change and submit it again.
    services.save_review(assignment, by=person, scores=scores_of(application, [3, 2, 3]), recommendation="award")
    services.submit_review(assignment, by=person)
    assert Review.objects.get(assignment=assignment).state == "submitted"


def test_a_declined_assignment_is_reopened_but_a_conflict_never(world, login):
    application = application_in_expertise(world)
    person = expert(world)
    declined = assign(application, person)
    services.decline(declined, by=person, reason="Нет времени до 20 мая")
    client = login(world.users.methodist)
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        reverse("expertise:reopen", args=[declined.pk]), {"reason": "Срок продлён до конца месяца", "due_date": due}
    )
    assert response.status_code == 302
    declined.refresh_from_db()
    assert (declined.state, declined.decline_reason) == (AState.ASSIGNED, "")
    other = expert(world)
    conflict = assign(application, other)
    services.decline(conflict, by=other, reason="Работала в этой школе", conflict=True)
    response = client.post(
        reverse("expertise:reopen", args=[conflict.pk]), {"reason": "Очень нужен эксперт", "due_date": due}
    )
    assert response.status_code == 200
    assert "можно только отклонённое назначение или отправленную экспертизу" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.state == AState.CONFLICT


def test_the_call_page_offers_paper_and_reopen(world, login):
    application, person, submitted = _submitted(world)
    open_one = assign(application, expert(world))
    page = login(world.users.methodist).get(reverse("expertise:call", args=[application.call.pk])).content.decode()
    assert reverse("expertise:paper_review", args=[open_one.pk]) in page
    assert reverse("expertise:reopen", args=[submitted.pk]) in page
    assert reverse("expertise:reopen", args=[open_one.pk]) not in page

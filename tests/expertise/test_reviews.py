"""The expert's pages: what they see, scoring, submitting, hidden and blind reviews, freezing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Call
from expertise import services
from expertise.models import Assignment, Review
from innovation_portal.workflow import TransitionError

from .factories import application_in_expertise, assign, expert, expertise_call, scores_of

State = Assignment.State


def _post(criteria, values, action="save", recommendation="award", comment="Хорошо"):
    data = {"action": action, "overall_comment": "Итоговый вывод", "recommendation": recommendation}
    for criterion, value in zip(criteria, values, strict=True):
        data[f"score_{criterion.pk}"] = "" if value is None else str(value)
        data[f"comment_{criterion.pk}"] = comment
    return data


def test_an_expert_never_sees_an_application_of_their_own_institution(world, login):
    application = application_in_expertise(world, institution=world.other_institution)
    # Even an assignment made behind the rules' back (in the database) shows nothing.
    assignment = assign(application, world.users.expert)
    client = login(world.users.expert)
    assert client.get(reverse("expertise:review", args=[assignment.pk])).status_code == 404
    assert (
        reverse("expertise:review", args=[assignment.pk]) not in client.get(reverse("expertise:mine")).content.decode()
    )


def test_an_expert_never_sees_another_experts_assignment_or_an_unassigned_call(world, login):
    other = assign(application_in_expertise(world), expert(world))
    client = login(world.users.expert)
    assert client.get(reverse("expertise:review", args=[other.pk])).status_code == 404
    attachment = other.application.attachments.exclude(file="").first()
    assert client.get(reverse("expertise:attachment", args=[other.pk, attachment.pk])).status_code == 404
    assert client.get(reverse("expertise:decline", args=[other.pk])).status_code == 404


def test_my_assignments_show_progress_and_due_dates(world, login):
    call = expertise_call(world)
    first = assign(application_in_expertise(world, call=call), world.users.expert, days=3)
    from tests.factories import InstitutionFactory

    second = application_in_expertise(world, call=call, institution=InstitutionFactory(district=world.district))
    assign(second, world.users.expert, days=5)
    Assignment.objects.filter(pk=first.pk).update(state=State.COMPLETED)
    body = login(world.users.expert).get(reverse("expertise:mine")).content.decode()
    assert "1 из 2" in body
    assert (timezone.localdate() + datetime.timedelta(days=5)).strftime("%Y") in body


def test_the_expert_reads_the_application_with_its_tables_and_files(world, login):
    assignment = assign(application_in_expertise(world), world.users.expert)
    client = login(world.users.expert)
    body = client.get(reverse("expertise:review", args=[assignment.pk])).content.decode()
    assert "Проект «Читаем вместе»" in body and "Иванова Мария Петровна" in body
    assert "ГБОУ лицей № 590" in body
    assert "0 — не проявляется" in body and "3 — в полной мере" in body
    attachment = assignment.application.attachments.exclude(file="").first()
    response = client.get(reverse("expertise:attachment", args=[assignment.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_a_blind_call_hides_the_institution(world, login):
    call = expertise_call(world, blind=True)
    assignment = assign(application_in_expertise(world, call=call), world.users.expert)
    client = login(world.users.expert)
    body = client.get(reverse("expertise:review", args=[assignment.pk])).content.decode()
    assert "ГБОУ лицей № 590" not in body
    assert assignment.application.org_full_name not in body
    assert f"Заявка № {assignment.application.pk}" in body
    assert "ГБОУ лицей № 590" not in client.get(reverse("expertise:mine")).content.decode()


def test_save_draft_then_submit(world, login):
    assignment = assign(application_in_expertise(world), world.users.expert)
    criteria = list(assignment.application.call.criteria.all())
    client = login(world.users.expert)
    url = reverse("expertise:review", args=[assignment.pk])
    assert client.post(url, _post(criteria, [2, None, 1], recommendation="")).status_code == 302
    review = Review.objects.get()
    assert review.state == Review.State.DRAFT
    assert [(s.value, s.comment) for s in review.scores.all()] == [(2, "Хорошо"), (None, "Хорошо"), (1, "Хорошо")]
    assignment.refresh_from_db()
    assert assignment.state == State.ACCEPTED
    response = client.post(url, _post(criteria, [2, 3, 1], action="submit"))
    assert response.status_code == 302
    review.refresh_from_db()
    assignment.refresh_from_db()
    assert review.state == Review.State.SUBMITTED and review.submitted_at is not None
    assert assignment.state == State.COMPLETED
    assert review.recommendation == Review.Recommendation.AWARD


def test_submitting_an_incomplete_review_keeps_it_as_a_draft_and_says_what_is_missing(world, login):
    assignment = assign(application_in_expertise(world), world.users.expert)
    criteria = list(assignment.application.call.criteria.all())
    client = login(world.users.expert)
    response = client.post(
        reverse("expertise:review", args=[assignment.pk]),
        _post(criteria, [3, None, 2], action="submit", recommendation=""),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Экспертизу пока нельзя отправить. Не хватает: балл по критерию «Технологичность»; рекомендация." in body
    assert "Итоговый вывод" in body  # what was typed is still there
    assert Review.objects.get().state == Review.State.DRAFT


def test_a_score_outside_the_scale_is_refused(world):
    assignment = assign(application_in_expertise(world), world.users.expert)
    with pytest.raises(TransitionError, match="от 0 до 3"):
        services.save_review(assignment, by=world.users.expert, scores=scores_of(assignment.application, [4, 1, 1]))


def test_save_and_next_goes_to_the_next_unfinished_assignment(world, login):
    call = expertise_call(world)
    from tests.factories import InstitutionFactory

    first = assign(application_in_expertise(world, call=call), world.users.expert, days=2)
    second_app = application_in_expertise(world, call=call, institution=InstitutionFactory(district=world.district))
    second = assign(second_app, world.users.expert, days=4)
    criteria = list(call.criteria.all())
    response = login(world.users.expert).post(
        reverse("expertise:review", args=[first.pk]), _post(criteria, [1, 1, 1], action="next")
    )
    assert response["Location"] == reverse("expertise:review", args=[second.pk])


def test_other_reviews_stay_hidden_until_the_expert_submits(world, login):
    application = application_in_expertise(world)
    colleague = expert(world)
    theirs = assign(application, colleague)
    services.save_review(
        theirs, by=colleague, scores=scores_of(application, [0, 0, 0], "Секретный довод"), recommendation="not_award"
    )
    services.submit_review(theirs, by=colleague)
    mine = assign(application, world.users.expert)
    client = login(world.users.expert)
    url = reverse("expertise:review", args=[mine.pk])
    body = client.get(url).content.decode()
    assert "Секретный довод" not in body
    assert "Экспертизы других экспертов будут видны после отправки вашей." in body
    services.save_review(mine, by=world.users.expert, scores=scores_of(application, [3, 3, 3]), recommendation="award")
    assert "Секретный довод" not in client.get(url).content.decode()  # a draft is not enough
    services.submit_review(mine, by=world.users.expert)
    assert "Секретный довод" in client.get(url).content.decode()


def test_a_call_may_show_other_reviews_from_the_start(world, login):
    call = expertise_call(world, reviews_hidden_until_submitted=False)
    application = application_in_expertise(world, call=call)
    colleague = expert(world)
    theirs = assign(application, colleague)
    services.save_review(
        theirs, by=colleague, scores=scores_of(application, [1, 1, 1], "Открытый довод"), recommendation="award"
    )
    services.submit_review(theirs, by=colleague)
    mine = assign(application, world.users.expert)
    assert (
        "Открытый довод" in login(world.users.expert).get(reverse("expertise:review", args=[mine.pk])).content.decode()
    )


def test_reviews_are_frozen_after_the_expertise_closes(world, login):
    call = expertise_call(world)
    assignment = assign(application_in_expertise(world, call=call), world.users.expert)
    services.save_review(
        assignment, by=world.users.expert, scores=scores_of(assignment.application, [1, 2, 3]), recommendation="award"
    )
    services.submit_review(assignment, by=world.users.expert)
    Call.objects.filter(pk=call.pk).update(expertise_ends=timezone.localdate() - datetime.timedelta(days=1))
    client = login(world.users.expert)
    url = reverse("expertise:review", args=[assignment.pk])
    criteria = list(call.criteria.all())
    response = client.post(url, _post(criteria, [0, 0, 0]))
    assert response.status_code == 200
    assert "Экспертиза по конкурсу завершилась" in response.content.decode()
    assert [s.value for s in Review.objects.get().scores.all()] == [1, 2, 3]
    assert services.freeze_reviews() == 1
    assert Review.objects.get().state == Review.State.FROZEN
    assert services.freeze_reviews() == 0


def test_a_submitted_review_can_be_corrected_until_the_end_but_stays_complete(world):
    assignment = assign(application_in_expertise(world), world.users.expert)
    application = assignment.application
    services.save_review(
        assignment, by=world.users.expert, scores=scores_of(application, [1, 1, 1]), recommendation="award"
    )
    services.submit_review(assignment, by=world.users.expert)
    services.save_review(
        assignment, by=world.users.expert, scores=scores_of(application, [2, 2, 2]), recommendation="award"
    )
    assert [s.value for s in Review.objects.get().scores.all()] == [2, 2, 2]
    with pytest.raises(TransitionError, match="должна оставаться полной"):
        services.save_review(
            assignment, by=world.users.expert, scores=scores_of(application, [2, None, 2]), recommendation="award"
        )


def test_a_decided_application_closes_its_reviews(world):
    assignment = assign(application_in_expertise(world), world.users.expert)
    Application.objects.filter(pk=assignment.application_id).update(state=Application.State.AWARDED)
    with pytest.raises(TransitionError, match="Совет принял решение"):
        services.save_review(assignment, by=world.users.expert, scores={})

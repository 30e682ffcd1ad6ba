"""Councils decide in one batch; the registry fills; the protocol and conclusions print."""

import datetime
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application, Call, StatusAward
from expertise import services
from expertise.models import AgendaItem, CouncilMeeting, Presentation, Review
from innovation_portal.workflow import TransitionError
from notifications.models import Notification
from tests.factories import InstitutionFactory, Role, UserFactory, with_role

from .factories import application_in_expertise, assign, expert, expertise_call, meeting, scores_of

State = Application.State


def _text(response):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.content)).pages)


def _decide(meeting_obj, application, decision, reasons, votes=(2, 0, 0)):
    item = AgendaItem.objects.get(meeting=meeting_obj, application=application)
    item.decision, item.reasons = decision, reasons
    item.votes_for, item.votes_against, item.votes_abstained = votes
    item.save()


@pytest.fixture
def session(world):
    call = expertise_call(world)
    winner = application_in_expertise(world, call=call)
    loser_school = InstitutionFactory(district=world.district, short_name="ГБОУ школа № 54")
    loser = application_in_expertise(world, call=call, institution=loser_school)
    returned_school = InstitutionFactory(district=world.district, short_name="ГБОУ школа № 200")
    returned = application_in_expertise(world, call=call, institution=returned_school)
    with_role(UserFactory(email="coord200@example.org"), Role.COORDINATOR, world.district, returned_school)
    with_role(UserFactory(email="coord54@example.org"), Role.COORDINATOR, world.district, loser_school)
    person = expert(world)
    assignment = assign(winner, person)
    services.save_review(
        assignment, by=person, scores=scores_of(winner, [3, 2, 3], "Убедительно"), recommendation="award"
    )
    services.submit_review(assignment, by=person)
    chair = world.users.methodist
    council = meeting(
        world,
        kind=CouncilMeeting.Kind.COORDINATION_COUNCIL,
        number="7",
        place="ИМЦ, каб. 12",
        chair=chair,
        secretary=person,
        members=[chair, person, world.users.expert],
        present=[chair, person],
    )
    services.add_to_agenda(council, [winner, loser, returned])
    return call, council, winner, loser, returned, assignment


def test_applying_decisions_fills_the_registry_and_tells_the_applicants(
    world, session, django_capture_on_commit_callbacks
):
    call, council, winner, loser, returned, assignment = session
    _decide(council, winner, "award", "Высокие согласованные оценки экспертов")
    _decide(council, loser, "not_award", "Не обоснованы мероприятия дорожной карты")
    _decide(council, returned, "return", "Уточните целевую аудиторию")
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_decisions(council, by=world.users.methodist)
    winner.refresh_from_db()
    loser.refresh_from_db()
    returned.refresh_from_db()
    assert (winner.state, loser.state, returned.state) == (State.AWARDED, State.NOT_AWARDED, State.RETURNED)
    award = StatusAward.objects.get(application=winner)
    assert award.protocol_number == "7" and award.decision_date == council.date
    assert award.decision_body.startswith("Координационный совет по инновационной деятельности")
    council.refresh_from_db()
    assert council.status == CouncilMeeting.Status.APPLIED and council.applied_by == world.users.methodist
    notes = {n.user.email: n for n in Notification.objects.filter(user__roles__role=Role.COORDINATOR)}
    assert "Высокие согласованные оценки экспертов" in notes["coordinator@example.org"].body
    assert (
        "Не обоснованы мероприятия"
        in Notification.objects.get(user__email="coord54@example.org", kind="application_not_awarded").body
    )
    returned_mail = [m for m in mail.outbox if m.to == ["coord200@example.org"]]
    assert len(returned_mail) == 1 and "Уточните целевую аудиторию" in returned_mail[0].body
    assignment.review.refresh_from_db()
    assert assignment.review.state == Review.State.FROZEN
    with pytest.raises(TransitionError, match="исполнены"):
        services.apply_decisions(council, by=world.users.methodist)


def test_nothing_is_applied_while_a_question_is_undecided(world, session):
    call, council, winner, loser, returned, _assignment = session
    _decide(council, winner, "award", "Да")
    with pytest.raises(TransitionError, match="Ещё нет решения по вопросам: ГБОУ школа № 54, ГБОУ школа № 200"):
        services.apply_decisions(council, by=world.users.methodist)
    winner.refresh_from_db()
    assert winner.state == State.UNDER_EXPERTISE and not StatusAward.objects.exists()


def test_a_conference_talk_is_accepted_without_a_status(world):
    call = expertise_call(world, purpose=Call.Purpose.CONFERENCE_TALK, form=Call.Form.CONFERENCE_TALK, status_kind=None)
    talk = application_in_expertise(world, call=call)
    council = meeting(world, members=["Соколов П. А.", "Лебедева Н. И."], present=["Соколов П. А.", "Лебедева Н. И."])
    services.add_to_agenda(council, [talk])
    _decide(council, talk, "award", "Доклад рекомендован к конференции")
    services.apply_decisions(council, by=world.users.methodist)
    talk.refresh_from_db()
    assert talk.state == State.AWARDED and not StatusAward.objects.exists()


def test_the_methodist_runs_a_meeting_in_the_browser(world, login, session):
    call, council, winner, loser, returned, _assignment = session
    client = login(world.users.methodist)
    items = list(AgendaItem.objects.filter(meeting=council).order_by("order"))
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3"}
    for index, (item, decision) in enumerate(zip(items, ["award", "not_award", ""], strict=True)):
        data.update(
            {
                f"form-{index}-id": item.pk,
                f"form-{index}-decision": decision,
                f"form-{index}-reasons": "Обоснование" if index == 0 else "",
                f"form-{index}-votes_for": 2,
                f"form-{index}-votes_against": 0,
                f"form-{index}-votes_abstained": 0,
            }
        )
    response = client.post(reverse("expertise:council_decisions", args=[council.pk]), data)
    assert response.status_code == 200  # the second decision lacks its reasons
    assert "Напишите обоснование" in response.content.decode()
    data["form-1-reasons"] = "Мало ресурсов"
    data["form-2-decision"] = "return"
    data["form-2-reasons"] = "Доработать"
    response = client.post(reverse("expertise:council_decisions", args=[council.pk]), data)
    assert response.status_code == 200  # a return needs the date to revise by
    assert "Укажите дату" in response.content.decode()
    data["form-2-fix_by"] = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert client.post(reverse("expertise:council_decisions", args=[council.pk]), data).status_code == 302
    council.refresh_from_db()
    assert council.status == CouncilMeeting.Status.HELD
    client.post(reverse("expertise:council_apply", args=[council.pk]))
    assert StatusAward.objects.filter(application=winner).exists()
    registry = client.get(reverse("applications:registry")).content.decode()
    assert "ГБОУ лицей № 590" in registry


def test_the_protocol_reads_as_an_official_document(world, login, session):
    call, council, winner, loser, returned, _assignment = session
    _decide(council, winner, "award", "Высокие оценки", votes=(2, 0, 0))
    _decide(council, loser, "not_award", "Мало ресурсов", votes=(1, 1, 0))
    text = _text(login(world.users.district_office).get(reverse("expertise:protocol", args=[council.pk])))
    assert "ПРОТОКОЛ № 7" in text
    assert "ПРОТОКОЛ № 7 заседания координационного совета по инновационной деятельности" in text
    assert council.date.strftime("%d.%m.%Y") in text
    assert "Присутствовали (2 из 3)" in text
    assert "Повестка О присвоении статуса «Районная стажировочная площадка» ГБОУ лицей № 590" in text
    assert "О заявке" not in text
    assert "СЛУШАЛИ" in text
    assert "РЕШИЛИ: Присвоить статус «Районная стажировочная площадка». Высокие оценки Голосовали" in text
    assert "Голосовали: за — 2, против — 0, воздержались — 0." in text
    assert "Голосовали: за — 1, против — 1, воздержались — 0." in text
    assert "Председатель ____________________ " in text and "Секретарь" in text


def test_the_conclusion_has_scores_comments_and_the_decision(world, login, session):
    call, council, winner, loser, returned, assignment = session
    _decide(council, winner, "award", "Высокие оценки")
    text = _text(login(world.users.methodist).get(reverse("expertise:conclusion", args=[winner.pk])))
    assert "ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ" in text and "по заявке ГБОУ лицей № 590" in text
    assert "Актуальность (0–3)" in text
    assert "Актуальность (0–3) 1,00 3 3,00" in text
    assert "Взвешенный итог 8,00 8,00" in text
    assert "Убедительно" in text and "Рекомендация: присвоить статус" in text
    assert "Присвоить статус: Высокие оценки" in text
    assert assignment.expert.full_name in text


def test_a_presentation_slot_reaches_the_coordinator(world, login, session, django_capture_on_commit_callbacks):
    call, council, winner, *_ = session
    starts = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=3), datetime.time(10, 30))
    )
    client = login(world.users.methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("expertise:presentations", args=[call.pk]),
            {
                "application": winner.pk,
                "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                "minutes": 10,
                "place": "Актовый зал ИМЦ",
            },
        )
    assert response.status_code == 302
    assert Presentation.objects.get().application == winner
    assert mail.outbox[-1].to == ["coordinator@example.org"]
    body = login(world.users.coordinator).get(reverse("expertise:my_presentations")).content.decode()
    assert "Актовый зал ИМЦ" in body and "10:30" in body
    assert (
        "Актовый зал ИМЦ"
        not in login(world.users.other_coordinator).get(reverse("expertise:my_presentations")).content.decode()
    )


def test_the_protocol_and_the_ranking_are_made_in_the_background(
    world, login, session, django_capture_on_commit_callbacks
):
    import io

    import openpyxl
    from pypdf import PdfReader

    from exports.models import ExportJob

    call, council, winner, loser, returned, _assignment = session
    _decide(council, winner, "award", "Высокие оценки", votes=(2, 0, 0))
    client = login(world.users.methodist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start"), {"name": "expertise.protocol_pdf", "meeting": council.pk})
        client.post(reverse("exports:start"), {"name": "expertise.results_xlsx", "call": call.pk})
    protocol, ranking = ExportJob.objects.order_by("pk")
    assert (protocol.state, ranking.state) == ("done", "done")
    pdf = b"".join(client.get(reverse("exports:download", args=[protocol.pk])).streaming_content)
    assert "ПРОТОКОЛ № 7" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    xlsx = b"".join(client.get(reverse("exports:download", args=[ranking.pk])).streaming_content)
    assert "ГБОУ лицей № 590" in str(list(openpyxl.load_workbook(io.BytesIO(xlsx)).active.values))
    # A coordinator cannot start either.
    coordinator = login(world.users.coordinator)
    response = coordinator.post(reverse("exports:start"), {"name": "expertise.protocol_pdf", "meeting": council.pk})
    assert response.status_code == 404

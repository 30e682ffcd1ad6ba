"""Assigning experts by hand, automatically and from CSV; declining and conflicts."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from expertise import services
from expertise.models import Assignment, ConflictDeclaration, ExpertProfile
from innovation_portal.workflow import TransitionError
from notifications.models import Notification
from tests.factories import InstitutionFactory

from .factories import application_in_expertise, assign, expert, expertise_call

State = Application.State
DUE = timezone.localdate() + datetime.timedelta(days=7)


def test_hand_assignment_refuses_an_expert_of_the_applicant_institution(world):
    application = application_in_expertise(world)
    colleague = expert(world, institution=world.institution)
    with pytest.raises(TransitionError, match="работает в ГБОУ лицей № 590"):
        services.assign_expert(application, colleague, due_date=DUE, by=world.users.methodist)
    assert not Assignment.objects.exists()


def test_an_expert_who_coordinates_the_applicant_is_refused_too(world):
    application = application_in_expertise(world)
    from tests.factories import Role, with_role

    with_role(world.users.coordinator, Role.EXPERT, world.district, world.other_institution)
    with pytest.raises(TransitionError):
        services.assign_expert(application, world.users.coordinator, due_date=DUE, by=world.users.methodist)


def test_first_expert_starts_the_expertise_and_is_told(world, django_capture_on_commit_callbacks):
    application = application_in_expertise(world, state=State.ADMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_expert(application, world.users.expert, due_date=DUE, by=world.users.methodist)
    application.refresh_from_db()
    assert application.state == State.UNDER_EXPERTISE
    assert ApplicationEvent.objects.filter(application=application, to_state=State.UNDER_EXPERTISE).exists()
    assert [m.to for m in mail.outbox] == [["expert@example.org"]]
    with pytest.raises(TransitionError, match="уже"):
        services.assign_expert(application, world.users.expert, due_date=DUE, by=world.users.methodist)


def test_automatic_assignment_respects_conflicts_caps_and_the_applicant(world, django_capture_on_commit_callbacks):
    call = expertise_call(world)
    schools = [InstitutionFactory(district=world.district) for _ in range(4)]
    applications = [application_in_expertise(world, call=call, institution=s, state=State.ADMITTED) for s in schools]
    insiders = [expert(world, institution=s) for s in schools]  # one expert works at each applicant
    outsider = expert(world)
    ExpertProfile.objects.create(user=outsider, district=world.district, max_load=1)
    ConflictDeclaration.objects.create(expert=insiders[1], institution=schools[0], reason="Родственник")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.assign_automatically(call, per_application=2, cap=2, due_date=DUE, by=world.users.methodist)
    made = Assignment.objects.select_related("application", "expert")
    for assignment in made:
        assert assignment.application.institution_id not in assignment.expert.affiliation_ids
        assert not ConflictDeclaration.objects.filter(
            expert=assignment.expert, institution=assignment.application.institution
        ).exists()
    assert not made.filter(expert=insiders[1], application=applications[0]).exists()
    assert made.filter(expert=outsider).count() <= 1
    loads = {}
    for assignment in made:
        loads[assignment.expert_id] = loads.get(assignment.expert_id, 0) + 1
    assert max(loads.values()) <= 2
    # The world's expert (of other_institution) is in the pool too: 6 experts, 4 applications × 2.
    assert len(result.created) == 8 and not result.short
    assert set(Application.objects.filter(call=call).values_list("state", flat=True)) == {State.UNDER_EXPERTISE}
    assert len(mail.outbox) == len({a.expert_id for a in made})


def test_automatic_assignment_reports_applications_left_short(world):
    call = expertise_call(world)
    application_in_expertise(world, call=call)
    result = services.assign_automatically(call, per_application=3, cap=5, due_date=DUE, by=world.users.methodist)
    assert len(result.created) == 1  # only the world's expert is eligible
    assert [(a.pk, got, wanted) for a, got, wanted in result.short] == [(Application.objects.get().pk, 1, 3)]


def test_an_unavailable_expert_is_left_out(world):
    call = expertise_call(world)
    application_in_expertise(world, call=call)
    ExpertProfile.objects.create(user=world.users.expert, district=world.district, is_active=False)
    result = services.assign_automatically(call, per_application=1, cap=5, due_date=DUE, by=world.users.methodist)
    assert result.created == []


def test_the_methodist_assigns_automatically_in_the_browser(world, login):
    call = expertise_call(world)
    application_in_expertise(world, call=call)
    client = login(world.users.methodist)
    response = client.post(
        reverse("expertise:assign_auto", args=[call.pk]),
        {"per_application": 2, "cap": 3, "due_date": DUE.isoformat()},
        follow=True,
    )
    assert "Назначено экспертов: 1" in response.content.decode()
    assert "1 из 2 экспертов" in response.content.decode()
    assert Assignment.objects.get().expert == world.users.expert


def test_a_bad_form_keeps_what_was_typed(world, login):
    call = expertise_call(world)
    client = login(world.users.methodist)
    response = client.post(reverse("expertise:assign_auto", args=[call.pk]), {"per_application": 0, "cap": 7})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="7"' in body and "Обязательное поле" in body


# --- CSV ----------------------------------------------------------------------------------


def _csv(rows, encoding="utf-8"):
    return ("\n".join(";".join(r) for r in [["ОУ", "E-mail эксперта", "Срок"], *rows]) + "\n").encode(encoding)


def test_csv_in_windows_1251_assigns_every_row(world):
    call = expertise_call(world)
    application = application_in_expertise(world, call=call)
    second = expert(world, email="Second@Example.org")
    content = _csv(
        [["ГБОУ лицей № 590", "expert@example.org", ""], [str(application.pk), "second@example.org", "01.12.2099"]],
        "cp1251",
    )
    created = services.import_assignments(call, content, due_date=DUE, by=world.users.methodist)
    assert {(a.expert, a.due_date) for a in created} == {
        (world.users.expert, DUE),
        (second, datetime.date(2099, 12, 1)),
    }


def test_csv_is_all_or_nothing_with_row_numbers(world):
    call = expertise_call(world)
    application_in_expertise(world, call=call)
    colleague = expert(world, institution=world.institution, email="colleague@example.org")
    content = _csv(
        [
            ["ГБОУ лицей № 590", "expert@example.org", ""],
            ["ГБОУ лицей № 590", colleague.email, ""],
            ["Школа № 1", "expert@example.org", ""],
            ["ГБОУ лицей № 590", "nobody@example.org", "завтра"],
        ]
    )
    with pytest.raises(TransitionError) as error:
        services.import_assignments(call, content, due_date=DUE, by=world.users.methodist)
    message = str(error.value)
    assert message.startswith("Ничего не назначено.")
    assert "Строка 3:" in message and "работает в ГБОУ лицей № 590" in message
    assert "Строка 4: нет заявки «Школа № 1»" in message
    assert "Строка 5: нет эксперта" in message
    assert "Строка 2" not in message
    assert not Assignment.objects.exists()


def test_csv_upload_page_shows_the_errors(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    call = expertise_call(world)
    client = login(world.users.methodist)
    upload = SimpleUploadedFile("experts.csv", _csv([["Школа № 1", "expert@example.org", ""]]), "text/csv")
    response = client.post(
        reverse("expertise:assign_csv", args=[call.pk]), {"file": upload, "due_date": DUE.isoformat()}
    )
    assert response.status_code == 200
    assert "Строка 2: нет заявки «Школа № 1»" in response.content.decode()


# --- the expert steps aside ---------------------------------------------------------------


def test_declining_tells_the_methodist(world, login, django_capture_on_commit_callbacks):
    assignment = assign(application_in_expertise(world), world.users.expert)
    client = login(world.users.expert)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("expertise:decline", args=[assignment.pk]), {"kind": "decline", "reason": "Болею"}
        )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.DECLINED and assignment.decline_reason == "Болею"
    note = Notification.objects.get(user=world.users.methodist)
    assert "отказался" in note.title.lower() or "отказ" in note.title.lower()
    assert "Болею" in note.body
    assert mail.outbox[-1].to == ["methodist@example.org"]


def test_a_declared_conflict_keeps_the_expert_away_for_good(world):
    call = expertise_call(world)
    application = application_in_expertise(world, call=call)
    assignment = assign(application, world.users.expert)
    services.decline(assignment, by=world.users.expert, reason="Бывший сотрудник", conflict=True)
    assert assignment.state == Assignment.State.CONFLICT
    assert ConflictDeclaration.objects.filter(expert=world.users.expert, institution=world.institution).exists()
    later = application_in_expertise(world, call=expertise_call(world))
    with pytest.raises(TransitionError, match="конфликт"):
        services.assign_expert(later, world.users.expert, due_date=DUE, by=world.users.methodist)
    assert services.assign_automatically(later.call, due_date=DUE, by=world.users.methodist).created == []


def test_declining_needs_a_reason_and_keeps_the_form(world, login):
    assignment = assign(application_in_expertise(world), world.users.expert)
    response = login(world.users.expert).post(
        reverse("expertise:decline", args=[assignment.pk]), {"kind": "conflict", "reason": ""}
    )
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    assert 'value="conflict"  id="id_kind_1" required checked' in response.content.decode()

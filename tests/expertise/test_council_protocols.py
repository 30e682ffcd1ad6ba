"""What a methodist did with a council, and what went wrong before (issue 14, «Councils and protocols»).

The roster is people, not accounts: attendance is saved on each member's row, so a save never
drops anyone. A protocol records no more votes than members present, a meeting in the future
cannot have its decisions applied, awarding before every review is in needs the council's
reason, members with a conflict of interest abstain, and the protocol says all of it.
"""

import datetime
import subprocess
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from applications.models import Application, StatusAward
from expertise import exports, services
from expertise.models import AgendaItem, CouncilMeeting, CouncilMember
from notifications.models import Notification
from tests.factories import InstitutionFactory, UserFactory

from .factories import application_in_expertise, assign, expert, expertise_call, meeting, scores_of

State = Application.State


def _text(content):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(content)).pages)


def _reviewed(application, experts, submitted):
    """`experts` assigned to the application; the first `submitted` of them hand in their review."""
    for index, person in enumerate(experts):
        assignment = assign(application, person)
        if index < submitted:
            services.save_review(
                assignment, by=person, scores=scores_of(application, [3, 3, 2], "Обосновано"), recommendation="award"
            )
            services.submit_review(assignment, by=person)


def _form_data(response):
    """What the browser posts back from the meeting's page as the methodist saw it."""
    data = {}
    for form in [response.context["form"], *response.context["members"].forms]:
        for field in form:
            value = field.value()
            if field.widget_type == "checkbox":
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value.pk if hasattr(value, "pk") else value
    management = response.context["members"].management_form
    for field in management:
        data[field.html_name] = field.value()
    return data


def _decisions(items, **values):
    """The decisions form of the meeting's page, every item with the same values unless told."""
    data = {"form-TOTAL_FORMS": str(len(items)), "form-INITIAL_FORMS": str(len(items))}
    for index, item in enumerate(items):
        row = {"decision": "award", "reasons": "Программа соответствует приоритетам района", **values}
        data[f"form-{index}-id"] = item.pk
        for name in ("decision", "reasons", "votes_for", "votes_against", "votes_abstained", "override_reason"):
            if name in row:
                data[f"form-{index}-{name}"] = row[name]
        for member in row.get("recused", []):
            data.setdefault(f"form-{index}-recused", []).append(member)
    return data


@pytest.fixture
def sitting(world):
    """A status call, the lyceum's application reviewed by all three experts, and a council of 4 (3 present)."""
    call = expertise_call(world)
    application = application_in_expertise(world, call=call)
    _reviewed(application, [expert(world), expert(world), expert(world)], submitted=3)
    council = meeting(
        world,
        number="2",
        chair=world.users.methodist,
        members=["Соколов Павел Андреевич", "Лебедева Нина Ивановна", "Орлов Иван Ильич"],
        present=[world.users.methodist, "Соколов Павел Андреевич", "Лебедева Нина Ивановна"],
    )
    services.add_to_agenda(council, [application])
    return call, council, application


# --- the roster ---------------------------------------------------------------------------


def test_saving_the_demo_meeting_keeps_all_its_members(demo_db, client):
    """The defect: the demo's expert council has 6 members; one (Морозова Т. В.) has no role in the
    district, so her box was missing from the form and a save left 5. Now the rows are kept."""
    council = CouncilMeeting.objects.get(number="2", kind=CouncilMeeting.Kind.EXPERT_COUNCIL)
    before = list(council.members.values_list("full_name", flat=True))
    assert "Морозова Татьяна Викторовна" in before
    methodist = User.objects.get(email="methodist@demo.local")
    client.force_login(methodist)
    page = client.get(reverse("expertise:council_edit", args=[council.pk]))
    data = _form_data(page)
    for index in range(len(before)):
        data[f"members-{index}-present"] = "on"  # the methodist ticks who came
    response = client.post(reverse("expertise:council_edit", args=[council.pk]), data)
    assert response.status_code == 302
    assert list(council.members.values_list("full_name", flat=True)) == before
    assert council.members.filter(present=True).count() == len(before)
    morozova = council.members.get(full_name="Морозова Татьяна Викторовна")
    assert morozova.user.email == "expert4@demo.local" and not morozova.user.roles.exists()


def test_a_member_without_a_portal_role_is_typed_in_and_printed(world, login):
    client = login(world.users.methodist)
    data = {
        "district": world.district.pk,
        "kind": CouncilMeeting.Kind.EXPERT_COUNCIL,
        "number": "2",
        "date": timezone.localdate().isoformat(),
        "place": "ИМЦ, каб. 12",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-0-full_name": "",
        "members-0-user": world.users.methodist.pk,
        "members-0-role": "chair",
        "members-0-present": "on",
        "members-1-full_name": "Соколов Павел Андреевич",
        "members-1-position": "доцент кафедры педагогики",
        "members-1-organisation": "РГПУ им. А. И. Герцена",
        "members-1-role": "secretary",
        "members-1-present": "on",
        "members-2-position": "пенсионер",
        "members-2-role": "member",
    }
    response = client.post(reverse("expertise:council_new"), data)
    assert response.status_code == 200  # a row with a position and no name is refused, the rest kept
    page = response.content.decode()
    assert "Укажите ФИО члена совета" in page and "Соколов Павел Андреевич" in page
    data["members-2-full_name"] = "Лебедева Нина Ивановна"
    assert client.post(reverse("expertise:council_new"), data).status_code == 302
    council = CouncilMeeting.objects.get(number="2")
    assert [(m.full_name, m.role, m.present) for m in council.members.all()] == [
        (world.users.methodist.full_name, "chair", True),
        ("Соколов Павел Андреевич", "secretary", True),
        ("Лебедева Нина Ивановна", "member", False),
    ]
    assert council.members.get(role="secretary").user is None
    text = _text(client.get(reverse("expertise:protocol", args=[council.pk])).content)
    assert "ПРОТОКОЛ № 2 заседания экспертного совета" in text
    assert "Присутствовали (2 из 3)" in text
    assert "Соколов Павел Андреевич (доцент кафедры педагогики, РГПУ им. А. И. Герцена)" in text
    assert "Секретарь ____________________ Соколов Павел Андреевич" in text


def test_two_chairs_are_refused_and_the_rows_stay_typed(world, login):
    council = meeting(world, chair=world.users.methodist, members=["Соколов П. А."])
    client = login(world.users.methodist)
    data = _form_data(client.get(reverse("expertise:council_edit", args=[council.pk])))
    data["members-1-role"] = "chair"
    response = client.post(reverse("expertise:council_edit", args=[council.pk]), data)
    assert response.status_code == 200
    assert "В совете может быть только один человек с ролью «председатель»" in response.content.decode()
    assert council.members.filter(role="chair").count() == 1


def test_a_new_meeting_starts_with_the_previous_roster(world, login):
    meeting(world, number="1", chair=world.users.methodist, members=["Соколов П. А."], present=["Соколов П. А."])
    client = login(world.users.methodist)
    data = {
        "district": world.district.pk,
        "kind": CouncilMeeting.Kind.EXPERT_COUNCIL,
        "number": "2",
        "date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("expertise:council_new"), data, follow=True)
    council = CouncilMeeting.objects.get(number="2")
    assert [(m.full_name, m.role, m.present) for m in council.members.all()] == [
        (world.users.methodist.full_name, "chair", False),
        ("Соколов П. А.", "member", False),
    ]
    assert "Состав совета скопирован с заседания № 1" in response.content.decode()


# --- votes, dates, overrides, recusals ------------------------------------------------------


def test_more_votes_than_members_present_are_refused(world, login, sitting):
    _call, council, application = sitting
    client = login(world.users.methodist)
    items = list(council.agenda.all())
    response = client.post(
        reverse("expertise:council_decisions", args=[council.pk]),
        _decisions(items, votes_for=4, votes_against=0, votes_abstained=0),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Записано голосов: 4, а присутствуют только 3 члена совета." in page
    assert "Программа соответствует приоритетам района" in page  # what was typed stays
    assert AgendaItem.objects.get(meeting=council).decision == ""
    ok = client.post(
        reverse("expertise:council_decisions", args=[council.pk]),
        _decisions(items, votes_for=3, votes_against=0, votes_abstained=0),
    )
    assert ok.status_code == 302
    assert AgendaItem.objects.get(meeting=council).votes_for == 3


def test_a_member_marked_absent_after_the_vote_stops_the_decisions(world, sitting):
    _call, council, application = sitting
    AgendaItem.objects.filter(meeting=council).update(decision="award", reasons="Да", votes_for=3)
    council.members.filter(full_name="Лебедева Нина Ивановна").update(present=False)
    with pytest.raises(services.TransitionError, match="Записано голосов: 3, а присутствуют только 2"):
        services.apply_decisions(council, by=world.users.methodist)
    application.refresh_from_db()
    assert application.state == State.UNDER_EXPERTISE


def test_decisions_of_a_meeting_in_the_future_cannot_be_applied(world, login, sitting):
    _call, council, application = sitting
    day = timezone.localdate() + datetime.timedelta(days=12)
    CouncilMeeting.objects.filter(pk=council.pk).update(date=day)
    client = login(world.users.methodist)
    items = list(council.agenda.all())
    saved = client.post(
        reverse("expertise:council_decisions", args=[council.pk]),
        _decisions(items, votes_for=3, votes_against=0, votes_abstained=0),
    )
    assert saved.status_code == 302  # the secretary may prepare the protocol ahead
    council.refresh_from_db()
    assert council.status == CouncilMeeting.Status.DRAFT  # not «held» before its day
    page = client.get(reverse("expertise:council", args=[council.pk])).content.decode()
    assert "решения можно подготовить заранее, а исполнить — после заседания" in page
    assert 'id="apply" disabled' in page
    response = client.post(reverse("expertise:council_apply", args=[council.pk]), follow=True)
    assert "его решения можно исполнить только после того, как оно состоится" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.UNDER_EXPERTISE and not StatusAward.objects.exists()


def test_awarding_with_unfinished_reviews_needs_the_councils_reason(world, login):
    call = expertise_call(world)
    application = application_in_expertise(world, call=call)
    _reviewed(application, [expert(world), expert(world), expert(world)], submitted=1)
    council = meeting(world, number="3", chair=world.users.methodist, present=[world.users.methodist])
    services.add_to_agenda(council, [application])
    client = login(world.users.methodist)
    page = client.get(reverse("expertise:council", args=[council.pk])).content.decode()
    assert "Экспертиза не завершена: сдано 1 из 3 экспертиз." in page
    items = list(council.agenda.all())
    url = reverse("expertise:council_decisions", args=[council.pk])
    refused = client.post(url, _decisions(items, votes_for=1, votes_against=0, votes_abstained=0))
    assert refused.status_code == 200
    assert "Экспертиза не завершена (сдано 1 из 3 экспертиз): чтобы присвоить статус сейчас" in (
        refused.content.decode()
    )
    reason = "Срок действия статуса истекает, совет решает по единственной сданной экспертизе"
    data = _decisions(items, votes_for=1, votes_against=0, votes_abstained=0, override_reason=reason)
    assert client.post(url, data).status_code == 302
    item = AgendaItem.objects.get(meeting=council)
    assert (item.override_reason, item.reviews_done, item.reviews_expected) == (reason, 1, 3)
    client.post(reverse("expertise:council_apply", args=[council.pk]))
    application.refresh_from_db()
    assert application.state == State.AWARDED
    text = _text(client.get(reverse("expertise:protocol", args=[council.pk])).content)
    assert f"Решение принято до завершения экспертизы (сдано 1 из 3 экспертиз). Основание: {reason}" in text


def test_a_not_award_needs_no_override(world, login):
    application = application_in_expertise(world)
    _reviewed(application, [expert(world), expert(world)], submitted=1)
    council = meeting(world, chair=world.users.methodist, present=[world.users.methodist])
    services.add_to_agenda(council, [application])
    client = login(world.users.methodist)
    data = _decisions(list(council.agenda.all()), decision="not_award", votes_for=1, votes_against=0, votes_abstained=0)
    assert client.post(reverse("expertise:council_decisions", args=[council.pk]), data).status_code == 302


def test_a_member_with_a_conflict_of_interest_abstains_and_the_protocol_says_so(world, login, sitting):
    _call, council, application = sitting
    # The lyceum's own coordinator sits on the council (linked account), and a guest from the lyceum.
    CouncilMember.objects.create(
        meeting=council, order=5, user=world.users.coordinator, full_name="Петрова Анна Ивановна", present=True
    )
    CouncilMember.objects.filter(meeting=council, full_name="Орлов Иван Ильич").update(
        organisation=application.institution.short_name, present=True
    )
    client = login(world.users.methodist)
    page = client.get(reverse("expertise:council", args=[council.pk]))
    form = page.context["formset"].forms[0]
    assert {m.full_name for m in form.fields["recused"].queryset.filter(pk__in=form.initial["recused"])} == {
        "Петрова Анна Ивановна",
        "Орлов Иван Ильич",
    }
    items = list(council.agenda.all())
    url = reverse("expertise:council_decisions", args=[council.pk])
    refused = client.post(url, _decisions(items, votes_for=5, votes_against=0, votes_abstained=0))
    assert "Члены совета с конфликтом интересов воздерживаются (Орлов Иван Ильич, Петрова Анна Ивановна)" in (
        refused.content.decode()
    )
    # The methodist does not tick them: they are recorded anyway.
    assert client.post(url, _decisions(items, votes_for=3, votes_against=0, votes_abstained=2)).status_code == 302
    item = AgendaItem.objects.get(meeting=council)
    assert {m.full_name for m in item.recused.all()} == {"Петрова Анна Ивановна", "Орлов Иван Ильич"}
    text = _text(client.get(reverse("expertise:protocol", args=[council.pk])).content)
    assert (
        "Голосовали: за — 3, против — 0, воздержались — 2. Воздержались в связи с конфликтом интересов "
        "(в голосовании не участвовали): Орлов Иван Ильич, Петрова Анна Ивановна." in text
    )


# --- the letter that could not go -------------------------------------------------------------


def test_the_methodist_is_told_when_an_awarded_institution_has_no_coordinator(
    world, login, django_capture_on_commit_callbacks
):
    call = expertise_call(world)
    orphan = InstitutionFactory(district=world.district, short_name="ГБОУ школа № 54")
    application = application_in_expertise(world, call=call, institution=orphan)
    _reviewed(application, [expert(world)], submitted=1)
    council = meeting(world, chair=world.users.methodist, present=[world.users.methodist])
    services.add_to_agenda(council, [application])
    AgendaItem.objects.filter(meeting=council).update(decision="award", reasons="Высокие оценки", votes_for=1)
    client = login(world.users.methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("expertise:council_apply", args=[council.pk]), follow=True)
    page = response.content.decode()
    assert "Решения исполнены" in page
    assert "Письмо с решением не удалось отправить: ГБОУ школа № 54 — нет учётной записи координатора" in page
    note = Notification.objects.get(user=world.users.methodist, kind="expertise_letter_undelivered")
    assert "ГБОУ школа № 54" in note.title and note.url == reverse("expertise:council", args=[council.pk])
    assert StatusAward.objects.filter(institution=orphan).exists()


def test_no_warning_when_every_applicant_was_told(world, login, sitting):
    _call, council, _application = sitting
    AgendaItem.objects.filter(meeting=council).update(decision="award", reasons="Высокие оценки", votes_for=3)
    client = login(world.users.methodist)
    response = client.post(reverse("expertise:council_apply", args=[council.pk]))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts and not any("не удалось отправить" in t for t in texts)
    assert not Notification.objects.filter(kind="expertise_letter_undelivered").exists()


# --- the printed protocol ------------------------------------------------------------------


def _last_page_text(content):
    reader = PdfReader(BytesIO(content))
    return len(reader.pages), " ".join(reader.pages[-1].extract_text().split())


@pytest.mark.parametrize("questions", [6, 7, 8, 9, 10, 11, 12])
def test_the_signatures_never_stand_alone_on_a_page(world, questions):
    call = expertise_call(world)
    applications = [
        application_in_expertise(
            world, call=call, institution=InstitutionFactory(district=world.district, short_name=f"ГБОУ школа № {n}")
        )
        for n in range(100, 100 + questions)
    ]
    council = meeting(world, chair=world.users.methodist, present=[world.users.methodist])
    services.add_to_agenda(council, applications)
    reasons = "Программа опытно-экспериментальной работы обоснована, ресурсы соответствуют целям. " * 3
    AgendaItem.objects.filter(meeting=council).update(decision="award", reasons=reasons, votes_for=1)
    council = CouncilMeeting.objects.prefetch_related("members").get(pk=council.pk)
    pages, last = _last_page_text(exports.protocol_pdf(council))
    assert pages > 1
    assert "Председатель" in last and "РЕШИЛИ" in last  # the last question stays with the signatures
    # pdftotext agrees with pypdf on where the last page starts.
    text = subprocess.run(
        ["pdftotext", "-f", str(pages), "-l", str(pages), "-", "-"],
        input=exports.protocol_pdf(council),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Голосовали" in text and "Секретарь" in text


def test_a_long_roster_is_saved_in_one_form(world, login):
    council = meeting(world, chair=world.users.methodist, members=[UserFactory(full_name="Иванов И. И.")])
    client = login(world.users.methodist)
    data = _form_data(client.get(reverse("expertise:council_edit", args=[council.pk])))
    data["members-2-full_name"] = "Сидорова Мария Петровна"
    data["members-2-role"] = "member"
    assert client.post(reverse("expertise:council_edit", args=[council.pk]), data).status_code == 302
    assert council.members.count() == 3

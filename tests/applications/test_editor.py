"""The coordinator in the browser: filling both seed forms, tables, files, submitting, fixing."""

import datetime
from io import BytesIO
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import services
from applications.models import Application, Attachment, Call, CallQuestion, DistrictProgramme, StatusAward
from tests.factories import InstitutionFactory

from .factories import PDF, add_checklist, application_for, call_for, mp4, real_mp4

State = Application.State


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


ORGANISATION = {
    "org_full_name": "ГБОУ лицей № 590 Красносельского района Санкт-Петербурга",
    "org_legal_address": "198332, Санкт-Петербург, пр. Ветеранов, д. 151",
    "org_head": "директор Иванова Мария Петровна",
    "org_phone": "+7 (812) 736-00-00",
    "org_email": "lyceum590@example.org",
    "org_website": "https://lyceum590.example.org",
    "manager_name": "Васильева Елена Игоревна",
    "manager_position": "заместитель директора по ОЭР",
    "manager_email": "vasilyeva@example.org",
    "manager_phone": "+7 (921) 000-00-00",
    "practice_url": "https://lyceum590.example.org/practice",
}


def training_site_data(**overrides):
    data = {
        **ORGANISATION,
        "theme": "Смысловое чтение как основа функциональной грамотности",
        "programme_name": "Лаборатория осмысленного чтения",
        "relevance": "Педагоги района испытывают трудности в обучении смысловому чтению.",
        "consumers": "Учителя начальной и основной школы",
        "difficulties": "Нет опыта проектирования уроков смыслового чтения",
        "immersion": "Дегустационная экспертиза открытых уроков",
        "hours": "36",
        "planned_results": "Стажёры спроектировали урок смыслового чтения",
        "ways": "Мастер-классы, открытые уроки, работа с наставником",
        "demand_forecast": "Не менее 40 стажёров в год",
        "effectiveness": "Анкетирование, экспертиза продуктов стажёров",
        **management("experience", 2),
        "experience-0-project": "Районный проект «Читаем вместе»",
        "experience-0-years": "2022–2024",
        "experience-0-works": "Семинары, открытые уроки",
        "experience-1-project": "Городской семинар «Лаборатория осмысленного чтения»",
        "experience-1-years": "2025",
        "experience-1-works": "Мастер-классы",
        **management("staff", 1),
        "staff-0-full_name": "Кузнецова Елена Петровна",
        "staff-0-position": "учитель русского языка",
        "staff-0-degree": "кандидат педагогических наук",
        "staff-0-works": "Проведение стажировок",
        **management("sources", 1),
        "sources-0-title": "Методические рекомендации «Смысловое чтение»",
        "sources-0-annotation": "Технологические карты уроков",
        "save": "1",
    }
    data.update(overrides)
    return data


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def edit(client, application, data):
    return client.post(reverse("applications:edit", args=[application.pk]), data)


@pytest.fixture
def coordinator(login, world):
    return login(world.users.coordinator)


def start(client, call, institution):
    response = client.post(reverse("applications:apply", args=[call.pk]), {"institution": institution.pk})
    application = Application.objects.get(call=call, institution=institution)
    assert response.url == reverse("applications:edit", args=[application.pk])
    return application


def test_training_site_from_draft_to_registry(world, login, django_capture_on_commit_callbacks):
    """The issue's «Done when»: fill, attach, submit, get it back, fix, resubmit, admitted, awarded."""
    call = call_for(world)
    add_checklist(call)
    client = login(world.users.coordinator)
    application = start(client, call, world.institution)

    # Fill every section; the video (2 min 30 s) goes with the first save, the scenario with the second.
    data = training_site_data(**{"attach-kind": "video", "attach-file": upload("анонс.mp4", real_mp4(150))})
    response = edit(client, application, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = edit(
        client,
        application,
        training_site_data(
            **management("experience", 2, 2),
            **{f"experience-{i}-id": r.pk for i, r in enumerate(application.experience.all())},
            **management("staff", 1, 1),
            **{"staff-0-id": application.staff.get().pk},
            **management("sources", 1, 1),
            **{"sources-0-id": application.sources.get().pk},
            **{"attach-kind": "immersion_scenario", "attach-file": upload("Сценарий.pdf", PDF)},
        ),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.hours == 36
    assert [r.project for r in application.experience.all()] == [
        "Районный проект «Читаем вместе»",
        "Городской семинар «Лаборатория осмысленного чтения»",
    ]
    video = application.attachments.get(kind=Attachment.Kind.VIDEO)
    assert (video.original_name, video.duration_seconds) == ("анонс.mp4", 150)
    assert application.attachments.filter(kind=Attachment.Kind.IMMERSION_SCENARIO).exists()

    # Submit before the deadline: the methodist is told.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.url == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert any("methodist@example.org" in m.to for m in mail.outbox)

    # The methodist returns it with remarks and a fix-by date.
    methodist = login(world.users.methodist)
    page = methodist.get(reverse("applications:check", args=[application.pk])).content.decode()
    assert "Подпись руководителя" in page
    items = {f"item{item.pk}": "on" for item in call.checklist.exclude(automatic="")}
    fix_by = timezone.localdate() + datetime.timedelta(days=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = methodist.post(
            reverse("applications:check", args=[application.pk]),
            {**items, "decision": "return", "remarks": "Приложите скан титульного листа", "fix_by": fix_by.isoformat()},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.RETURNED
    assert [m.to for m in mail.outbox] == [["coordinator@example.org"]]
    assert "Приложите скан титульного листа" in mail.outbox[0].body

    # The coordinator sees the remarks, fixes and resubmits from the editor.
    client = login(world.users.coordinator)
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "Приложите скан титульного листа" in page
    rows = {
        **management("experience", 2, 2),
        **{f"experience-{i}-id": r.pk for i, r in enumerate(application.experience.all())},
        **management("staff", 1, 1),
        "staff-0-id": application.staff.get().pk,
        **management("sources", 1, 1),
        "sources-0-id": application.sources.get().pk,
    }
    data = training_site_data(**rows, **{"attach-kind": "other", "attach-file": upload("Титульный лист.pdf", PDF)})
    data.pop("save")
    data["submit"] = "1"
    response = edit(client, application, data)
    assert response.url == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.state == State.RESUBMITTED
    assert application.experience.count() == 2  # saving again does not duplicate rows

    # The methodist admits it; the council (issue 5) awards; the registry shows the site.
    methodist = login(world.users.methodist)
    response = methodist.post(reverse("applications:check", args=[application.pk]), {"decision": "admit"})
    application.refresh_from_db()
    assert application.state == State.ADMITTED
    services.award_status(
        application, by=world.users.methodist, decision_body="Координационный совет", protocol_number="3"
    )
    page = login(None).get(reverse("applications:registry")).content.decode()
    assert "Смысловое чтение как основа функциональной грамотности" in page
    assert StatusAward.objects.get().institution == world.institution


def test_base_site_form_with_its_programme_and_roadmap_sections(world, coordinator):
    programme = DistrictProgramme.objects.create(district=world.district, name="Программа «Поколение.RU»")
    call = call_for(world, form=Call.Form.BASE_SITE)
    application = start(coordinator, call, world.institution)
    page = coordinator.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "Наименование районной программы или инициативного сетевого проекта" in page
    assert "Проведение научно-методических и методических мероприятий" in page
    data = {
        **ORGANISATION,
        "district_programme": programme.pk,
        "theme": "Финансовая грамотность",
        "relevance": "Приоритет района",
        "consumers": "Педагоги",
        "planned_results": "Методические продукты",
        "ways": "Семинары",
        "effectiveness": "Мониторинг",
        "goal": "Опытно-практическая работа",
        **management("experience", 1),
        "experience-0-project": "Проект",
        **management("staff", 1),
        "staff-0-full_name": "Петров Сергей Николаевич",
    }
    for section in (1, 2, 3):
        data.update(management(f"roadmap{section}", 1))
        data[f"roadmap{section}-0-name"] = f"Мероприятие раздела {section}"
        data[f"roadmap{section}-0-timeframe"] = "октябрь - апрель"
    data["submit"] = "1"
    response = edit(coordinator, application, data)
    assert response.status_code == 302, response.content.decode()
    assert response.url == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.district_programme == programme
    assert [(e.section, e.name) for e in application.roadmap.all()] == [
        (1, "Мероприятие раздела 1"),
        (2, "Мероприятие раздела 2"),
        (3, "Мероприятие раздела 3"),
    ]


def test_an_error_keeps_everything_typed_including_new_rows(world, coordinator):
    application = application_for(world, complete=False)
    data = training_site_data(org_email="не адрес", **management("experience", 3))
    data["experience-2-project"] = "Третья строка, добавленная в браузере"
    data["staff-0-full_name"] = ""  # a row with position but no name
    response = edit(coordinator, application, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ничего пока не сохранено" in page
    assert "Третья строка, добавленная в браузере" in page
    assert "Лаборатория осмысленного чтения" in page
    assert "кандидат педагогических наук" in page
    assert "Введите правильный адрес электронной почты" in page
    application.refresh_from_db()
    assert application.theme == "" and not application.experience.exists()


def test_a_row_removed_in_the_browser_is_deleted(world, coordinator):
    application = application_for(world)
    first = application.experience.get()
    data = training_site_data(
        **management("experience", 2, 1),
        **{
            "experience-0-id": first.pk,
            "experience-0-project": first.project,
            "experience-0-DELETE": "on",
            "experience-1-project": "Новый проект",
        },
        **management("staff", 0),
        **management("sources", 0),
    )
    assert edit(coordinator, application, data).status_code == 302
    assert [r.project for r in application.experience.all()] == ["Новый проект"]


def test_the_completeness_indicator_lists_what_is_missing(world, coordinator):
    application = application_for(world, complete=False)
    page = coordinator.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "Не заполнено поле «Наименование программы стажировки»" in page
    assert "В таблице «Кадровое обеспечение программы» нет ни одной строки" in page
    assert "Не приложен файл «Видеоанонс»" in page
    fill = application_for(world, call=call_for(world))
    page = coordinator.get(reverse("applications:edit", args=[fill.pk])).content.decode()
    assert "Всё обязательное заполнено" in page


def test_required_extra_questions_count_for_completeness(world, coordinator):
    application = application_for(world)
    question = CallQuestion.objects.create(
        call=application.call,
        text="Сколько педагогов пройдут стажировку?",
        kind=CallQuestion.Kind.NUMBER,
        required=True,
    )
    page = coordinator.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "Нет ответа на вопрос «Сколько педагогов пройдут стажировку?»" in page
    rows = {
        **management("experience", 1, 1),
        "experience-0-id": application.experience.get().pk,
        "experience-0-project": "Проект",
        **management("staff", 1, 1),
        "staff-0-id": application.staff.get().pk,
        "staff-0-full_name": "Иванова",
        **management("sources", 1, 1),
        "sources-0-id": application.sources.get().pk,
        "sources-0-title": "Источник",
    }
    response = edit(coordinator, application, training_site_data(**rows, **{f"q{question.pk}": "40", "submit": "1"}))
    assert response.url == reverse("applications:detail", args=[application.pk])
    assert application.answers.get().value == "40"


def test_copy_from_my_last_application_on_start(world, coordinator):
    old = application_for(world, state=State.NOT_AWARDED, theme="Прошлогодняя тема")
    call = call_for(world)
    coordinator.post(
        reverse("applications:apply", args=[call.pk]), {"institution": world.institution.pk, "copy_from": old.pk}
    )
    new = Application.objects.get(call=call)
    assert new.theme == "Прошлогодняя тема"
    assert new.experience.count() == 1


def test_copy_button_in_the_editor(world, coordinator):
    application_for(world, state=State.NOT_AWARDED, programme_name="Старая программа")
    draft = application_for(world, call=call_for(world), complete=False)
    response = coordinator.post(reverse("applications:copy_last", args=[draft.pk]), follow=True)
    assert "Пустые поля, таблицы и файлы заполнены" in response.content.decode()
    draft.refresh_from_db()
    assert draft.programme_name == "Старая программа"


def test_submit_after_the_deadline_is_refused_with_a_clear_message_and_nothing_lost(world, coordinator):
    application = application_for(world)
    late = application.call.closes_at + datetime.timedelta(seconds=1)
    data = training_site_data(
        theme="Тема, набранная после срока",
        **management("experience", 0),
        **management("staff", 0),
        **management("sources", 0),
    )
    data.pop("save")
    data["submit"] = "1"
    with mock.patch("django.utils.timezone.now", return_value=late):
        response = edit(coordinator, application, data)
    response = coordinator.get(response.url)
    assert "Срок подачи" in response.content.decode() and "истёк" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert application.theme == "Тема, набранная после срока"


def test_autosave_keeps_the_fields(world, coordinator):
    application = application_for(world, complete=False)
    response = coordinator.post(
        reverse("applications:autosave", args=[application.pk]), {"theme": "Набрано и не сохранено"}
    )
    assert response.json()["saved"] is True
    application.refresh_from_db()
    assert application.theme == "Набрано и не сохранено"
    response = coordinator.post(
        reverse("applications:autosave", args=[application.pk]), {"theme": "Ещё строчка", "org_email": "нет"}
    )
    result = response.json()
    # What is valid is saved; what is not is named, and stays in the page until corrected.
    application.refresh_from_db()
    assert application.theme == "Ещё строчка" and application.org_email == ""
    assert "кроме" in result["message"] and "Введите правильный адрес электронной почты" in result["message"]


def test_a_submitted_application_opens_read_only(world, coordinator):
    application = application_for(world, state=State.SUBMITTED)
    response = coordinator.get(reverse("applications:edit", args=[application.pk]))
    assert response.url == reverse("applications:detail", args=[application.pk])


@pytest.mark.parametrize("name", ["applications:detail", "applications:edit", "applications:pdf"])
def test_another_schools_coordinator_gets_404(world, login, name):
    application = application_for(world)
    client = login(world.users.other_coordinator)
    assert client.get(reverse(name, args=[application.pk])).status_code == 404
    attachment = application.attachments.exclude(file="").get()
    assert client.get(reverse("applications:attachment", args=[application.pk, attachment.pk])).status_code == 404


def test_another_school_cannot_apply_in_my_name(world, login):
    call = call_for(world)
    response = login(world.users.other_coordinator).post(
        reverse("applications:apply", args=[call.pk]), {"institution": world.institution.pk}
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


# --- attachments ------------------------------------------------------------------------


def attach(client, application, **files):
    data = training_site_data(**management("experience", 0), **management("staff", 0), **management("sources", 0))
    data.update({f"attach-{k}": v for k, v in files.items()})
    return edit(client, application, data)


def test_a_video_longer_than_three_minutes_is_refused(world, coordinator):
    application = application_for(world, complete=False)
    response = attach(coordinator, application, kind="video", file=upload("ролик.mp4", real_mp4(181)))
    assert response.status_code == 200
    assert "Видеоролик длится 3 мин 01 с" in response.content.decode()
    assert not application.attachments.exists()


def test_a_video_of_exactly_three_minutes_is_accepted(world, coordinator):
    application = application_for(world, complete=False)
    assert attach(coordinator, application, kind="video", file=upload("ролик.mp4", real_mp4(180))).status_code == 302
    assert application.attachments.get().duration_seconds == 180


def test_a_video_whose_length_cannot_be_read_is_refused(world, coordinator):
    application = application_for(world, complete=False)
    broken = mp4(60)[:40]  # an MP4 signature without its moov box
    response = attach(coordinator, application, kind="video", file=upload("ролик.mp4", broken))
    assert "Не удалось определить длительность" in response.content.decode()


def test_a_header_that_claims_a_length_is_not_trusted(world, coordinator):
    """An MP4 that is only a header saying «2 min 30 s», with no video in it, is refused, not accepted."""
    application = application_for(world, complete=False)
    response = attach(coordinator, application, kind="video", file=upload("ролик.mp4", mp4(150)))
    assert "Не удалось определить длительность" in response.content.decode()
    assert not application.attachments.exists()


def test_without_ffprobe_a_video_is_kept_as_not_checked(world, coordinator, login, monkeypatch):
    """A bare `make run` has no ffprobe: the video is accepted and the methodist sees «не проверено»."""
    from applications import video
    from applications.models import ChecklistItem

    monkeypatch.setattr(video, "ffprobe", lambda: None)
    application = application_for(world, complete=False)
    assert attach(coordinator, application, kind="video", file=upload("ролик.mp4", mp4(150))).status_code == 302
    assert application.attachments.get().duration_seconds is None
    line = ChecklistItem.objects.create(
        call=application.call, order=9, text="Видео не длиннее 3 минут", automatic="video_length"
    )
    application.state = Application.State.SUBMITTED
    application.save(update_fields=["state"])
    form = login(world.users.methodist).get(reverse("applications:check", args=[application.pk])).context["form"]
    assert form.initial[f"item{line.pk}"] is False
    assert str(form.fields[f"item{line.pk}"].help_text).startswith("Не проверено")


def test_a_link_may_replace_the_video_file(world, coordinator):
    application = application_for(world, complete=False)
    assert attach(coordinator, application, kind="video", video_url="https://vk.com/video-1_2").status_code == 302
    assert application.attachments.get().video_url == "https://vk.com/video-1_2"


def test_a_web_page_named_pdf_is_refused_by_its_content(world, coordinator):
    application = application_for(world, complete=False)
    fake = upload("Сценарий.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = attach(coordinator, application, kind="immersion_scenario", file=fake)
    assert response.status_code == 200
    assert "здесь не принимается" in response.content.decode()
    assert not application.attachments.exists()


def test_a_pdf_where_a_video_is_expected_is_refused(world, coordinator):
    application = application_for(world, complete=False)
    response = attach(coordinator, application, kind="video", file=upload("ролик.pdf", PDF))
    assert "не принимается" in response.content.decode()


def test_attachments_download_only_through_the_checked_view(world, coordinator):
    application = application_for(world)
    attachment = application.attachments.exclude(file="").get()
    response = coordinator.get(reverse("applications:attachment", args=[application.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "Сценарий.pdf" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]


def test_removing_an_attachment(world, coordinator):
    application = application_for(world)
    attachment = application.attachments.exclude(file="").get()
    coordinator.post(reverse("applications:attachment_delete", args=[application.pk, attachment.pk]))
    assert not application.attachments.filter(pk=attachment.pk).exists()


# --- the PDF ----------------------------------------------------------------------------


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_application_prints_in_the_official_layout(world, coordinator):
    application = application_for(world, theme="Смысловое чтение", programme_name="Лаборатория чтения")
    response = coordinator.get(reverse("applications:pdf", args=[application.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "ЗАЯВКА на присвоение статуса «Районная стажировочная площадка»" in text
    assert "на 2026/2027 учебный год" in text
    assert "1. Сведения об организации-заявителе" in text
    assert "2. Опыт деятельности организации-заявителя по теме работы стажировочной площадки за последние 5 лет" in text
    assert "3. Сведения о программе стажировки" in text
    assert "4. Ресурсное обеспечение программы работы стажировочной площадки" in text
    assert "Лаборатория чтения" in text
    assert "Проект «Читаем вместе»" in text
    assert "Иванова Мария Петровна, учитель" in text
    assert "6. Сценарий погружения" in text


def test_the_base_site_pdf_has_the_roadmap_sections(world, coordinator):
    call = call_for(world, form=Call.Form.BASE_SITE)
    application = application_for(world, call=call)
    text = " ".join(pdf_text(coordinator.get(reverse("applications:pdf", args=[application.pk])).content).split())
    assert "ЗАЯВКА на присвоение статуса «Районная базовая площадка»" in text
    assert "5. Дорожная карта" in text
    assert "Обобщение и оформление позитивного опыта" in text
    assert "Событие 3" in text


def test_methodists_never_see_a_schools_draft(world, login):
    application = application_for(world)
    assert login(world.users.methodist).get(reverse("applications:detail", args=[application.pk])).status_code == 404


def test_a_school_of_another_district_cannot_open_the_call(world, login):
    from tests.factories import Role, UserFactory, with_role

    stranger = with_role(
        UserFactory(), Role.COORDINATOR, world.other_district, InstitutionFactory(district=world.other_district)
    )
    call = call_for(world)
    assert login(stranger).get(reverse("applications:call", args=[call.pk])).status_code == 404

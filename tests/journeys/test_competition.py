"""A training-site application from the first keystroke to admission, in a real browser.

The coordinator of «ГБОУ лицей № 590» starts an application to a new training-site call,
fills the form and its tables (rows added in the browser), attaches a video announcement and
an immersion scenario, and submits. A methodist returns it with remarks; the coordinator
sees them, fixes the application and resubmits; the methodist admits it. Two experts score it;
the coordination council awards the status, and the public registry shows the lyceum.
"""

import io

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import District, Institution
from applications.models import Application, ApplicationEvent, Attachment, StatusAward
from tests.applications.factories import PDF, CallFactory, add_checklist, real_mp4

pytestmark = pytest.mark.browser

State = Application.State


@pytest.fixture
def call(demo):
    call = CallFactory(
        district=District.objects.get(slug="krasnoselsky"),
        title="Конкурс на статус районной стажировочной площадки (журнал)",
        is_published=True,
    )
    add_checklist(call)
    return call


PROGRAMME = {
    "theme": "Смысловое чтение на уроках естественнонаучного цикла",
    "practice_url": "https://lyceum590.example.org/practice",
    "programme_name": "Стажировка «Читаем, чтобы понимать»",
    "relevance": "Низкие результаты читательской грамотности в районе.",
    "consumers": "Учителя биологии, химии и физики школ района.",
    "difficulties": "Учителя не владеют приёмами смыслового чтения.",
    "immersion": "Открытые уроки, дегустационная экспертиза, практикум.",
    "hours": "36",
    "planned_results": "Стажёры разработают уроки с заданиями на смысловое чтение.",
    "ways": "Практикумы, наставничество, сопровождение в ОУ.",
    "demand_forecast": "Ожидается 25 стажёров в год.",
    "effectiveness": "Анализ уроков стажёров и анкетирование.",
}

TABLES = {
    "experience": [{"project": "Проект «Читаем вместе»", "years": "2021–2025", "works": "Семинары, мастер-классы"}],
    "staff": [
        {"full_name": "Васильева Елена Игоревна", "position": "заместитель директора", "degree": "к.п.н."},
        {"full_name": "Сидоров Пётр Ильич", "position": "учитель биологии", "degree": ""},
    ],
    "sources": [{"title": "Методические рекомендации по смысловому чтению", "annotation": "48 с., 2024"}],
}


def _add_rows(page, prefix, rows):
    formset = page.locator(f".formset[data-prefix='{prefix}']")
    for row in rows:
        index = formset.locator(".formset-row:not(.d-none)").count()
        formset.locator(".add-row").click()
        for field, value in row.items():
            formset.locator(f"[name='{prefix}-{index}-{field}']").fill(value)


def _attach(page, kind, name, mime, content):
    page.select_option("select[name='attach-kind']", kind)
    page.set_input_files("input[name='attach-file']", files=[{"name": name, "mimeType": mime, "buffer": content}])


def test_coordinator_applies_methodist_returns_coordinator_fixes_methodist_admits(call, visit):
    coordinator = visit("coordinator@demo.local")
    page = coordinator.go(f"/competitions/calls/{call.pk}/")
    expect(page.get_by_role("heading", name=call.title)).to_be_visible()
    coordinator.shot("call")
    page.get_by_role("button", name="Начать заявку").click()
    page.wait_for_url("**/edit/")
    expect(page.get_by_text("ЗАЯВКА на присвоение статуса «Районная стажировочная площадка»")).to_be_visible()
    # The organisation's details come from its card; the coordinator fills the rest.
    assert "лицей № 590" in page.input_value("[name='org_full_name']")
    for name, value in PROGRAMME.items():
        page.fill(f"[name='{name}']", value)
    page.fill("[name='manager_phone']", "+7 (812) 700-00-00")
    for prefix, rows in TABLES.items():
        _add_rows(page, prefix, rows)
    # A row added by mistake and removed again is not saved.
    _add_rows(page, "sources", [{"title": "Лишняя строка"}])
    page.locator(".formset[data-prefix='sources'] .formset-row:not(.d-none) .remove-row").last.click()
    _attach(page, "video", "Анонс площадки.mp4", "video/mp4", real_mp4(150))
    coordinator.shot("editor-filled")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Сохранено.")).to_be_visible()

    application = Application.objects.get(call=call)
    assert application.state == State.DRAFT
    assert application.theme == PROGRAMME["theme"]
    assert application.hours == 36
    assert list(application.staff.values_list("full_name", flat=True)) == [
        "Васильева Елена Игоревна",
        "Сидоров Пётр Ильич",
    ]
    assert list(application.sources.values_list("title", flat=True)) == [TABLES["sources"][0]["title"]]
    video = application.attachments.get(kind=Attachment.Kind.VIDEO)
    assert (video.original_name, video.duration_seconds) == ("Анонс площадки.mp4", 150)
    # Still missing: the immersion scenario, shown in the completeness box.
    expect(page.locator("#completeness").get_by_text("Сценарий погружения", exact=False)).to_be_visible()

    _attach(page, "immersion_scenario", "Сценарий погружения.pdf", "application/pdf", PDF)
    page.get_by_role("button", name="Сохранить и подать").click()
    page.wait_for_url(f"**/competitions/applications/{application.pk}/")
    expect(page.get_by_text("Заявка подана")).to_be_visible()
    coordinator.shot("submitted")
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.attachments.count() == 2

    # The methodist finds it waiting for the technical check and returns it with remarks.
    methodist = visit("methodist@demo.local")
    page = methodist.go(f"/competitions/manage/calls/{call.pk}/")
    row = page.locator("#call-applications tr", has_text="ГБОУ лицей № 590")
    row.get_by_role("link", name="Проверить").click()
    page.wait_for_url(f"**/applications/{application.pk}/check/")
    page.get_by_label("Вернуть на доработку").check()
    methodist.shot("check-return")
    page.get_by_role("button", name="Сохранить результат проверки").click()
    # Without remarks and a date the form says what is missing and keeps the decision.
    expect(page.get_by_text("Напишите, что координатору нужно исправить")).to_be_visible()
    expect(page.get_by_label("Вернуть на доработку")).to_be_checked()
    page.fill("[name='remarks']", "Укажите учёную степень всех сотрудников в таблице кадров.")
    page.fill("[name='fix_by']", call.technical_check_date.isoformat())
    page.get_by_role("button", name="Сохранить результат проверки").click()
    page.wait_for_url(f"**/manage/calls/{call.pk}/")
    application.refresh_from_db()
    assert application.state == State.RETURNED
    assert application.fix_by == call.technical_check_date
    letter = next(m for m in mail.outbox if m.to == ["coordinator@demo.local"] and "доработку" in m.subject)
    assert "учёную степень всех сотрудников" in letter.body

    # The coordinator sees the remarks, fixes the staff table and resubmits.
    page = coordinator.go(f"/competitions/applications/{application.pk}/")
    expect(page.locator("#remarks").get_by_text("учёную степень всех сотрудников")).to_be_visible()
    coordinator.shot("returned")
    page.get_by_role("link", name="Редактировать").click()
    page.wait_for_url("**/edit/")
    page.fill("[name='staff-1-degree']", "первая квалификационная категория")
    page.get_by_role("button", name="Сохранить и подать").click()
    page.wait_for_url(f"**/competitions/applications/{application.pk}/")
    application.refresh_from_db()
    assert application.state == State.RESUBMITTED
    assert application.staff.get(full_name="Сидоров Пётр Ильич").degree == "первая квалификационная категория"

    # The methodist admits it to the content expertise.
    page = methodist.go(f"/competitions/applications/{application.pk}/check/")
    page.get_by_label("Допустить к содержательной экспертизе").check()
    page.get_by_role("button", name="Сохранить результат проверки").click()
    page.wait_for_url(f"**/manage/calls/{call.pk}/")
    expect(page.get_by_text("Заявка допущена к содержательной экспертизе")).to_be_visible()
    methodist.shot("admitted")
    application.refresh_from_db()
    assert application.state == State.ADMITTED
    assert list(
        ApplicationEvent.objects.filter(application=application).order_by("pk").values_list("to_state", flat=True)
    ) == [State.DRAFT, State.SUBMITTED, State.RETURNED, State.RESUBMITTED, State.ADMITTED]
    # Only one application of the lyceum, and nobody else's was touched.
    lyceum = Institution.objects.get(short_name="ГБОУ лицей № 590")
    assert Application.objects.filter(call=call).count() == 1
    assert Application.objects.get(call=call).institution == lyceum


# The coordination council that meets in the journey: the chair, the secretary and a member.
COUNCIL = ("Григорьева Анна Павловна", "Степанова Ксения Олеговна", "Фёдорова Людмила Николаевна")
REASONS = "Программа актуальна для района, эксперты единодушно рекомендуют присвоить статус."


def test_experts_score_the_admitted_application_and_the_council_awards_the_status(call, visit):
    from expertise.models import Assignment, CouncilMeeting, Review
    from tests.applications.factories import ApplicationFactory, fill_complete

    lyceum = Institution.objects.get(short_name="ГБОУ лицей № 590")
    application = fill_complete(ApplicationFactory(call=call, institution=lyceum, theme="Смысловое чтение"))
    Application.objects.filter(pk=application.pk).update(state=State.ADMITTED)
    due = call.technical_check_date.isoformat()

    methodist = visit("methodist@demo.local")
    page = methodist.go(f"/expertise/calls/{call.pk}/")
    form = page.locator("#assign-form")
    for expert in ("Фёдорова Людмила Николаевна", "Степанова Ксения Олеговна"):
        form.locator("[name=application]").select_option(label="ГБОУ лицей № 590")
        choice = form.locator("[name=expert] option", has_text=expert).get_attribute("value")
        form.locator("[name=expert]").select_option(choice)
        form.locator("[name=due_date]").fill(due)
        form.get_by_role("button", name="Назначить").click()
        expect(page.locator("#call-applications")).to_contain_text(expert.split()[0])
        form = page.locator("#assign-form")
    methodist.shot("experts-assigned")
    assignments = Assignment.objects.filter(application=application)
    assert sorted(a.expert.email for a in assignments) == ["expert3@demo.local", "expert@demo.local"]

    for email, score in (("expert@demo.local", "3"), ("expert3@demo.local", "2")):
        expert = visit(email)
        assignment = assignments.get(expert__email=email)
        page = expert.go(f"/expertise/my/{assignment.pk}/")
        for criterion in call.criteria.all():
            page.locator(f"input[name='score_{criterion.pk}'][value='{score}']").check()
            page.fill(f"[name='comment_{criterion.pk}']", "Программа актуальна для района.")
        page.locator("[name=recommendation]").select_option("award")
        if email == "expert@demo.local":
            expert.shot("review-filled")
        page.get_by_role("button", name="Отправить", exact=True).click()
        expect(page.get_by_text("Экспертиза отправлена.")).to_be_visible()
        review = Review.objects.get(assignment=assignment)
        assert review.state == Review.State.SUBMITTED
        assert [s.value for s in review.scores.all()] == [int(score)] * call.criteria.count()
        assert review.recommendation == "award"

    # The council meets: the methodist opens «Советы», creates a meeting and puts the application on its agenda.
    page = methodist.go("/")
    page.get_by_role("link", name="Советы").first.click()
    page.wait_for_url("**/expertise/councils/")
    expect(page.get_by_role("heading", name="Заседания советов")).to_be_visible()
    page.get_by_role("link", name="Новое заседание").click()
    page.wait_for_url("**/expertise/councils/new/")
    today = timezone.localdate()
    # The demo methodist works in three districts: the meeting is Krasnoselsky's.
    page.locator("[name=district]").select_option(label="Красносельский район")
    page.locator("[name=kind]").select_option("coordination_council")
    page.fill("[name=number]", "5")
    page.fill("[name=date]", today.isoformat())
    page.fill("[name=place]", "ИМЦ Красносельского района, каб. 12")
    # The council: three people with accounts (the first chairs, the second keeps the minutes) and a
    # scientist without one, typed in a fourth row; the three with accounts are present.
    roles = ["chair", "secretary", "member"]
    for index, person in enumerate(COUNCIL):
        option = page.locator(f"[name=members-{index}-user] option", has_text=person).get_attribute("value")
        page.locator(f"[name=members-{index}-user]").select_option(option)
        page.locator(f"[name=members-{index}-role]").select_option(roles[index])
        page.locator(f"[name=members-{index}-present]").check()
    page.get_by_role("button", name="Добавить члена совета").click()
    page.fill("[name=members-3-full_name]", "Соколов Павел Андреевич")
    page.fill("[name=members-3-position]", "доцент кафедры педагогики")
    page.fill("[name=members-3-organisation]", "РГПУ им. А. И. Герцена")
    methodist.shot("council-members")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text("Заседание создано.")).to_be_visible()
    meeting = CouncilMeeting.objects.get(district=call.district, number="5", date=today)
    assert meeting.status == CouncilMeeting.Status.DRAFT
    assert meeting.members.filter(present=True).count() == len(COUNCIL)
    assert meeting.members.get(full_name="Соколов Павел Андреевич").user is None
    assert meeting.chair.full_name == COUNCIL[0]

    page.get_by_label(f"ГБОУ лицей № 590 — {call.title}").check()
    page.get_by_role("button", name="Добавить", exact=True).click()
    expect(page.get_by_text("Добавлено в повестку: 1.")).to_be_visible()
    row = page.locator("#agenda tbody tr", has_text="ГБОУ лицей № 590")
    # The experts' scores stand next to the decision.
    expect(row).to_contain_text("место 1")
    row.locator("select[name$='-decision']").select_option(label="присвоить статус")
    row.locator("textarea[name$='-reasons']").fill(REASONS)
    row.locator("input[name$='-votes_for']").fill("3")
    row.locator("input[name$='-votes_against']").fill("0")
    row.locator("input[name$='-votes_abstained']").fill("0")
    page.get_by_role("button", name="Сохранить решения").click()
    expect(page.get_by_text("Решения сохранены.")).to_be_visible()
    expect(page.locator("#meeting-status")).to_have_text("проведено")
    methodist.shot("council-decided")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Исполнить решения").click()
    expect(page.get_by_text("Решения исполнены: реестр обновлён")).to_be_visible()
    expect(page.locator("#meeting-status")).to_have_text("решения исполнены")
    expect(page.locator("#agenda")).to_contain_text(REASONS)
    methodist.shot("council-applied")
    application.refresh_from_db()
    assert application.state == State.AWARDED
    award = StatusAward.objects.get(application=application)
    assert (award.institution, award.protocol_number, award.decision_date) == (lyceum, "5", today)
    assert all(r.state == Review.State.FROZEN for r in Review.objects.filter(assignment__application=application))

    # The protocol names the lyceum and the decision. It is served inline (Chromium shows it in its
    # viewer, no download event), so the methodist's own session fetches what the link points to.
    href = page.get_by_role("link", name="Протокол (PDF)").get_attribute("href")
    protocol = page.context.request.get(methodist.base + href)
    assert protocol.ok and protocol.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(protocol.body())).pages)
    assert "ПРОТОКОЛ № 5" in text
    assert "ГБОУ лицей № 590" in text
    assert f"РЕШИЛИ: Присвоить статус «{call.status_kind.name}». {REASONS}" in text
    assert "заседания координационного совета по инновационной деятельности" in text
    assert "Присутствовали (3 из 4)" in text
    assert "Голосовали: за — 3, против — 0, воздержались — 0." in text

    # Anyone sees the site in the public registry, with its status and the council's protocol.
    public = visit()
    page = public.go("/competitions/registry/")
    entry = page.locator("#registry tbody tr", has_text="Смысловое чтение")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("ГБОУ лицей № 590")
    expect(entry).to_contain_text(call.status_kind.name)
    expect(entry).to_contain_text(f"№ 5 от {today:%d.%m.%Y}")
    public.shot("registry")

    # The coordinator is told the decision and its reasons by mail.
    letters = [m for m in mail.outbox if m.to == ["coordinator@demo.local"] and "Решение по заявке" in m.subject]
    assert len(letters) == 1, [m.subject for m in mail.outbox]
    assert letters[0].subject.endswith(f"«{call}»: статус присвоен"), letters[0].subject
    assert REASONS in letters[0].body

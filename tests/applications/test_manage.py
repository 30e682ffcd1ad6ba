"""The methodist's pages, the registry, due items and the query-count guards of every list."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.models import Application, Call, Extension, StatusAward, StatusKind
from innovation_portal import due
from tests.factories import InstitutionFactory

from .factories import AwardFactory, StatusKindFactory, add_checklist, application_for, call_for

State = Application.State


def pdf_text(content):
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())


def test_the_check_page_ticks_the_automatic_lines_and_leaves_manual_ones(world, login):
    call = call_for(world)
    add_checklist(call)
    application = application_for(world, call=call, state=State.SUBMITTED)
    application.sources.all().delete()
    form = login(world.users.methodist).get(reverse("applications:check", args=[application.pk])).context["form"]
    by_text = {item.text: form.initial.get(f"item{item.pk}") for item in form.items}
    assert by_text == {"Обязательные поля": True, "Таблицы": False, "Файлы": True, "Подпись руководителя": None}
    assert "нет ни одной строки" in str(form.fields[f"item{call.checklist.get(text='Таблицы').pk}"].help_text)


def test_returning_without_remarks_keeps_the_form(world, login):
    application = application_for(world, state=State.SUBMITTED)
    response = login(world.users.methodist).post(
        reverse("applications:check", args=[application.pk]), {"decision": "return", "fix_by": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Напишите, что координатору нужно исправить" in page and "Укажите срок исправления" in page
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_the_check_records_the_checklist(world, login):
    call = call_for(world)
    add_checklist(call)
    application = application_for(world, call=call, state=State.SUBMITTED)
    manual = call.checklist.get(automatic="")
    login(world.users.methodist).post(
        reverse("applications:check", args=[application.pk]), {"decision": "admit", f"item{manual.pk}": "on"}
    )
    check = application.technical_checks.get()
    assert {r["text"]: r["ok"] for r in check.results}["Подпись руководителя"] is True
    assert {r["text"]: r["ok"] for r in check.results}["Таблицы"] is False  # not sent = not ticked


def test_the_list_of_a_call_filters_by_state_and_exports_xlsx(world, login):
    call = call_for(world)
    application_for(world, call=call, state=State.SUBMITTED, theme="Смысловое чтение")
    other = InstitutionFactory(district=world.district, short_name="ГБОУ школа № 375")
    Application.objects.create(call=call, institution=other, state=State.ADMITTED, theme="Культура исследователя")
    Application.objects.create(call=call, institution=InstitutionFactory(district=world.district), theme="Черновик")
    client = login(world.users.methodist)
    page = client.get(reverse("applications:manage_call", args=[call.pk])).content.decode()
    assert "Смысловое чтение" in page and "Культура исследователя" in page and "Черновик" not in page
    page = client.get(reverse("applications:manage_call", args=[call.pk]), {"state": "admitted"}).content.decode()
    assert "Смысловое чтение" not in page and "Культура исследователя" in page
    response = client.get(reverse("applications:manage_call_export", args=[call.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("№", "Учреждение", "Тема", "Состояние")
    assert [(r[1], r[3]) for r in rows[1:]] == [
        ("ГБОУ лицей № 590", "подана"),
        ("ГБОУ школа № 375", "допущена к экспертизе"),
    ]


def test_a_methodist_extends_the_deadline_for_one_school(world, login):
    call = call_for(world)
    until = timezone.localtime(call.closes_at + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client = login(world.users.methodist)
    response = client.post(
        reverse("applications:extensions", args=[call.pk]),
        {"institution": world.institution.pk, "until": until, "reason": "Болезнь ответственного"},
    )
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert (extension.institution, extension.granted_by) == (world.institution, world.users.methodist)
    early = timezone.localtime(call.closes_at - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("applications:extensions", args=[call.pk]), {"institution": world.institution.pk, "until": early}
    )
    assert "позже срока подачи" in response.content.decode()


def test_another_districts_methodist_cannot_see_the_call(world, login):
    call = call_for(world)
    application = application_for(world, call=call, state=State.SUBMITTED)
    client = login(world.users.other_methodist)
    assert client.get(reverse("applications:manage_call", args=[call.pk])).status_code == 404
    assert client.get(reverse("applications:check", args=[application.pk])).status_code == 404


# --- the registry -----------------------------------------------------------------------


@pytest.fixture
def registry(world):
    district_kind = StatusKindFactory()
    city_kind = StatusKindFactory(
        name="Экспериментальная площадка Санкт-Петербурга", short_name="ЭП", level=StatusKind.Level.CITY
    )
    today = timezone.localdate()
    AwardFactory(institution=world.institution, status_kind=district_kind, theme="Смысловое чтение")
    AwardFactory(institution=world.other_institution, status_kind=city_kind, theme="Культура исследователя")
    AwardFactory(
        institution=InstitutionFactory(district=world.other_district, short_name="ГБОУ № 287"),
        status_kind=district_kind,
        theme="Адмиралтейская тема",
    )
    AwardFactory(
        institution=world.institution,
        status_kind=district_kind,
        theme="Истёкшая тема",
        valid_from=today - datetime.timedelta(days=800),
        valid_to=today - datetime.timedelta(days=30),
    )
    return district_kind, city_kind


def test_the_registry_shows_current_sites_and_filters(client, world, registry):
    district_kind, city_kind = registry
    url = reverse("applications:registry")
    page = client.get(url).content.decode()
    assert "Смысловое чтение" in page and "Культура исследователя" in page and "Адмиралтейская тема" in page
    assert "Истёкшая тема" not in page
    page = client.get(url, {"district": world.district.pk}).content.decode()
    assert "Адмиралтейская тема" not in page and "Смысловое чтение" in page
    page = client.get(url, {"status_kind": city_kind.pk}).content.decode()
    assert "Культура исследователя" in page and "Смысловое чтение" not in page
    page = client.get(url, {"level": "district"}).content.decode()
    assert "Культура исследователя" not in page and "Смысловое чтение" in page
    page = client.get(url, {"everything": "on"}).content.decode()
    assert "Истёкшая тема" in page
    last_year = (timezone.localdate() - datetime.timedelta(days=400)).year
    page = client.get(url, {"year": f"{last_year - 1}/{last_year}"}).content.decode()
    assert "Истёкшая тема" in page
    assert "Укажите учебный год" in client.get(url, {"year": "2024"}).content.decode()


def test_the_registry_exports_xlsx_and_pdf_with_the_same_filters(client, world, registry):
    response = client.get(reverse("applications:registry_xlsx"), {"district": world.district.pk})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[5] for r in rows[1:]} == {"Смысловое чтение", "Культура исследователя"}
    text = pdf_text(client.get(reverse("applications:registry_pdf"), {"district": world.district.pk}).content)
    assert "Реестр инновационных площадок" in text
    assert "Смысловое чтение" in text and "Адмиралтейская тема" not in text


def test_a_certificate_prints_for_every_award(client, world, registry):
    award = StatusAward.objects.get(theme="Смысловое чтение")
    text = pdf_text(client.get(reverse("applications:certificate", args=[award.pk])).content)
    assert "СВИДЕТЕЛЬСТВО" in text
    assert "«Районная стажировочная площадка»" in text
    assert "Смысловое чтение" in text


# --- due items --------------------------------------------------------------------------


def test_due_items_for_the_coordinator_and_the_methodist(world):
    open_call = call_for(world, title="Конкурс РСП")
    returned = application_for(
        world,
        call=call_for(world, title="Конкурс РБП"),
        state=State.RETURNED,
        remarks="Нет подписи",
        fix_by=timezone.localdate(),
    )
    titles = [item.title for item in due.items_for(world.users.coordinator)]
    assert "Заявка: Конкурс РСП" in titles
    assert "Исправить возвращённую заявку: Конкурс РБП" in titles
    Application.objects.filter(pk=returned.pk).update(state=State.RESUBMITTED)
    application_for(world, call=open_call, state=State.SUBMITTED)
    titles = [item.title for item in due.items_for(world.users.coordinator)]
    assert not any("Конкурс РСП" in t for t in titles)
    methodist_titles = [item.title for item in due.items_for(world.users.methodist)]
    assert any("Конкурс РСП" in t for t in methodist_titles) and any("Конкурс РБП" in t for t in methodist_titles)
    assert not [i for i in due.items_for(world.users.other_methodist) if "Конкурс" in i.title]


# --- query-count guards -----------------------------------------------------------------


def _calls(world, n):
    return [call_for(world, title=f"Конкурс {i}") for i in range(n)]


def _applications(world, n, state=State.SUBMITTED):
    call = call_for(world)
    for i in range(n):
        institution = world.institution if i == 0 else InstitutionFactory(district=world.district)
        Application.objects.create(call=call, institution=institution, state=state, theme=f"Тема {i}")
    return call


def _coordinator_applications(world, n):
    for i in range(n):
        Application.objects.create(
            call=call_for(world, title=f"Конкурс {i}"), institution=world.institution, theme=f"Тема {i}"
        )


def _awards(world, n):
    kind = StatusKindFactory()
    for _i in range(n):
        AwardFactory(institution=InstitutionFactory(district=world.district), status_kind=kind)


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_open_calls(world, login, django_assert_num_queries, rows):
    _calls(world, rows)
    client = login(world.users.coordinator)
    with django_assert_num_queries(6):
        assert client.get(reverse("applications:calls")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_my_applications(world, login, django_assert_num_queries, rows):
    _coordinator_applications(world, rows)
    client = login(world.users.coordinator)
    with django_assert_num_queries(5):
        assert client.get(reverse("applications:mine")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_managed_calls(world, login, django_assert_num_queries, rows):
    _calls(world, rows)
    client = login(world.users.methodist)
    with django_assert_num_queries(5):
        assert client.get(reverse("applications:manage_calls")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_a_calls_applications(world, login, django_assert_num_queries, rows):
    call = _applications(world, rows)
    client = login(world.users.methodist)
    with django_assert_num_queries(8):
        assert client.get(reverse("applications:manage_call", args=[call.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_the_registry(world, client, django_assert_num_queries, rows):
    _awards(world, rows)
    with django_assert_num_queries(3):
        assert client.get(reverse("applications:registry")).status_code == 200


# --- demo -------------------------------------------------------------------------------


def test_the_demo_has_both_calls_and_applications_in_every_state(db):
    # This app's part of the demo alone: later demos (expertise) move applications on.
    from accounts import demo as accounts_demo
    from applications import demo as applications_demo

    applications_demo.load(accounts_demo.load())
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(State.values)
    lyceum = Application.objects.filter(institution__short_name="ГБОУ лицей № 590")
    assert set(lyceum.values_list("state", flat=True)) == {State.DRAFT, State.RETURNED}
    assert set(Call.objects.values_list("form", flat=True)) >= {Call.Form.TRAINING_SITE, Call.Form.BASE_SITE}
    assert (
        StatusAward.objects.current()
        .filter(application__isnull=True, status_kind__short_name__in=["ЭП", "РИП"])
        .count()
        == 2
    )
    assert StatusAward.objects.filter(application__isnull=False).count() == 1


def test_a_video_given_as_a_link_is_shown_as_not_checked(world, login):
    """Never «checked by the portal» for what the portal could not read."""
    from applications.models import Attachment, ChecklistItem

    call = call_for(world)
    line = ChecklistItem.objects.create(call=call, order=1, text="Видео не длиннее 3 минут", automatic="video_length")
    application = application_for(world, call=call, state=State.SUBMITTED)
    Attachment.objects.create(
        application=application, kind=Attachment.Kind.VIDEO, video_url="https://video.example/abc"
    )
    response = login(world.users.methodist).get(reverse("applications:check", args=[application.pk]))
    form = response.context["form"]
    assert form.initial[f"item{line.pk}"] is False  # not ticked
    help_text = str(form.fields[f"item{line.pk}"].help_text)
    assert help_text.startswith("Не проверено") and "проверено порталом" not in help_text.lower()


def test_the_lists_of_applications_read_their_short_columns_not_their_texts(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _coordinator_applications(world, 3)
    call = _applications(world, 3)
    pages = [
        (world.users.coordinator, reverse("applications:mine")),
        (world.users.methodist, reverse("applications:manage_call", args=[call.pk])),
    ]
    for user, url in pages:
        client = login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        read = " ".join(q["sql"] for q in queries.captured_queries if '"applications_application"' in q["sql"])
        assert '"applications_application"."theme"' in read
        for text in ("goal", "relevance", "planned_results", "summary", "org_legal_address"):
            assert f'"applications_application"."{text}"' not in read, (url, text)
        assert world.institution.short_name in response.content.decode() or url != pages[0][1]

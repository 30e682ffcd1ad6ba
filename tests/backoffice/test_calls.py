"""A methodist sets a call up in the back office: draft, publish when ready, copy to next year, score labels."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from applications.models import Call, CallFile, CallQuestion, ChecklistItem, Criterion
from tests.applications.factories import PDF, StatusKindFactory, add_checklist, call_for

pytestmark = pytest.mark.django_db


def _day(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _add_form(world, **overrides):
    now = timezone.localtime()
    data = {
        "district": world.district.pk,
        "purpose": Call.Purpose.STATUS,
        "status_kind": StatusKindFactory().pk,
        "form": Call.Form.TRAINING_SITE,
        "academic_year": "2025/2026",
        "aggregation": Call.Aggregation.MEAN,
        "title": "Конкурс на статус районной стажировочной площадки 2025",
        "rules": "",
        "opens_at_0": now.strftime("%d.%m.%Y"),
        "opens_at_1": "09:00",
        "closes_at_0": (now + datetime.timedelta(days=20)).strftime("%d.%m.%Y"),
        "closes_at_1": "18:00",
        "technical_check_date": _day(21).strftime("%d.%m.%Y"),
        "expertise_starts": _day(25).strftime("%d.%m.%Y"),
        "expertise_ends": _day(40).strftime("%d.%m.%Y"),
        "presentation_date": "",
        "decision_date": _day(50).strftime("%d.%m.%Y"),
        "reminder_offsets": "",
        "reviews_hidden_until_submitted": "on",
        "disagreement_threshold": "2",
    }
    for prefix in ("criteria", "checklist", "questions", "files", "extensions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_a_new_call_is_saved_unpublished(client, world):
    client.force_login(world.users.methodist)
    response = client.post(reverse("admin:applications_call_add"), _add_form(world))
    assert response.status_code == 302, response.context["adminform"].form.errors
    call = Call.objects.get(title__startswith="Конкурс на статус")
    assert call.is_published is False


def test_dates_out_of_order_are_refused_naming_the_dates(client, world):
    client.force_login(world.users.methodist)
    data = _add_form(
        world,
        technical_check_date=_day(30).strftime("%d.%m.%Y"),
        expertise_starts=_day(25).strftime("%d.%m.%Y"),
    )
    response = client.post(reverse("admin:applications_call_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    text = " ".join(errors["expertise_starts"])
    assert "Начало содержательной экспертизы" in text
    assert "технической экспертизы" in text
    assert date_format(_day(25), "j E Y") in text and date_format(_day(30), "j E Y") in text
    assert not Call.objects.filter(title__startswith="Конкурс на статус").exists()
    # What was typed is kept.
    assert response.context["adminform"].form["title"].value() == data["title"]


def test_decision_before_the_expertise_ends_is_refused(client, world):
    client.force_login(world.users.methodist)
    response = client.post(
        reverse("admin:applications_call_add"), _add_form(world, decision_date=_day(30).strftime("%d.%m.%Y"))
    )
    text = " ".join(response.context["adminform"].form.errors["decision_date"])
    assert "Решение" in text and "окончания содержательной экспертизы" in text


def test_publishing_lists_what_is_missing_then_publishes(client, world):
    call = call_for(world, is_published=False, expertise_starts=None, expertise_ends=None)
    client.force_login(world.users.methodist)
    page = client.get(reverse("admin:applications_call_change", args=[call.pk])).content.decode()
    assert "Опубликовать конкурс" in page
    assert "Добавьте критерии" in page
    response = client.post(reverse("admin:applications_call_publish", args=[call.pk]), follow=True)
    text = response.content.decode()
    assert "Конкурс пока нельзя опубликовать" in text
    assert "Добавьте критерии" in text and "пункты технического чек-листа" in text
    assert "начало содержательной экспертизы" in text
    call.refresh_from_db()
    assert call.is_published is False

    add_checklist(call)  # the checklist and a criterion
    call.expertise_starts, call.expertise_ends, call.decision_date = _day(12), _day(20), _day(30)
    call.save()
    client.post(reverse("admin:applications_call_publish", args=[call.pk]))
    call.refresh_from_db()
    assert call.is_published is True
    client.post(reverse("admin:applications_call_unpublish", args=[call.pk]))
    call.refresh_from_db()
    assert call.is_published is False


def test_another_districts_methodist_cannot_publish(client, world):
    call = call_for(world, is_published=False)
    client.force_login(world.users.other_methodist)
    response = client.post(reverse("admin:applications_call_publish", args=[call.pk]))
    assert response.status_code == 404
    call.refresh_from_db()
    assert call.is_published is False


def test_copy_to_next_year_copies_every_part_as_an_unpublished_draft(client, world):
    call = call_for(
        world,
        title="Конкурс 2025 года",
        academic_year="2025/2026",
        rules="Правила конкурса",
        blind=True,
        disagreement_threshold=3,
        reminder_offsets="5, 1",
        expertise_starts=_day(12),
        expertise_ends=_day(20),
        decision_date=datetime.date(2028, 2, 29),
    )
    add_checklist(call)
    Criterion.objects.filter(call=call).update(labels={"0": "нет", "3": "полностью"}, scale_max=3)
    CallQuestion.objects.create(
        call=call, order=1, text="Какой у вас опыт?", kind=CallQuestion.Kind.SINGLE_CHOICE, choices="а\nб"
    )
    original_file = CallFile(call=call, title="Положение", original_name="Положение.pdf")
    original_file.file.save("rules.pdf", ContentFile(PDF), save=False)
    original_file.save()
    client.force_login(world.users.methodist)

    response = client.post(reverse("admin:applications_call_copy", args=[call.pk]))

    copy = Call.objects.exclude(pk=call.pk).get()
    assert response["Location"] == reverse("admin:applications_call_change", args=[copy.pk])
    assert copy.is_published is False
    assert copy.title == "Конкурс 2026 года"
    assert copy.academic_year == "2026/2027"
    assert (copy.rules, copy.blind, copy.disagreement_threshold, copy.reminder_offsets) == (
        "Правила конкурса",
        True,
        3,
        "5, 1",
    )
    assert (copy.form, copy.purpose, copy.status_kind_id, copy.district_id) == (
        call.form,
        call.purpose,
        call.status_kind_id,
        call.district_id,
    )
    for name in ("opens_at", "closes_at"):
        assert timezone.localtime(getattr(copy, name)).year == timezone.localtime(getattr(call, name)).year + 1
    assert copy.technical_check_date == call.technical_check_date.replace(year=call.technical_check_date.year + 1)
    assert copy.decision_date == datetime.date(2029, 2, 28)
    fields = ("order", "name", "description", "scale_min", "scale_max", "labels", "weight", "required")
    assert list(copy.criteria.values_list(*fields)) == list(call.criteria.values_list(*fields))
    assert list(copy.checklist.values_list("order", "text", "automatic")) == list(
        call.checklist.values_list("order", "text", "automatic")
    )
    fields = ("order", "text", "help", "kind", "choices", "required")
    assert list(copy.questions.values_list(*fields)) == list(call.questions.values_list(*fields))
    copied_file = copy.files.get()
    assert (copied_file.title, copied_file.original_name) == ("Положение", "Положение.pdf")
    assert copied_file.file.name != original_file.file.name
    with copied_file.file.open("rb") as handle:
        assert handle.read() == PDF
    # A real copy: deleting the original's file leaves the copy's.
    original_file.file.delete(save=False)
    assert copied_file.file.storage.exists(copied_file.file.name)
    # The original is untouched.
    assert call.criteria.count() == 1 and call.checklist.count() == 4 and call.files.count() == 1
    assert ChecklistItem.objects.count() == 8


def _criterion_form(call, labels, **overrides):
    data = {
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "1",
        "criteria-0-id": str(call.criteria.get().pk),
        "criteria-0-call": str(call.pk),
        "criteria-0-order": "1",
        "criteria-0-name": "Актуальность",
        "criteria-0-description": "",
        "criteria-0-scale_min": "0",
        "criteria-0-scale_max": "3",
        "criteria-0-weight": "1",
        "criteria-0-required": "on",
        "criteria-0-labels": labels,
    }
    data.update(overrides)
    return data


def _change_form(client, call, **extra):
    response = client.get(reverse("admin:applications_call_change", args=[call.pk]))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%d.%m.%Y"), local.strftime("%H:%M")
        elif isinstance(value, datetime.date):
            data[name] = value.strftime("%d.%m.%Y")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for prefix in ("checklist", "questions", "files", "extensions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(extra)
    return data


def test_score_labels_are_typed_one_per_line_and_shown_back_so(client, world):
    call = call_for(world)
    Criterion.objects.create(call=call, order=1, name="Актуальность", labels={"0": "не соответствует"})
    client.force_login(world.users.methodist)
    page = client.get(reverse("admin:applications_call_change", args=[call.pk])).content.decode()
    assert "0 — не соответствует" in page
    labels = "0 — не соответствует\n1 - частично\n\n3: полностью соответствует"
    response = client.post(
        reverse("admin:applications_call_change", args=[call.pk]),
        _change_form(client, call, **_criterion_form(call, labels)),
    )
    assert response.status_code == 302
    criterion = call.criteria.get()
    assert criterion.labels == {"0": "не соответствует", "1": "частично", "3": "полностью соответствует"}
    assert criterion.label_for(3) == "полностью соответствует"
    page = client.get(reverse("admin:applications_call_change", args=[call.pk])).content.decode()
    assert "0 — не соответствует\n1 — частично\n3 — полностью соответствует" in page


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ("не соответствует", "строка 1"),
        ("0 — нет\n0 — снова", "балл 0 уже описан"),
        ("0 — нет\n7 — слишком много", "Баллы 7 вне шкалы от 0 до 3"),
    ],
)
def test_bad_score_labels_are_refused_and_kept(labels, message, client, world):
    call = call_for(world)
    Criterion.objects.create(call=call, order=1, name="Актуальность", labels={"0": "нет"})
    client.force_login(world.users.methodist)
    response = client.post(
        reverse("admin:applications_call_change", args=[call.pk]),
        _change_form(client, call, **_criterion_form(call, labels)),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert labels.split("\n")[0] in response.content.decode()
    assert call.criteria.get().labels == {"0": "нет"}

"""Who may apply and by when: one rule (applications.selectors) for pages, the home page and reminders."""

import datetime

import pytest
from django.utils import timezone

from applications import selectors
from applications.models import Application, Call, Extension
from innovation_portal import due
from tests.factories import InstitutionFactory

from .factories import AwardFactory, StatusKindFactory, application_for, call_for

State = Application.State


def _report_call(world, kind, **kwargs):
    return call_for(world, purpose=Call.Purpose.ANNUAL_REPORT, form=Call.Form.ANNUAL_REPORT, status_kind=kind, **kwargs)


def test_a_personal_extension_moves_one_schools_deadline(world):
    call = call_for(world)
    later = call.closes_at + datetime.timedelta(days=3)
    Extension.objects.create(call=call, institution=world.institution, until=later)
    assert selectors.deadline_for(call, world.institution) == later
    assert selectors.deadline_for(call, world.other_institution) == call.closes_at
    assert selectors.deadline(call, None) == call.closes_at


def test_a_competition_is_open_to_the_districts_active_institutions(world):
    InstitutionFactory(district=world.district, is_active=False)
    InstitutionFactory(district=world.other_district)
    call = call_for(world)
    assert selectors.eligible_institution_ids(call) == {world.institution.pk, world.other_institution.pk}


def test_an_annual_report_is_for_the_current_sites_of_its_kind(world):
    kind = StatusKindFactory(name="Районная базовая площадка")
    AwardFactory(institution=world.institution, status_kind=kind)
    expired = AwardFactory(institution=world.other_institution, status_kind=kind)
    expired.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    expired.save()
    AwardFactory(institution=InstitutionFactory(district=world.district))  # another kind
    call = _report_call(world, kind)
    assert selectors.eligible_institution_ids(call) == {world.institution.pk}


def test_awaited_leaves_out_what_was_handed_in_and_keeps_drafts(world):
    call = call_for(world)
    third = InstitutionFactory(district=world.district)
    application_for(world, call=call, state=State.DRAFT)
    returned = Application.objects.create(call=call, institution=world.other_institution, state=State.RETURNED)
    later = call.closes_at + datetime.timedelta(days=2)
    Extension.objects.create(call=call, institution=world.institution, until=later)
    rows = {(w.institution.pk, w.deadline, w.extended) for w in selectors.awaited([call])}
    assert rows == {(world.institution.pk, later, True), (third.pk, call.closes_at, False)}
    assert returned.institution_id not in {w.institution.pk for w in selectors.awaited([call])}


@pytest.mark.parametrize("calls", [1, 10])
def test_awaited_reads_in_a_fixed_number_of_queries(world, calls, django_assert_num_queries):
    kind = StatusKindFactory(name="Районная базовая площадка")
    AwardFactory(institution=world.institution, status_kind=kind)
    found = [call_for(world) for _n in range(calls)] + [_report_call(world, kind)]
    # institutions, current awards, handed in, extensions
    with django_assert_num_queries(4):
        assert len(selectors.awaited(found)) == 2 * calls + 1


def test_the_home_page_shows_an_extended_schools_own_date(world):
    call = call_for(world, closes_at=timezone.now() - datetime.timedelta(hours=1))
    later = timezone.now() + datetime.timedelta(days=2)
    Extension.objects.create(call=call, institution=world.institution, until=later)
    items = [i for i in due.items_for(world.users.coordinator) if call.title in i.title]
    assert [i.due for i in items] == [later]
    assert not [i for i in due.items_for(world.users.other_coordinator) if call.title in i.title]


def test_the_home_page_asks_only_current_sites_for_an_annual_report(world):
    kind = StatusKindFactory(name="Районная базовая площадка")
    AwardFactory(institution=world.institution, status_kind=kind)
    call = _report_call(world, kind)
    assert [i for i in due.items_for(world.users.coordinator) if call.title in i.title]
    assert not [i for i in due.items_for(world.users.other_coordinator) if call.title in i.title]


def test_a_returned_application_is_to_fix_not_to_start(world):
    call = call_for(world)
    application_for(world, call=call, state=State.RETURNED)
    titles = [i.title for i in due.items_for(world.users.coordinator)]
    assert titles.count(f"Исправить возвращённую заявку: {call.title}") == 1
    assert f"Заявка: {call.title}" not in titles

"""The application's states: every move, its refusals, deadlines, history and mail."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from applications import selectors, services
from applications.models import Application, ApplicationEvent, Call, Extension, StatusAward, TechnicalCheck
from innovation_portal.workflow import TransitionError

from .factories import AwardFactory, StatusKindFactory, application_for, call_for

State = Application.State


@pytest.fixture
def mailbox(django_capture_on_commit_callbacks):
    """Run on-commit mail and hand back the outbox."""

    class Box:
        def __enter__(self):
            mail.outbox.clear()
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return mail.outbox

        def __exit__(self, *exc):
            return self.capture.__exit__(*exc)

    return Box()


def frozen(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def recipients(outbox):
    return {address for message in outbox for address in message.to}


# --- starting -----------------------------------------------------------------------------


def test_start_takes_the_institutions_details_and_the_coordinator_as_manager(world):
    call = call_for(world)
    world.institution.legal_address = "198332, Санкт-Петербург, пр. Ветеранов, д. 151"
    world.institution.save()
    application = services.start_application(call, world.institution, by=world.users.coordinator)
    assert application.state == State.DRAFT
    assert application.org_full_name == world.institution.full_name
    assert application.org_legal_address == "198332, Санкт-Петербург, пр. Ветеранов, д. 151"
    assert application.org_head == "директор Иванова Мария Петровна"
    assert application.manager_email == "coordinator@example.org"


def test_a_second_live_application_to_the_same_call_is_refused(world):
    call = call_for(world)
    services.start_application(call, world.institution, by=world.users.coordinator)
    with pytest.raises(TransitionError, match="уже есть заявка"):
        services.start_application(call, world.institution, by=world.users.coordinator)


def test_after_withdrawal_a_new_application_may_be_started(world):
    first = application_for(world)
    services.withdraw(first, by=world.users.coordinator)
    second = services.start_application(first.call, world.institution, by=world.users.coordinator)
    assert second.pk != first.pk


def test_start_is_refused_before_opening_and_after_the_deadline(world):
    call = call_for(world)
    with pytest.raises(TransitionError, match="ещё не принимает"):
        services.start_application(
            call, world.institution, by=world.users.coordinator, now=call.opens_at - datetime.timedelta(seconds=1)
        )
    with pytest.raises(TransitionError, match="Срок подачи"):
        services.start_application(
            call, world.institution, by=world.users.coordinator, now=call.closes_at + datetime.timedelta(seconds=1)
        )


def test_annual_report_calls_accept_only_current_sites_of_their_kind(world):
    kind = StatusKindFactory()
    call = call_for(world, purpose=Call.Purpose.ANNUAL_REPORT, form=Call.Form.ANNUAL_REPORT, status_kind=kind)
    with pytest.raises(TransitionError, match="не может подать"):
        services.start_application(call, world.institution, by=world.users.coordinator)
    AwardFactory(institution=world.institution, status_kind=kind)
    assert services.start_application(call, world.institution, by=world.users.coordinator).state == State.DRAFT


# --- submitting and the deadline --------------------------------------------------------


def test_submit_a_second_before_the_deadline_is_accepted(world, mailbox):
    application = application_for(world)
    with mailbox as outbox, frozen(application.call.closes_at - datetime.timedelta(seconds=1)):
        services.submit(application, by=world.users.coordinator)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.submitted_at == application.call.closes_at - datetime.timedelta(seconds=1)
    # The coordinator gets a receipt, the district's methodist a letter; nobody else.
    assert recipients(outbox) == {"coordinator@example.org", "methodist@example.org"}


def test_submit_a_second_after_the_deadline_is_refused_and_the_draft_is_kept(world):
    application = application_for(world, theme="Тема, которую жалко потерять")
    late = frozen(application.call.closes_at + datetime.timedelta(seconds=1))
    with late, pytest.raises(TransitionError, match="Срок подачи .* истёк"):
        services.submit(application, by=world.users.coordinator)
    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert application.theme == "Тема, которую жалко потерять"


def test_an_extension_lets_one_institution_submit_after_the_deadline(world, mailbox):
    application = application_for(world)
    call = application.call
    with mailbox as outbox:
        services.grant_extension(
            call, world.institution, until=call.closes_at + datetime.timedelta(days=2), by=world.users.methodist
        )
    assert "coordinator@example.org" in recipients(outbox)
    with frozen(call.closes_at + datetime.timedelta(days=2, seconds=1)), pytest.raises(TransitionError):
        services.submit(application, by=world.users.coordinator)
    with frozen(call.closes_at + datetime.timedelta(days=1)):
        services.submit(application, by=world.users.coordinator)
    assert application.state == State.SUBMITTED
    # The other school has no extension.
    assert selectors.deadline_for(call, world.other_institution) == call.closes_at


def test_an_extension_must_end_after_the_deadline(world):
    call = call_for(world)
    with pytest.raises(TransitionError):
        services.grant_extension(call, world.institution, until=call.closes_at, by=world.users.methodist)
    assert not Extension.objects.exists()


def test_an_incomplete_application_cannot_be_submitted(world):
    application = application_for(world, complete=False)
    with pytest.raises(TransitionError, match="не заполнена полностью"):
        services.submit(application, by=world.users.coordinator)
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_a_submitted_application_cannot_be_submitted_again(world):
    application = application_for(world, state=State.SUBMITTED)
    with pytest.raises(TransitionError):
        services.submit(application, by=world.users.coordinator)


# --- technical check --------------------------------------------------------------------


def test_return_with_remarks_then_resubmit_by_the_fix_by_date(world, mailbox):
    application = application_for(world, state=State.SUBMITTED)
    fix_by = timezone.localdate() + datetime.timedelta(days=5)
    with mailbox as outbox:
        services.technical_check(
            application,
            by=world.users.methodist,
            admit=False,
            results=[{"ok": False}],
            remarks="Нет подписи",
            fix_by=fix_by,
        )
    application.refresh_from_db()
    assert (application.state, application.remarks, application.fix_by) == (State.RETURNED, "Нет подписи", fix_by)
    assert recipients(outbox) == {"coordinator@example.org"}
    assert "Нет подписи" in outbox[0].body
    assert TechnicalCheck.objects.get(application=application).outcome == TechnicalCheck.Outcome.RETURNED
    # The call's own deadline has passed, but the fix-by date rules a returned application.
    late = selectors.end_of_day(fix_by)
    with frozen(late + datetime.timedelta(seconds=1)), pytest.raises(TransitionError):
        services.submit(application, by=world.users.coordinator)
    with frozen(late - datetime.timedelta(seconds=1)):
        services.submit(application, by=world.users.coordinator)
    assert application.state == State.RESUBMITTED


def test_return_needs_remarks_and_a_future_date(world):
    application = application_for(world, state=State.SUBMITTED)
    with pytest.raises(TransitionError, match="замечания"):
        services.technical_check(
            application, by=world.users.methodist, admit=False, results=[], remarks=" ", fix_by=timezone.localdate()
        )
    with pytest.raises(TransitionError, match="срок исправления"):
        services.technical_check(
            application,
            by=world.users.methodist,
            admit=False,
            results=[],
            remarks="x",
            fix_by=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED


def test_admit_clears_remarks_and_tells_the_coordinator(world, mailbox):
    application = application_for(world, state=State.RESUBMITTED, remarks="старое", fix_by=timezone.localdate())
    with mailbox as outbox:
        services.technical_check(application, by=world.users.methodist, admit=True, results=[])
    application.refresh_from_db()
    assert (application.state, application.remarks, application.fix_by) == (State.ADMITTED, "", None)
    assert recipients(outbox) == {"coordinator@example.org"}


@pytest.mark.parametrize("state", [State.DRAFT, State.RETURNED, State.ADMITTED, State.AWARDED, State.WITHDRAWN])
def test_only_handed_in_applications_can_be_checked(world, state):
    application = application_for(world, state=state)
    with pytest.raises(TransitionError):
        services.technical_check(application, by=world.users.methodist, admit=True, results=[])
    assert not TechnicalCheck.objects.exists()


# --- expertise, decision, award -------------------------------------------------------


def test_under_expertise_then_award_enters_the_registry(world, mailbox):
    application = application_for(world, state=State.ADMITTED, theme="Смысловое чтение")
    services.start_expertise(application, by=world.users.methodist)
    with mailbox as outbox:
        award = services.award_status(
            application, by=world.users.methodist, decision_body="Координационный совет", protocol_number="7"
        )
    application.refresh_from_db()
    assert application.state == State.AWARDED
    assert (award.institution, award.theme, award.protocol_number) == (world.institution, "Смысловое чтение", "7")
    # From 1 September of the call's year, for the kind's usual term of three years.
    assert (award.valid_from, award.valid_to) == (datetime.date(2026, 9, 1), datetime.date(2029, 8, 31))
    assert recipients(outbox) == {"coordinator@example.org"}


def test_not_awarded_gives_no_status(world):
    application = application_for(world, state=State.UNDER_EXPERTISE)
    services.decide(application, awarded=False, reason="Мероприятия не обоснованы", by=world.users.methodist)
    assert application.state == State.NOT_AWARDED
    assert not StatusAward.objects.exists()
    assert ApplicationEvent.objects.get(application=application).reason == "Мероприятия не обоснованы"


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.RETURNED, State.NOT_AWARDED, State.WITHDRAWN])
def test_a_decision_needs_an_admitted_application(world, state):
    application = application_for(world, state=state)
    with pytest.raises(TransitionError):
        services.decide(application, awarded=True, by=world.users.methodist)
    with pytest.raises(TransitionError):
        services.award_status(application, by=world.users.methodist)
    assert not StatusAward.objects.exists()


def test_start_expertise_only_from_admitted(world):
    application = application_for(world, state=State.SUBMITTED)
    with pytest.raises(TransitionError):
        services.start_expertise(application, by=world.users.methodist)


def test_conference_talks_award_no_status(world):
    call = call_for(world, purpose=Call.Purpose.CONFERENCE_TALK, form=Call.Form.CONFERENCE_TALK, status_kind=None)
    application = application_for(world, call=call, state=State.ADMITTED)
    with pytest.raises(TransitionError):
        services.award_status(application, by=world.users.methodist)
    assert Application.objects.get(pk=application.pk).state == State.ADMITTED


# --- withdrawal -------------------------------------------------------------------------


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.RETURNED, State.RESUBMITTED, State.ADMITTED])
def test_withdraw_from_any_state_before_expertise(world, state):
    application = application_for(world, state=state)
    services.withdraw(application, by=world.users.coordinator, reason="Передумали")
    assert Application.objects.get(pk=application.pk).state == State.WITHDRAWN


@pytest.mark.parametrize("state", [State.UNDER_EXPERTISE, State.AWARDED, State.NOT_AWARDED, State.WITHDRAWN])
def test_withdraw_is_refused_once_in_expertise_or_decided(world, state):
    application = application_for(world, state=state)
    with pytest.raises(TransitionError):
        services.withdraw(application, by=world.users.coordinator)


def test_withdrawing_a_handed_in_application_tells_the_methodists(world, mailbox):
    application = application_for(world, state=State.SUBMITTED)
    with mailbox as outbox:
        services.withdraw(application, by=world.users.coordinator, reason="Передумали")
    assert recipients(outbox) == {"coordinator@example.org", "methodist@example.org"}


def test_every_move_is_logged_with_who_from_to_and_why(world):
    application = application_for(world)
    services.submit(application, by=world.users.coordinator)
    services.technical_check(
        application,
        by=world.users.methodist,
        admit=False,
        results=[],
        remarks="Нет подписи",
        fix_by=timezone.localdate(),
    )
    events = list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "by__email", "from_state", "to_state", "reason"
        )
    )
    assert events == [
        ("coordinator@example.org", State.DRAFT, State.SUBMITTED, ""),
        ("methodist@example.org", State.SUBMITTED, State.RETURNED, "Нет подписи"),
    ]


def test_a_stale_copy_cannot_move_an_application_twice(world):
    application = application_for(world, state=State.SUBMITTED)
    stale = Application.objects.get(pk=application.pk)
    services.technical_check(application, by=world.users.methodist, admit=True, results=[])
    with pytest.raises(TransitionError, match="только что изменил"):
        services.technical_check(stale, by=world.users.methodist, admit=True, results=[])


# --- copy from the last application -----------------------------------------------------


def test_copy_from_last_fills_only_empty_fields_and_tables(world):
    old = application_for(world, state=State.NOT_AWARDED, theme="Старая тема", relevance="Старая актуальность")
    call = call_for(world)
    new = services.start_application(call, world.institution, by=world.users.coordinator)
    new.theme = "Новая тема"
    new.save()
    source = services.copy_from_last(new, by=world.users.coordinator)
    new.refresh_from_db()
    assert source == old
    assert new.theme == "Новая тема"  # what was typed stays
    assert new.relevance == "Старая актуальность"
    assert [r.project for r in new.experience.all()] == ["Проект «Читаем вместе»"]
    assert new.staff.count() == 1 and new.sources.count() == 1 and new.roadmap.count() == 3
    # The old one is untouched.
    assert old.experience.count() == 1


def test_copy_from_last_is_refused_after_submission(world):
    application = application_for(world, state=State.SUBMITTED)
    with pytest.raises(TransitionError):
        services.copy_from_last(application, by=world.users.coordinator)


def test_a_late_autosave_cannot_undo_a_submission(world):
    """An autosave loaded before «Submit» and arriving after it is refused and changes nothing."""
    from applications import services
    from applications.forms import ApplicationForm
    from innovation_portal.workflow import TransitionError

    application = application_for(world)
    stale = Application.objects.get(pk=application.pk)
    services.submit(application, by=world.users.coordinator)
    form = ApplicationForm({"theme": "Другая тема"}, instance=stale)
    form.is_valid()
    with pytest.raises(TransitionError):
        services.save_draft(stale, form=form)
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert application.theme != "Другая тема"

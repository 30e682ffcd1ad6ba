import pytest

from innovation_portal.workflow import TransitionError, transition
from notifications.models import Notification

# Notification's mail status stands in for a stateful model: the mechanism is generic.
S = Notification.MailStatus
ALLOWED = {S.SENT: {S.PENDING, S.SENDING}, S.FAILED: {S.SENDING}}


@pytest.fixture
def note(world):
    return Notification.objects.create(user=world.users.coordinator, kind="t", title="t")


def test_allowed_move_is_saved_logged_and_followed_by_side_effects(note, world, django_capture_on_commit_callbacks):
    log, effects = [], []
    with django_capture_on_commit_callbacks(execute=True):
        transition(
            note,
            S.SENT,
            allowed=ALLOWED,
            by=world.users.methodist,
            reason="вручную",
            field="mail_status",
            history=lambda obj, old, new, by, why: log.append((old, new, by, why)),
            on_commit=lambda: effects.append("mail"),
        )
    note.refresh_from_db()
    assert note.mail_status == S.SENT
    assert log == [(S.PENDING, S.SENT, world.users.methodist, "вручную")]
    assert effects == ["mail"]


def test_a_move_not_allowed_is_refused_in_russian(note, world):
    with pytest.raises(TransitionError) as error:
        transition(note, S.FAILED, allowed=ALLOWED, by=world.users.methodist, field="mail_status")
    assert "ожидает отправки" in str(error.value) and "ошибка отправки" in str(error.value)
    note.refresh_from_db()
    assert note.mail_status == S.PENDING


def test_a_stale_copy_cannot_overwrite_a_newer_state(note, world):
    stale = Notification.objects.get(pk=note.pk)
    transition(note, S.SENT, allowed=ALLOWED, by=world.users.methodist, field="mail_status")
    with pytest.raises(TransitionError) as error:
        transition(stale, S.SENT, allowed=ALLOWED, by=world.users.methodist, field="mail_status")
    assert "только что изменил" in str(error.value)

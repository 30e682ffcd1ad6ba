"""The methodists' weekly digest of overdue items, built from the same providers as the home page."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from innovation_portal import due

from .notify import notify


def send_weekly_digest(now=None):
    now = now or timezone.now()
    year, week, _day = timezone.localtime(now).isocalendar()
    methodists = User.objects.filter(is_active=True, roles__role=RoleAssignment.Role.METHODIST).distinct()
    sent = 0
    for methodist in methodists:
        overdue = [item for item in due.items_for(methodist) if item.overdue]
        if not overdue:
            continue
        lines = [f"• {item.title} ({item.due:%d.%m.%Y})" if item.due else f"• {item.title}" for item in overdue]
        sent += len(
            notify(
                [methodist],
                kind="digest.weekly",
                key=f"digest:{year}-W{week:02d}",
                title=_("Overdue this week: %(count)d") % {"count": len(overdue)},
                body="\n".join(lines),
                url="/",
            )
        )
    return sent

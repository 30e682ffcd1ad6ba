"""Shared lookups for the app's views: objects narrowed to what the user may see (else 404)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import RoleAssignment
from innovation_portal import boundary
from innovation_portal.permissions import require

from .. import selectors
from ..models import Call


def get_application(request, pk, permission="applications.open_application", queryset=None):
    """The application if the user may see it (else 404) and holds `permission` on it (else 403)."""
    queryset = queryset if queryset is not None else selectors.visible_applications(request.user)
    application = get_object_or_404(queryset, pk=pk)
    require(request.user, permission, application)
    return application


def visible_calls(user):
    """Published calls of the user's districts (all calls of them for methodists and the office)."""
    queryset = Call.objects.select_related("district", "status_kind")
    if user.is_superuser:
        return queryset
    Role = RoleAssignment.Role
    staff = user.district_ids(Role.METHODIST, Role.DISTRICT_OFFICE)
    return queryset.filter(boundary.q(Call, staff) | (boundary.q(Call, user.district_ids()) & Q(is_published=True)))


def get_call(request, pk):
    return get_object_or_404(visible_calls(request.user), pk=pk)

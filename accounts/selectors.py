"""Reads about people that every app's services need (whom to tell about a change)."""

from .models import RoleAssignment, User

Role = RoleAssignment.Role


def coordinators_of(institution_ids):
    """Active coordinators of these institutions (ids)."""
    return list(
        User.objects.filter(
            is_active=True, roles__role=Role.COORDINATOR, roles__institution_id__in=list(institution_ids)
        ).distinct()
    )


def methodists_of(district_id):
    """Active methodists of a district."""
    return list(
        User.objects.filter(is_active=True, roles__role=Role.METHODIST, roles__district_id=district_id).distinct()
    )

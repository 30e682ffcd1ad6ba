"""Writes that carry a rule for districts, institutions and users."""

from django.db import transaction

from .models import RoleAssignment


@transaction.atomic
def grant_role(user, role, district, institution=None):
    """Give ``user`` a role in ``district`` (for a coordinator, at ``institution``).

    Idempotent: granting a role the user already has changes nothing. Methodists get
    back-office access along with the role.
    """
    assignment = RoleAssignment(user=user, role=role, district=district, institution=institution)
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=role, district=district, institution=institution
    )
    sync_back_office_access(user)
    return assignment


@transaction.atomic
def revoke_role(user, role, district, institution=None):
    RoleAssignment.objects.filter(user=user, role=role, district=district, institution=institution).delete()
    sync_back_office_access(user)


def sync_back_office_access(user):
    """Back-office access follows the roles: a methodist has it, nobody else (but superusers)."""
    user.__dict__.pop("role_assignments", None)
    has_access = user.is_superuser or user.roles.filter(role__in=RoleAssignment.BACK_OFFICE).exists()
    if user.is_staff != has_access:
        user.is_staff = has_access
        user.save(update_fields=["is_staff"])

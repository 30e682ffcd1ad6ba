"""Permission predicates shared by every app.

Object-level predicates accept any record of the portal: its district comes from its model's
one declaration (``district_path``, see innovation_portal.boundary), its institution from an
``institution`` field. Later apps compose these into their own named permissions.
"""

import rules

from innovation_portal import boundary

from .models import Institution, RoleAssignment

Role = RoleAssignment.Role


def district_ids_of(obj):
    """The districts a record belongs to, from its model's one declaration (innovation_portal.boundary)."""
    if obj is None or not hasattr(type(obj), "_meta"):
        return frozenset()
    return boundary.district_ids_of(obj)


def institution_id_of(obj):
    if obj is None:
        return None
    if isinstance(obj, Institution):
        return obj.pk
    return getattr(obj, "institution_id", None)


def _has_role(role):
    @rules.predicate(name=f"is_{role}")
    def predicate(user):
        return user.is_authenticated and user.has_role(role)

    return predicate


is_methodist = _has_role(Role.METHODIST)
is_coordinator = _has_role(Role.COORDINATOR)
is_expert = _has_role(Role.EXPERT)
is_editor = _has_role(Role.EDITOR)
is_district_office = _has_role(Role.DISTRICT_OFFICE)
is_superuser = rules.is_superuser


def _holds_role_in(user, role, obj):
    """The user holds `role` in a district the object belongs to (any of them, for a person's record)."""
    return any(user.has_role(role, district_id) for district_id in district_ids_of(obj))


@rules.predicate
def is_methodist_of(user, obj):
    """A methodist of the district the object belongs to."""
    return user.is_authenticated and _holds_role_in(user, Role.METHODIST, obj)


@rules.predicate
def is_district_office_of(user, obj):
    return user.is_authenticated and _holds_role_in(user, Role.DISTRICT_OFFICE, obj)


@rules.predicate
def is_editor_of(user, obj):
    return user.is_authenticated and _holds_role_in(user, Role.EDITOR, obj)


@rules.predicate
def is_coordinator_of(user, obj):
    """A coordinator of the institution the object belongs to (an institution may have several)."""
    institution_id = institution_id_of(obj)
    return user.is_authenticated and institution_id is not None and institution_id in user.coordinated_institution_ids


@rules.predicate
def is_affiliated_with(user, obj):
    """The user works at the object's institution in any role: a conflict of interest for an expert."""
    institution_id = institution_id_of(obj)
    return user.is_authenticated and institution_id is not None and institution_id in user.affiliation_ids


can_read_reports = is_superuser | is_methodist | is_district_office


def grant_model_perms(app_label, model_name, *, view, change=None, add=None, delete=None):
    """Name Django's model permissions with predicates, so the admin asks rules for them."""
    change = view if change is None else change
    add = change if add is None else add
    delete = change if delete is None else delete
    for action, predicate in (("view", view), ("change", change), ("add", add), ("delete", delete)):
        rules.set_perm(f"{app_label}.{action}_{model_name}", predicate)


@rules.predicate
def manages(user, obj=None):
    """Back-office access: any methodist for lists, a methodist of the object's district for the object."""
    if obj is None:
        return user.is_authenticated and user.has_role(Role.METHODIST)
    return is_methodist_of(user, obj)


back_office = is_superuser | manages


@rules.predicate
def is_shared_record(user, obj=None):
    """An installation-wide record (a default letter, a shared kind of status): every methodist reads it."""
    return obj is not None and not district_ids_of(obj)


# Lists and district records as back_office; installation-wide records read-only for methodists.
reads_back_office = back_office | (is_methodist & is_shared_record)

# Methodists manage the institutions and users of their own districts (the admin also
# narrows every list to those districts); districts themselves are a superuser's matter.
rules.set_perm("accounts", is_superuser | is_methodist)
grant_model_perms("accounts", "district", view=back_office, change=back_office, add=is_superuser, delete=is_superuser)
grant_model_perms("accounts", "institution", view=back_office)


@rules.predicate
def manages_person(user, person=None):
    """A methodist manages a person all of whose roles lie in the methodist's districts.

    So a methodist of one district cannot reset the password of another district's
    methodist who happens to be an expert here too. A person without roles yet (just
    created) can be managed by any methodist, who then gives them a role.
    """
    if not (user.is_authenticated and user.has_role(Role.METHODIST)):
        return False
    if person is None:
        return True
    if person.is_superuser:
        return False
    theirs = {a.district_id for a in person.roles.all()}
    return theirs <= user.district_ids(Role.METHODIST)


grant_model_perms("accounts", "user", view=is_superuser | manages_person, delete=is_superuser)
grant_model_perms("accounts", "roleassignment", view=back_office)

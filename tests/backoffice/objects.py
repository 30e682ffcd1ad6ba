"""Records of every back-office model, placed in a given district, for the back-office matrix.

Built with model_bakery from each model's ``district_path``: the path itself says how to put
the record into the district (``call__district=district`` creates the call in it), so a new
model needs no code here unless it cannot be made from random values.
"""

from django.apps import apps
from model_bakery import baker

from accounts.models import RoleAssignment
from innovation_portal import boundary


def person_in(district, **kwargs):
    user = baker.make("accounts.User", is_active=True, is_superuser=False, is_staff=False, **kwargs)
    RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.DISTRICT_OFFICE, district=district)
    return user


def make_in(model, district, **extra):
    """A record of `model` that belongs to `district` (installation-wide models: just a record)."""
    model = apps.get_model(model) if isinstance(model, str) else model
    path = boundary.path_of(model)
    if path == "pk":
        return district
    if path == boundary.INSTALLATION:
        return baker.make(model, **extra)
    if model._meta.label == "accounts.User":
        return person_in(district)
    steps = path.split("__")
    if steps[-2:] == ["roles", "district"]:
        owner = "__".join(steps[:-2])
        return baker.make(model, **{owner: person_in(district)}, **extra)
    return baker.make(model, **{path: district}, **extra)

"""404 for what one may not see, 403 for what one sees without the role (innovation_portal.permissions)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications.models import Application
from applications.selectors import visible_applications
from innovation_portal.permissions import fetch, require
from tests.applications.factories import application_for


def test_require_answers_403_without_the_permission(world):
    require(world.users.methodist, "plans.import_plan")
    with pytest.raises(PermissionDenied):
        require(world.users.coordinator, "plans.import_plan")


def test_fetch_hides_another_schools_object_and_refuses_a_missing_role(world):
    application = application_for(world, state=Application.State.SUBMITTED)
    perm = "applications.check_application"
    with pytest.raises(Http404):  # another school's application does not exist for them
        fetch(
            visible_applications(world.users.other_coordinator), world.users.other_coordinator, perm, pk=application.pk
        )
    with pytest.raises(PermissionDenied):  # their own, but the check is the methodist's
        fetch(visible_applications(world.users.coordinator), world.users.coordinator, perm, pk=application.pk)
    found = fetch(visible_applications(world.users.methodist), world.users.methodist, perm, pk=application.pk)
    assert found == application

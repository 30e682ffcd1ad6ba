"""404 or 403: one rule for every page.

* A user who may not see the object at all (another school's application, a card of another
  district) gets **404**: the page fetches it from a queryset already narrowed to what the user
  may see, so ids cannot be probed.
* A user who can see the object, or the page, but lacks the role for this action (a coordinator
  on the methodist's check of their own application, an expert on the editors' desk) gets
  **403**: `require(user, perm, obj)`.

    application = fetch(visible_applications(user), user, "applications.check_application", pk=pk)
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def require(user, perm, obj=None):
    """403 unless the user holds the named permission (on `obj`)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def fetch(visible, user, perm=None, **lookup):
    """The object from `visible` (what the user may see, else 404) on which they hold `perm` (else 403)."""
    obj = get_object_or_404(visible, **lookup)
    if perm is not None:
        require(user, perm, obj)
    return obj

from django.contrib.auth.backends import ModelBackend

from . import signed_in


class PasswordBackend(ModelBackend):
    """Checks e-mail and password as Django does; grants nothing by itself.

    What a user may do comes from django-rules predicates over their roles (see each app's
    rules.py), not from Django's per-user permission tables, so this backend answers no to
    every permission instead of querying those tables on every page. Superusers are allowed
    everything by the user model itself.
    """

    def get_user(self, user_id):
        # The user of every signed-in page, with their roles, from the cache when possible.
        return signed_in.get_user(user_id, super().get_user)

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

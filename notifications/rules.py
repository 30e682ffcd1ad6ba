import rules

from accounts.rules import back_office, grant_model_perms, is_methodist, is_superuser

rules.set_perm("notifications", is_superuser | is_methodist)
grant_model_perms("notifications", "remindersetting", view=back_office)
grant_model_perms("notifications", "mailtemplate", view=back_office)
grant_model_perms("notifications", "notification", view=back_office, change=is_superuser)

import rules

from accounts.rules import back_office, grant_model_perms, is_methodist, is_methodist_of, is_superuser


@rules.predicate
def is_installation_default(user, template=None):
    """The installation's default wording of a letter (no district), or no template in particular."""
    return template is None or template.district_id is None


@rules.predicate
def is_own_district_template(user, template=None):
    """A list (no object yet) or a template of one of the methodist's districts; never the defaults."""
    if template is None:
        return is_methodist(user)
    return template.district_id is not None and is_methodist_of(user, template)


rules.set_perm("notifications", is_superuser | is_methodist)
grant_model_perms("notifications", "remindersetting", view=back_office)
# Every methodist reads the installation's defaults; they write only their own districts' templates.
grant_model_perms(
    "notifications",
    "mailtemplate",
    view=back_office | (is_methodist & is_installation_default),
    change=is_superuser | is_own_district_template,
    add=is_superuser | is_methodist,
)
grant_model_perms("notifications", "notification", view=back_office, change=is_superuser)

"""`{% background_export "plans.plan_pdf" plan=plan.pk %}`: a button that makes a file in the background.

It posts the export's name and parameters to exports:start; the user then sees the
progress bar and downloads the file when it is ready. Shown to signed-in users only.
"""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("exports/_background_button.html", takes_context=True)
def background_export(context, name, label="", query=None, **params):
    request = context.get("request")
    fields = {}
    if query:
        fields.update({key: value for key, value in query.items() if key not in {"name", "csrfmiddlewaretoken"}})
    fields.update({key: value for key, value in params.items() if value not in (None, "")})
    return {
        "show": request is not None and request.user.is_authenticated,
        "csrf_token": context.get("csrf_token"),
        "name": name,
        "label": label or _("%(format)s in the background") % {"format": name.rsplit("_", 1)[-1].upper()},
        "fields": sorted(fields.items()),
    }

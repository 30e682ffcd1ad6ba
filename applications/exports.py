"""Spreadsheets the methodists and the district office ask for."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exports import registry as background
from innovation_portal.pdf import render_pdf
from innovation_portal.spreadsheets import XLSX_TYPE as XLSX_TYPE  # the views answer with it
from innovation_portal.spreadsheets import Sheet, xlsx


def applications_xlsx(call, applications):
    headers = [
        _("No."),
        _("Institution"),
        _("Theme"),
        _("State"),
        _("Submitted"),
        _("Site manager"),
        _("Manager's e-mail"),
        _("Manager's phone"),
        _("Fix by"),
    ]
    rows = [
        [
            index,
            a.institution.short_name,
            a.theme,
            a.get_state_display(),
            a.submitted_at,
            a.manager_name,
            a.manager_email,
            a.manager_phone,
            a.fix_by,
        ]
        for index, a in enumerate(applications, start=1)
    ]
    return xlsx([Sheet(_("Applications"), headers, rows, widths=[6, 30, 50, 22, 18, 28, 28, 20, 12])])


def registry_xlsx(awards):
    headers = [
        _("No."),
        _("District"),
        _("Institution"),
        _("Status"),
        _("Level"),
        _("Theme"),
        _("Valid from"),
        _("Valid until"),
        _("Decided by"),
        _("Protocol or order number"),
        _("Decision date"),
    ]
    rows = [
        [
            index,
            a.institution.district.name,
            a.institution.short_name,
            a.status_kind.name,
            a.status_kind.get_level_display(),
            a.theme,
            a.valid_from,
            a.valid_to,
            a.decision_body,
            a.protocol_number,
            a.decision_date,
        ]
        for index, a in enumerate(awards, start=1)
    ]
    return xlsx([Sheet(_("Registry"), headers, rows, widths=[6, 22, 30, 32, 14, 50, 12, 12, 28, 14, 12])])


# --- Made in the background (exports.registry) -----------------------------------
#
# The same files as the direct downloads, for long lists; the rules are the pages' rules.

REGISTRY_FILTERS = ("district", "status_kind", "level", "year", "everything")


def registry_awards(params):
    """The registry as the public page filters it (current sites when no filter is given)."""
    from . import selectors
    from .forms import RegistryFilterForm

    data = {key: params[key] for key in REGISTRY_FILTERS if params.get(key)}
    filters = RegistryFilterForm(data).filters() if data else {"current": True}
    return selectors.registry(**filters), filters


def registry_pdf(awards, filters):
    return render_pdf(
        "applications/pdf/registry.html", {"awards": awards, "filters": filters, "today": timezone.localdate()}
    )


def _managed_call(user, params):
    from . import selectors

    call_id = background.int_param(params, "call")
    if not call_id or not user.has_perm("applications.view_call_lists"):
        return None
    return selectors.managed_calls(user).filter(pk=call_id).first()


@background.register("applications.call_xlsx", label=gettext_lazy("Applications of a call (XLSX)"))
class CallApplicationsExport:
    @staticmethod
    def allowed(user, params):
        return _managed_call(user, params) is not None

    @staticmethod
    def title(params):
        from .models import Call

        call = Call.objects.filter(pk=background.int_param(params, "call")).first()
        return _("Applications: %(call)s (XLSX)") % {"call": call.title if call else "—"}

    @staticmethod
    def build(params, progress):
        from . import selectors
        from .models import Application, Call

        call = Call.objects.get(pk=background.int_param(params, "call"))
        state = params.get("state") if params.get("state") in Application.State.values else None
        applications = list(selectors.call_applications(call, state))
        progress(50)
        return f"applications-{call.pk}.xlsx", applications_xlsx(call, applications)


@background.register("applications.registry_xlsx", label=gettext_lazy("Registry of innovation sites (XLSX)"))
class RegistryXlsxExport:
    @staticmethod
    def allowed(user, params):
        return user.is_authenticated  # the registry is public

    @staticmethod
    def title(params):
        return _("Registry of innovation sites (XLSX)")

    @staticmethod
    def build(params, progress):
        awards, _filters = registry_awards(params)
        awards = list(awards)
        progress(50)
        return "registry.xlsx", registry_xlsx(awards)


@background.register("applications.registry_pdf", label=gettext_lazy("Registry of innovation sites (PDF)"))
class RegistryPdfExport:
    @staticmethod
    def allowed(user, params):
        return user.is_authenticated

    @staticmethod
    def title(params):
        return _("Registry of innovation sites (PDF)")

    @staticmethod
    def build(params, progress):
        awards, filters = registry_awards(params)
        awards = list(awards)
        progress(30)
        return "registry.pdf", registry_pdf(awards, filters)

from django.core.files.base import ContentFile
from django.urls import reverse

from plans.models import Plan, PlanImport, PlanItemOccurrence
from tests.matrix import PUBLIC, SIGNED_IN_ONLY, Case, staff_only, statuses

from .factories import make_item, make_plan, make_section


def _published(w):
    """A published plan of the world's district with an event hosted by the coordinator's institution."""
    if not hasattr(w, "published_plan"):
        plan = make_plan(w.district)
        plan.approval_document.save("order.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        plan.approval_document_name = "Приказ.pdf"
        plan.save()
        section = make_section(plan)
        w.published_plan = plan
        w.published_item = make_item(section, "Семинар в лицее", "10.10.2023", host=w.institution)
    return w.published_plan


def _draft(w):
    if not hasattr(w, "draft_plan"):
        w.draft_plan = make_plan(w.district, status=Plan.Status.DRAFT, title="Черновик плана")
        make_item(make_section(w.draft_plan), "Черновое мероприятие", "ноябрь")
    return w.draft_plan


def _plan_url(name, plan=_published):
    return lambda w: reverse(name, args=[plan(w).pk])


def _occurrence(w):
    """The occurrence of the coordinator's hosted seminar, held with a file of materials."""
    if not hasattr(w, "published_occurrence"):
        _published(w)
        occurrence = w.published_item.occurrences.get()
        occurrence.materials_file.save("m.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        PlanItemOccurrence.objects.filter(pk=occurrence.pk).update(
            materials_file=occurrence.materials_file.name, materials_file_name="Материалы.pdf"
        )
        w.published_occurrence = occurrence
    return w.published_occurrence


def _import_job(w):
    """A plan file the methodist uploaded and the background reading refused (nothing to import)."""
    if not hasattr(w, "import_job"):
        w.import_job = PlanImport.objects.create(
            requested_by=w.users.methodist,
            district=w.district,
            period_label="2023/2024",
            file_name="план.docx",
            state=PlanImport.State.FAILED,
            message="Файл повреждён.",
        )
    return w.import_job


def _mark_data(w):
    return {"execution": "held", "executed_on": "2023-10-10", "participants": "20", "report": "Проведено"}


HIDDEN = statuses(404, methodist=200)
REPORT = staff_only(allowed=("methodist", "district_office"))

CASES = [
    Case("plans:list", lambda w: reverse("plans:list"), PUBLIC),
    Case("plans:this_month", lambda w: reverse("plans:this_month"), PUBLIC),
    Case("plans:calendar", lambda w: reverse("plans:calendar") + "?month=2023-10", PUBLIC),
    Case("plans:detail", _plan_url("plans:detail"), PUBLIC),
    Case("plans:detail", _plan_url("plans:detail", _draft), HIDDEN, label="draft"),
    Case("plans:plan_ics", _plan_url("plans:plan_ics"), PUBLIC),
    Case("plans:plan_ics", _plan_url("plans:plan_ics", _draft), HIDDEN, label="draft"),
    Case("plans:plan_pdf", _plan_url("plans:plan_pdf"), PUBLIC),
    Case("plans:plan_xlsx", _plan_url("plans:plan_xlsx"), PUBLIC),
    Case("plans:plan_json", _plan_url("plans:plan_json"), PUBLIC),
    Case("plans:plan_json", _plan_url("plans:plan_json", _draft), HIDDEN, label="draft"),
    Case("plans:approval_document", _plan_url("plans:approval_document"), PUBLIC),
    Case(
        "plans:institution_ics",
        lambda w: _published(w) and reverse("plans:institution_ics", args=[w.institution.pk]),
        PUBLIC,
    ),
    Case("plans:execution", _plan_url("plans:execution"), staff_only()),
    Case("plans:own_events", lambda w: reverse("plans:own_events"), SIGNED_IN_ONLY),
    # The host institution's coordinator and the district's methodist mark; everyone else: 404.
    Case(
        "plans:mark_occurrence",
        lambda w: reverse("plans:mark_occurrence", args=[_occurrence(w).pk]),
        statuses(404, anonymous=302, coordinator=200, methodist=200),
    ),
    Case(
        "plans:mark_occurrence",
        lambda w: reverse("plans:mark_occurrence", args=[_occurrence(w).pk]),
        statuses(404, anonymous=302, coordinator=302, methodist=302),
        method="post",
        data=_mark_data,
        label="post",
    ),
    Case(
        "plans:occurrence_materials",
        lambda w: reverse("plans:occurrence_materials", args=[_occurrence(w).pk]),
        statuses(404, anonymous=302, coordinator=200, methodist=200, district_office=200),
    ),
    Case("plans:report_pdf", _plan_url("plans:report_pdf"), REPORT),
    Case("plans:report_xlsx", _plan_url("plans:report_xlsx"), REPORT),
    # A page of a role one lacks is 403 (innovation_portal.permissions): there is no object to hide.
    Case("plans:import", lambda w: reverse("plans:import"), staff_only(denied=403)),
    # An import job is its uploader's only: others who may import get 404, other roles 403.
    Case(
        "plans:import_job",
        lambda w: reverse("plans:import_job", args=[_import_job(w).pk]),
        statuses(403, anonymous=302, methodist=200),
    ),
    Case(
        "plans:import_confirm",
        lambda w: reverse("plans:import_confirm", args=[_import_job(w).pk]),
        statuses(403, anonymous=302, methodist=302),
        method="post",
    ),
    Case(
        "plans:import_table",
        lambda w: reverse("plans:import_table", args=[_import_job(w).pk]),
        statuses(403, anonymous=302, methodist=302),
        method="post",
        data=lambda w: {"table": 2},
    ),
]

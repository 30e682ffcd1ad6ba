from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import District
from innovation_portal.years import parse_period
from plans import services
from plans.importers.docx_reader import PlanReadError, read_plan_docx
from plans.models import Plan


class Command(BaseCommand):
    help = "Import a plan of events from a Word .docx document (prints a summary and the new plan's id)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .docx document")
        parser.add_argument("--district", required=True, help="the district, e.g. «Красносельский»")
        parser.add_argument("--period", required=True, help="2023/2024 or 2022")
        parser.add_argument("--kind", choices=Plan.Kind.values, default=Plan.Kind.PLAN)
        parser.add_argument("--dry-run", action="store_true", help="show what would be created, save nothing")

    def handle(self, *args, file, district, period, kind, dry_run, **options):
        translation.activate(settings.LANGUAGE_CODE)
        found = District.objects.filter(
            Q(short_name__iexact=district) | Q(name__iexact=district) | Q(slug__iexact=district)
        ).first()
        if found is None:
            raise CommandError(_("Unknown district «%(name)s».") % {"name": district})
        try:
            period = parse_period(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not file.lower().endswith(".docx"):
            raise CommandError(_("Only .docx documents are imported from the shell; use the back office for Excel."))
        try:
            parsed = read_plan_docx(file)
        except (PlanReadError, OSError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        preview = services.preview_plan(parsed, found, period, kind)
        write = self.stdout.write
        write(preview.title)
        write(f"{found.name}, {period.label}")
        for line in preview.summary_lines():
            write(line)
        for item in preview.not_understood:
            write(
                "  "
                + _("row %(row)d, item %(number)s: «%(text)s» — %(note)s")
                % {"row": item.row, "number": item.number or "—", "text": item.timeframe, "note": item.note}
            )
        if preview.warnings:
            write(_("Warnings:"))
            for warning in preview.warnings:
                write(f"  {warning}")
        if preview.errors:
            raise CommandError("\n".join(preview.errors))
        if dry_run:
            write(_("Dry run: nothing was saved."))
            return
        try:
            plan = services.import_plan(parsed, found, period, kind, source_name=file.rsplit("/", 1)[-1])
        except services.PlanImportError as error:
            raise CommandError("\n".join(error.errors)) from None
        write(self.style.SUCCESS(_("Plan id: %(id)d (a draft)") % {"id": plan.pk}))

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from plans import exports
from plans.models import Plan


class Command(BaseCommand):
    help = "Print a plan as JSON, or write it as PDF, XLSX or ICS to --output."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=["json", "pdf", "xlsx", "ics"], default="json")
        parser.add_argument("--output", help="a file to write to (required for pdf and xlsx)")

    def handle(self, *args, plan_id, format, output, **options):
        translation.activate(settings.LANGUAGE_CODE)
        plan = Plan.objects.select_related("district").filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(_("No plan with id %(id)d.") % {"id": plan_id})
        if format == "json":
            content = json.dumps(exports.plan_as_dict(plan), ensure_ascii=False, indent=2).encode()
        elif format == "pdf":
            content = exports.plan_pdf(plan)
        elif format == "xlsx":
            content = exports.plan_xlsx(plan)
        else:
            content = exports.plan_ics(plan)
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
            return
        if format in ("pdf", "xlsx"):
            raise CommandError(_("Give --output for a binary format."))
        self.stdout.write(content.decode())

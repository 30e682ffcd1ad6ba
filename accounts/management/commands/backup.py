from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database's data and all uploaded files into one .tar.gz archive, readable by its owner "
        "only (0600). The archive must be written outside MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="archive path (default: portal-backup-YYYYmmdd-HHMM.tar.gz)")

    def handle(self, *args, output=None, **options):
        output = output or f"portal-backup-{timezone.localtime():%Y%m%d-%H%M}.tar.gz"
        try:
            manifest = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {output}: {rows} rows in {len(manifest['counts'])} tables.")
        )

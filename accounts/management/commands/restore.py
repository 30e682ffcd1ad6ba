from django.core.management.base import BaseCommand, CommandError

from accounts.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Replace ALL data and uploaded files with those of a backup archive (run migrate first)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            answer = input("All current data and files will be replaced. Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Cancelled.")
        try:
            manifest = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest['created_at']}."))

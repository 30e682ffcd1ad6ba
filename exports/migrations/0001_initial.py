import django.db.models.deletion
import django.utils.timezone
import innovation_portal.files
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The exports app's models, taken over from accounts with their tables and rows."""

    initial = True

    dependencies = [
        ('accounts', '0003_default_mail_templates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables were made by accounts (0001, 0002). This app takes them over as they are
        # (state only), then gives them its own names; accounts 0004 lets go of them.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='export')),
                        ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('state', models.CharField(choices=[('queued', 'queued'), ('running', 'being made'), ('done', 'ready'), ('failed', 'failed')], default='queued', max_length=10, verbose_name='state')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress, %')),
                        ('message', models.CharField(blank=True, max_length=500, verbose_name='message')),
                        ('file', models.FileField(blank=True, upload_to=innovation_portal.files.PrivatePath('exports'), verbose_name='file')),
                        ('filename', models.CharField(blank=True, max_length=200, verbose_name='file name')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='export_jobs', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'db_table': 'accounts_exportjob',
                        'verbose_name': 'export',
                        'verbose_name_plural': 'exports',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='exportjob', table=None),
    ]

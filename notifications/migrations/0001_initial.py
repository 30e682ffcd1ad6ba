import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The notifications app's models, taken over from accounts with their tables and rows."""

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
                    name='MailTemplate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=60, unique=True, verbose_name='kind of letter')),
                        ('description', models.CharField(blank=True, max_length=300, verbose_name='when it is sent')),
                        ('subject', models.CharField(max_length=300, verbose_name='subject')),
                        ('text', models.TextField(verbose_name='text')),
                        ('html', models.TextField(blank=True, help_text='Optional; the plain text is used when empty.', verbose_name='HTML text')),
                        ('is_active', models.BooleanField(default=True, verbose_name='in use')),
                    ],
                    options={
                        'db_table': 'accounts_mailtemplate',
                        'verbose_name': 'mail template',
                        'verbose_name_plural': 'mail templates',
                        'ordering': ['kind'],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=60, verbose_name='kind')),
                        ('key', models.CharField(blank=True, max_length=200, null=True, verbose_name='deduplication key')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('body', models.TextField(blank=True, verbose_name='text')),
                        ('body_html', models.TextField(blank=True, verbose_name='HTML text')),
                        ('from_template', models.BooleanField(default=False)),
                        ('url', models.CharField(blank=True, max_length=500, verbose_name='link')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read')),
                        ('mail_status', models.CharField(choices=[('pending', 'waiting to be sent'), ('sending', 'being sent'), ('sent', 'sent'), ('failed', 'failed'), ('none', 'not sent by mail')], default='pending', max_length=10, verbose_name='mail')),
                        ('mail_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('mail_claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('mail_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('mail_error', models.TextField(blank=True, verbose_name='error')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'db_table': 'accounts_notification',
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['user', 'read_at'], name='accounts_no_user_id_780bd6_idx')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='notification_unique_key')],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderSetting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=40, verbose_name='kind of deadline')),
                        ('offsets', models.CharField(help_text='Comma-separated days before the deadline; a negative number is days after it, e.g. «7, 1, -1».', max_length=100, verbose_name='days before the deadline')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_settings', to='accounts.district', verbose_name='district')),
                    ],
                    options={
                        'db_table': 'accounts_remindersetting',
                        'verbose_name': 'reminder setting',
                        'verbose_name_plural': 'reminder settings',
                        'constraints': [models.UniqueConstraint(fields=('district', 'kind'), name='reminder_setting_unique')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='mailtemplate', table=None),
        migrations.AlterModelTable(name='notification', table=None),
        migrations.RenameIndex(model_name='notification', new_name='notification_user_read_idx', old_name='accounts_no_user_id_780bd6_idx'),
        migrations.AlterModelTable(name='remindersetting', table=None),
    ]

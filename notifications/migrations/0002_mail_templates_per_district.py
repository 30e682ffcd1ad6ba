# Mail templates per district: the rows there are now the installation's defaults (district empty).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_move_notifications_and_exports'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='mailtemplate',
            options={'ordering': ['kind', 'district'], 'verbose_name': 'mail template', 'verbose_name_plural': 'mail templates'},
        ),
        migrations.AddField(
            model_name='mailtemplate',
            name='district',
            field=models.ForeignKey(blank=True, help_text="Empty: the installation's default wording, used where a district has none of its own.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='mail_templates', to='accounts.district', verbose_name='district'),
        ),
        migrations.AddField(
            model_name='notification',
            name='template_error',
            field=models.TextField(blank=True, verbose_name='template error'),
        ),
        migrations.AlterField(
            model_name='mailtemplate',
            name='kind',
            field=models.CharField(max_length=60, verbose_name='kind of letter'),
        ),
        migrations.AddConstraint(
            model_name='mailtemplate',
            constraint=models.UniqueConstraint(condition=models.Q(('district__isnull', False)), fields=('district', 'kind'), name='mail_template_unique_district'),
        ),
        migrations.AddConstraint(
            model_name='mailtemplate',
            constraint=models.UniqueConstraint(condition=models.Q(('district__isnull', True)), fields=('kind',), name='mail_template_unique_default'),
        ),
    ]

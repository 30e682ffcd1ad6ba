# The plans' two history tables take the shared StateChange shape (innovation_portal.workflow):
# from_status/to_status are renamed (the rows keep their values), the item's history gains a
# reason, and `at` becomes a default instead of auto_now_add (same column, same values).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _shared(model):
    return [
        migrations.RenameField(model, "from_status", "from_state"),
        migrations.RenameField(model, "to_status", "to_state"),
        migrations.AlterField(model, "from_state", models.CharField(max_length=30, verbose_name="from")),
        migrations.AlterField(model, "to_state", models.CharField(max_length=30, verbose_name="to")),
        migrations.AlterField(
            model, "at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")
        ),
        migrations.AlterField(
            model,
            "by",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *_shared("planstatuschange"),
        migrations.AlterField("planstatuschange", "reason", models.TextField(blank=True, verbose_name="reason")),
        *_shared("planitemexecutionchange"),
        migrations.AddField(
            "planitemexecutionchange",
            "reason",
            models.TextField(blank=True, default="", verbose_name="reason"),
            preserve_default=False,
        ),
    ]

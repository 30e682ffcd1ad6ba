"""Wording of the reminder letters, in Russian, for methodists to edit in the back office."""

from django.db import migrations

GREETING = "Здравствуйте, {{ user }}!\n\n"
SIGNATURE = "\n\n--\nИМЦ района, портал сопровождения инновационной деятельности"

TEMPLATES = [
    ("reminder.call_closing", "Напоминание о приёме заявок",
     "Напоминание: {{ title }}",
     "Приём заявок на конкурс заканчивается {{ deadline }} ({{ offset }}).\n"
     "{{ title }}.\nЕсли ваше учреждение участвует, подайте заявку до срока: {{ link }}"),
    ("reminder.fix_by", "Напоминание о доработке заявки",
     "Доработайте заявку: {{ title }}",
     "Заявка возвращена на доработку; исправленную заявку нужно подать до {{ deadline }} ({{ offset }}).\n{{ link }}"),
    ("reminder.review_due", "Напоминание эксперту",
     "Экспертиза: {{ title }}",
     "Срок экспертного заключения — {{ deadline }} ({{ offset }}).\n{{ link }}"),
    ("reminder.rating_data", "Напоминание о данных для рейтинга",
     "Рейтинг инновационной активности: {{ title }}",
     "Информационно-диагностическую карту нужно заполнить и отправить до {{ deadline }} ({{ offset }}).\n{{ link }}"),
    ("reminder.article_deadline", "Напоминание о статьях в сборник",
     "Сборник: {{ title }}",
     "Статьи в сборник принимаются до {{ deadline }} ({{ offset }}).\n{{ link }}"),
    ("reminder.annual_report", "Напоминание об отчёте площадки",
     "Отчёт площадки: {{ title }}",
     "Ежегодный отчёт инновационной площадки нужно подать до {{ deadline }} ({{ offset }}).\n{{ link }}"),
    ("reminder.plan_item", "Напоминание о мероприятии на базе учреждения",
     "Мероприятие: {{ title }}",
     "Мероприятие плана проходит на базе вашего учреждения: {{ deadline }} ({{ offset }}).\n{{ link }}"),
]


def create(apps, schema_editor):
    MailTemplate = apps.get_model("accounts", "MailTemplate")
    for kind, description, subject, text in TEMPLATES:
        MailTemplate.objects.get_or_create(
            kind=kind, defaults={"description": description, "subject": subject, "text": GREETING + text + SIGNATURE}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_mail_templates_reminders_exports")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The installation's reminder letters say what is due, by when and what to do, without doubled words.

The old subjects put a prefix before {{ title }}, which already said the same thing
(«Доработайте заявку: Доработайте возвращённую заявку: …»). A template a methodist has
edited since is left as it is.
"""

from django.db import migrations

GREETING = "Здравствуйте, {{ user }}!\n\n"
SIGNATURE = "\n\n--\nИМЦ района, портал сопровождения инновационной деятельности"

OLD = {
    "reminder.call_closing": (
        "Напоминание: {{ title }}",
        "Приём заявок на конкурс заканчивается {{ deadline }} ({{ offset }}).\n"
        "{{ title }}.\nЕсли ваше учреждение участвует, подайте заявку до срока: {{ link }}",
    ),
    "reminder.fix_by": (
        "Доработайте заявку: {{ title }}",
        "Заявка возвращена на доработку; исправленную заявку нужно подать до {{ deadline }} ({{ offset }}).\n{{ link }}",
    ),
    "reminder.review_due": (
        "Экспертиза: {{ title }}",
        "Срок экспертного заключения — {{ deadline }} ({{ offset }}).\n{{ link }}",
    ),
    "reminder.rating_data": (
        "Рейтинг инновационной активности: {{ title }}",
        "Информационно-диагностическую карту нужно заполнить и отправить до {{ deadline }} ({{ offset }}).\n{{ link }}",
    ),
    "reminder.article_deadline": (
        "Сборник: {{ title }}",
        "Статьи в сборник принимаются до {{ deadline }} ({{ offset }}).\n{{ link }}",
    ),
    "reminder.annual_report": (
        "Отчёт площадки: {{ title }}",
        "Ежегодный отчёт инновационной площадки нужно подать до {{ deadline }} ({{ offset }}).\n{{ link }}",
    ),
    "reminder.plan_item": (
        "Мероприятие: {{ title }}",
        "Мероприятие плана проходит на базе вашего учреждения: {{ deadline }} ({{ offset }}).\n{{ link }}",
    ),
}

NEW = {
    "reminder.call_closing": (
        "Приём заявок на конкурс «{{ call }}» заканчивается {{ deadline }}",
        "Приём заявок на конкурс «{{ call }}» заканчивается {{ deadline }} ({{ offset }}).\n"
        "Если {{ institution }} участвует в конкурсе, заполните заявку и подайте её до этого срока: "
        "после него подать заявку будет нельзя.\n\nКонкурс на портале: {{ link }}",
    ),
    "reminder.fix_by": (
        "Доработайте заявку на конкурс «{{ call }}» до {{ deadline }}",
        "Заявка {{ institution }} на конкурс «{{ call }}» возвращена на доработку. Исправьте её по замечаниям "
        "и подайте снова до {{ deadline }} ({{ offset }}).\n\nЗаявка на портале: {{ link }}",
    ),
    "reminder.review_due": (
        "Экспертное заключение по конкурсу «{{ call }}»: срок {{ deadline }}",
        "Срок вашего экспертного заключения по конкурсу «{{ call }}» — {{ deadline }} ({{ offset }}). "
        "Оцените заявку по всем критериям и отправьте заключение до этого срока.\n\nЗаключение на портале: {{ link }}",
    ),
    "reminder.rating_data": (
        "Данные для рейтинга «{{ campaign }}»: срок {{ deadline }}",
        "Информационно-диагностическую карту {{ institution }} для рейтинга «{{ campaign }}» нужно заполнить "
        "и отправить до {{ deadline }} ({{ offset }}). После срока карту изменить будет нельзя.\n\n"
        "Карта на портале: {{ link }}",
    ),
    "reminder.article_deadline": (
        "Статьи в сборник «{{ collection }}» принимаются до {{ deadline }}",
        "Статьи в сборник «{{ collection }}» принимаются до {{ deadline }} ({{ offset }}). Если {{ institution }} "
        "готовит статью, отправьте её редактору до этого срока.\n\nВаши статьи на портале: {{ link }}",
    ),
    "reminder.annual_report": (
        "Ежегодный отчёт площадки «{{ call }}»: срок {{ deadline }}",
        "Ежегодный отчёт инновационной площадки {{ institution }} («{{ call }}») нужно подать до {{ deadline }} "
        "({{ offset }}).\n\nПриём отчётов на портале: {{ link }}",
    ),
    "reminder.plan_item": (
        "Мероприятие на базе {{ institution }}: {{ event }}, {{ deadline }}",
        "Мероприятие плана «{{ event }}» проходит на базе {{ institution }}: {{ deadline }} ({{ offset }}). "
        "Подготовьте его, а после проведения отметьте в плане, что оно состоялось.\n\n"
        "Мероприятие на портале: {{ link }}",
    ),
}


def reword(apps, schema_editor, old, new):
    MailTemplate = apps.get_model("notifications", "MailTemplate")
    for kind, (subject, text) in new.items():
        was_subject, was_text = old[kind]
        MailTemplate.objects.filter(
            kind=kind, district__isnull=True, subject=was_subject, text=GREETING + was_text + SIGNATURE
        ).update(subject=subject, text=GREETING + text + SIGNATURE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_mail_templates_per_district")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: reword(apps, editor, OLD, NEW), lambda apps, editor: reword(apps, editor, NEW, OLD)
        )
    ]

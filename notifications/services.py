"""Writes about letters' wording that carry a rule."""

from django.db import transaction

from .models import MailTemplate


@transaction.atomic
def copy_for_districts(templates, district_ids):
    """A district's own template for each kind of `templates`, worded as they are; none where one exists.

    Returns the templates created.
    """
    made = []
    for template in templates:
        for district_id in sorted(district_ids):
            if MailTemplate.objects.filter(kind=template.kind, district_id=district_id).exists():
                continue
            made.append(
                MailTemplate.objects.create(
                    district_id=district_id,
                    kind=template.kind,
                    description=template.description,
                    subject=template.subject,
                    text=template.text,
                    html=template.html,
                    is_active=template.is_active,
                )
            )
    return made

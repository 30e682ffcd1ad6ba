"""Counted words in Russian, for every template (a builtin library, see settings.TEMPLATES)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def points(value):
    """«1 балл», «3 балла», «5 баллов», «21 балл»; a fraction takes the genitive singular: «2,5 балла»."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    whole = number == number.to_integral_value()
    # Russian fractions agree like 2–4 («2,5 балла», «0,5 балла»), whatever the whole part.
    count = int(number) if whole else 2
    shown = number_format(number.quantize(Decimal(1)) if whole else round(number, 2).normalize(), use_l10n=True)
    return ngettext("%(points)s point", "%(points)s points", count) % {"points": shown}

"""Lengths of articles in Russian words."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import ngettext


def pages_phrase(value):
    """«1 страница», «3 страницы», «5 страниц»; a fraction takes the genitive singular: «5,2 страницы»."""
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    whole = number == number.to_integral_value()
    # Russian fractions agree like 2–4 («0,5 страницы», «5,2 страницы»), whatever the whole part.
    count = int(number) if whole else 2
    shown = number_format(number.quantize(Decimal(1)) if whole else number, use_l10n=True)
    return ngettext("%(pages)s page", "%(pages)s pages", count) % {"pages": shown}

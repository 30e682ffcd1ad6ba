"""Academic years («2023/2024»: September to August) and calendar years («2022»)."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_ACADEMIC = re.compile(r"^\s*(\d{4})\s*[/\-–—]\s*(\d{4})\s*$")
_CALENDAR = re.compile(r"^\s*(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @property
    def is_academic(self):
        return self.start.month == 9

    @property
    def label(self):
        """As methodists write it: «2023/2024» or «2022»."""
        return f"{self.start.year}/{self.end.year}" if self.is_academic else str(self.start.year)

    def __str__(self):
        return self.label

    def __contains__(self, day):
        return self.start <= day <= self.end


def parse_period(text):
    """«2023/2024», «2023-2024» → September 2023 – August 2024; «2022» → the calendar year."""
    match = _ACADEMIC.match(text or "")
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if second != first + 1:
            raise ValidationError(_("An academic year spans two consecutive years, e.g. 2023/2024."))
        return Period(date(first, 9, 1), date(second, 8, 31))
    match = _CALENDAR.match(text or "")
    if match:
        year = int(match.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31))
    raise ValidationError(_("Write the period as an academic year (2023/2024) or a calendar year (2022)."))


def academic_year_of(day=None):
    """The academic year a day falls in: 1 September 2023 – 31 August 2024 is «2023/2024»."""
    day = day or timezone.localdate()
    first = day.year if day.month >= 9 else day.year - 1
    return Period(date(first, 9, 1), date(first + 1, 8, 31))


def validate_academic_year(value):
    period = parse_period(value)
    if not period.is_academic:
        raise ValidationError(_("Write the academic year as 2023/2024."))


def normalise_academic_year(value):
    return parse_period(value).label

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from innovation_portal.years import academic_year_of, parse_period


@pytest.mark.parametrize("text", ["2023/2024", "2023-2024", " 2023 – 2024 ", "2023—2024"])
def test_academic_year_in_any_spelling(text):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (date(2023, 9, 1), date(2024, 8, 31), "2023/2024")


def test_calendar_year():
    period = parse_period("2022")
    assert (period.start, period.end, period.label, period.is_academic) == (
        date(2022, 1, 1),
        date(2022, 12, 31),
        "2022",
        False,
    )


@pytest.mark.parametrize("text", ["2023/2025", "двадцать третий", "", "23/24"])
def test_nonsense_is_refused_in_russian(text):
    with pytest.raises(ValidationError) as error:
        parse_period(text)
    assert "год" in str(error.value)


@pytest.mark.parametrize(
    ("day", "label"),
    [(date(2023, 8, 31), "2022/2023"), (date(2023, 9, 1), "2023/2024"), (date(2024, 5, 20), "2023/2024")],
)
def test_academic_year_of_a_day(day, label):
    assert academic_year_of(day).label == label

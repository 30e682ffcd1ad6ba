"""Reading the free-text timeframes («сроки проведения») of a district event plan.

Methodists type the timeframe column in Word: «октябрь - апрель», «ежемесячно», «10.10.2023»,
«по графику ОУ»... The text always stays as written; this module only *reads* it, within the
plan's period, so that the calendar, the "this month" view and reminders can use it. Anything
that is not understood with certainty is reported as not understood (the portal flags it for a
methodist): we never guess.

Pure Python on purpose: the plan importer, models, views and tests import it without Django.

How a text is read:

1. It is normalised (case, spaces, dashes, parentheses, «г.»/«года» after years) and split at
   commas and semicolons into clauses.
2. Each clause is a fixed phrase (whole period, recurrence, deadline, "by some schedule") or
   calendar items: months, days, weeks, quarters, lists and ranges of them.
3. Items without a year get one: explicit years in the text carry through a list in reading
   order («Сентябрь 2022, март, июнь 2023»); otherwise an item is placed where it overlaps the
   plan's period (so in 2023/2024 «октябрь» is October 2023 and «апрель» April 2024).
4. The result is clipped to the period; if nothing remains, the text is not understood.

Choices made where a plan's text leaves room (each is tested):

- Partly understood text is not understood («март, по графику ОУ»): the schedule may add other
  months. The one exception is a schedule remark next to a timeframe that already covers the
  whole period («в течение года (по отдельному графику)», «ежемесячно, по графику ОУ»).
- Two terms with no separator between them («февраль май», seen in a seed plan: a lost dash or
  a lost comma?) are not understood.
- A range that crosses the edge of the period («август-октябрь» in a September–August plan) is
  put where most of it lies inside; if two places are equally good it is not understood.
- Weeks («март, первая неделя») and «начало/середина/конец мая» give the whole month: the
  calendar works in months, and the month is certain.
- «до 10.02» is a deadline: that day, and its month. «до мая» has no day and is not understood
  (before May, or by the end of May?); «до конца мая» is 31 May.
- «1 полугодие» without a year in a school-year plan is September–December and «2 полугодие»
  January to the end of the period; with a year it is a calendar half-year.
- A few days between two dates («10-12 октября») list every day; a longer stretch lists the two
  named days only.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

__all__ = ["Kind", "Slot", "Timeframe", "occurrence_slots", "parse_timeframe", "section_month"]


class Kind:
    """What sort of timeframe a text names (plain strings: they go to JSON and templates)."""

    DATES = "dates"
    DEADLINE = "deadline"
    MONTHS = "months"
    WEEKS = "weeks"
    QUARTER = "quarter"  # quarters and half-years
    RECURRING = "recurring"
    WHOLE_PERIOD = "whole_period"
    UNKNOWN = "unknown"
    EMPTY = "empty"


@dataclass(frozen=True)
class Timeframe:
    """What was understood of one timeframe text, within one plan period."""

    understood: bool
    kind: str
    months: list[tuple[int, int]] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    deadline: date | None = None
    recurrence: str | None = None
    note: str = ""
    text: str = ""  # the text as written, spaces collapsed
    # Each item the text names, as its first and last day within the period: «октябрь, февраль,
    # май» is three spans, «октябрь - апрель» one, «10-12 октября» one. Occurrences come from them.
    spans: list[tuple[date, date]] = field(default_factory=list)
    #: days of the week of a weekly recurrence («по средам»: (2,)), Monday = 0
    weekdays: tuple[int, ...] = ()
    #: the day of the month of a monthly or quarterly recurrence («до 25 числа каждого месяца»)
    day_of_month: int | None = None

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "understood": self.understood,
            "kind": self.kind,
            "months": [f"{year:04d}-{month:02d}" for year, month in self.months],
            "dates": [day.isoformat() for day in self.dates],
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "recurrence": self.recurrence,
            "note": self.note,
            "spans": [[first.isoformat(), last.isoformat()] for first, last in self.spans],
        }


def parse_timeframe(
    text: str | None, period_start: date, period_end: date, month: tuple[int, int] | None = None
) -> Timeframe:
    """Read a timeframe text within the plan period [period_start, period_end].

    ``month`` (year, month) is the month of the plan's section the item stands in (a monthly
    work plan with sections «СЕНТЯБРЬ 2024»): relative timeframes («в течение месяца», «4-я
    неделя», «11.09») take that month and year.
    """
    if period_start > period_end:
        raise ValueError(f"period starts after it ends: {period_start} > {period_end}")
    period = _Period(period_start, period_end, month)
    written = " ".join((text or "").split())
    cleaned = _clean(text or "")
    if not re.search(r"[0-9a-zа-яё]", cleaned.lower()):
        return Timeframe(False, Kind.EMPTY, note="сроки не указаны", text=written)
    try:
        result = _interpret(cleaned, period)
    except _NotUnderstood as reason:
        return Timeframe(False, Kind.UNKNOWN, note=f"не распознано: {reason}", text=written)
    return replace(result, text=written)


# --- Vocabulary ---------------------------------------------------------------------------

_SOFT_ENDINGS = ("ь", "я", "е", "ю", "ем")  # январь, января, январе, январю, январем
_HARD_ENDINGS = ("", "а", "е", "у", "ом")  # март, марта, марте, марту, мартом

# Each month: its stem, the endings the stem takes, and the abbreviations typed in narrow columns.
_MONTH_STEMS = (
    (1, "январ", _SOFT_ENDINGS, ("янв",)),
    (2, "феврал", _SOFT_ENDINGS, ("фев", "февр")),
    (3, "март", _HARD_ENDINGS, ("мар",)),
    (4, "апрел", _SOFT_ENDINGS, ("апр",)),
    (5, "ма", ("й", "я", "е", "ю", "ем"), ()),
    (6, "июн", _SOFT_ENDINGS, ("июн",)),
    (7, "июл", _SOFT_ENDINGS, ("июл",)),
    (8, "август", _HARD_ENDINGS, ("авг",)),
    (9, "сентябр", _SOFT_ENDINGS, ("сен", "сент")),
    (10, "октябр", _SOFT_ENDINGS, ("окт",)),
    (11, "ноябр", _SOFT_ENDINGS, ("ноя", "нояб")),
    (12, "декабр", _SOFT_ENDINGS, ("дек",)),
)
_MONTH_BY_WORD = {
    word: month
    for month, stem, endings, abbreviations in _MONTH_STEMS
    for word in (*(stem + ending for ending in endings), *abbreviations)
}
_MONTH_NAMES = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip

# «первая неделя», «четвертой недели», «третий квартал», «последняя неделя» (-1 = the last one).
# A stray ordinal that is not followed by неделя/квартал/полугодие is refused by the grammar.
_ORDINAL_WORD = re.compile(r"(перв|втор|трет|четверт|пят|последн)[а-я]{1,3}")
_ORDINAL_BY_STEM = {"перв": 1, "втор": 2, "трет": 3, "четверт": 4, "пят": 5, "последн": -1}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUMBER_WORDS = {
    "один": 1, "одного": 1, "одна": 1, "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3,
    "четыре": 4, "четырех": 4, "пять": 5, "шесть": 6, "шести": 6,
}  # fmt: skip
_NUMBER = r"\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))

# Words that only say "in/at the beginning of..." around a month: «в марте», «начало октября».
# Reading them as the whole month loses precision but never puts an item in the wrong month.
_FILLER_WORDS = {
    "в", "во", "на", "течение", "начало", "начале", "середина", "середине", "конец", "конце", "период",
    "учебный", "учебного", "учебном", "уч",
}  # fmt: skip

# An event of a few days («10-12 октября») lists every day; a long stretch between two dates
# lists only the two named days, the months carry the rest.
_MAX_EVENT_DAYS = 31

# --- Fixed phrases ------------------------------------------------------------------------

_WORD_START = r"(?<![0-9a-zа-я])"
_WORD_END = r"(?![0-9a-zа-я])"

# «в течение (учебного) года», «в течение периода», «весь период», «постоянно».
_WHOLE_PERIOD = re.compile(
    _WORD_START
    + r"(?:(?:в\s+течение|на\s+протяжении)\s+(?:всего\s+)?(?:(?:учебного|календарного|отчетного)\s+)?(?:года|периода)"
    + r"|(?:весь|целый)\s+(?:(?:учебный|календарный)\s+)?(?:год|период)"
    + r"|постоянно|круглогодично)"
    + _WORD_END
)

_ADVERB_RECURRENCE = {
    "ежедневно": "daily",
    "еженедельно": "weekly",
    "ежемесячно": "monthly",
    "ежеквартально": "quarterly",
    "ежегодно": "yearly",
}
# «не реже 1 раза в 2 месяца», «два раза в год», «раз в месяц», «1 раз в полугодие».
_AT_LEAST = r"(?:не\s+(?:реже|менее|чаще|более)\s+)?"
_TIMES_IN = rf"(?:(?P<count>{_NUMBER})\s+)?раза?\s+в\s+(?:(?P<every>{_NUMBER})\s+)?(?:учебн[а-я]*\s+)?"
_UNIT = r"(?P<unit>день|дня|дней|недел[а-я]*|месяц[а-я]*|квартал[а-я]*|четверт[а-я]*|полугоди[а-я]*|года?|лет)"
_RECURRENCE = re.compile(
    _WORD_START + "(?:" + "|".join(_ADVERB_RECURRENCE) + "|" + _AT_LEAST + _TIMES_IN + _UNIT + ")" + _WORD_END
)
# The unit word by its beginning; a school term («четверть») counts as a quarter.
_RECURRENCE_UNITS = (
    ("д", "day"),
    ("недел", "week"),
    ("месяц", "month"),
    ("квартал", "quarter"),
    ("четверт", "quarter"),
    ("полугоди", "half_year"),
    ("год", "year"),
    ("лет", "year"),
)
_EVERY_N_MONTHS = {1: "monthly", 3: "quarterly", 6: "half_yearly", 12: "yearly"}
_UNIT_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
_UNIT_ADVERB = {
    "day": "daily", "week": "weekly", "month": "monthly",
    "quarter": "quarterly", "half_year": "half_yearly", "year": "yearly",
}  # fmt: skip

# «до 10.02», «не позднее 15.04», «в срок до 20 мая», «до конца мая».
_DEADLINE = re.compile(r"(?:в\s+)?(?:срок\s+)?(?:до|не\s+позднее|не\s+позже)\s+(?P<end_of>конца\s+)?(?P<rest>.+)")

# Timeframes set elsewhere: «по графику ОУ», «по плану площадок», «по согласованию».
_SCHEDULE_REFERENCE = re.compile(
    r"по\s+(?:[а-я]+(?:ому|ему)\s+)?"
    r"(?:графику|графикам|плану|планам|расписанию|согласованию|запросу|запросам|мере|договоренности"
    r"|заявке|заявкам)" + _WORD_END + r".*"
)

# --- Normalisation ------------------------------------------------------------------------

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
# «2023 г.», «2023 года», «10.10.23 г.»: the word only repeats that the number is a year.
_YEAR_WORD = re.compile(r"(\d{4}|\d{1,2}\.\d{1,2}\.\d{2})\s*(?:гг|г|года|году|год)\.?" + _WORD_END, re.IGNORECASE)


# «2024-2025 уч. года», «2023/2024 учебный год», «2024/2025»: a school year, read as one token
_SCHOOL_YEAR = re.compile(
    r"(?<!\d)(\d{4})\s*(?:(/)|-)\s*(\d{4}|\d{2})(?!\d)(?(2)(?:\s*(?:учебн[а-я]*|уч\.?)(?:\s*(?:год[а-я]*|г\.))?)?"
    r"|\s*(?:учебн[а-я]*|уч\.?)(?:\s*(?:год[а-я]*|г\.))?)",
    re.IGNORECASE,
)


def _school_year_marker(match: re.Match) -> str:
    first, last = int(match.group(1)), match.group(3)
    last = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    if last != first + 1:
        return match.group(0)  # «2023-2025 уч. год» is not one school year
    return f" учгод{first} "


def _clean(text: str) -> str:
    """Same dashes, spaces and separators everywhere; the case is kept for quoting in notes."""
    text = text.replace("\u00ad", "")  # a soft hyphen pasted from the web
    text = _DASHES.sub("-", text)
    text = _SPACES.sub(" ", text)
    text = re.sub(r"(\d)(раз)", r"\1 \2", text, flags=re.IGNORECASE)  # «1раз в квартал»
    text = re.sub(r"(?<![а-яё])(в\s+)?течении(?![а-яё])", r"\1течение", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<![а-яё])уч\.?\s*(?=год)", "учебного ", text, flags=re.IGNORECASE)
    text = re.sub(r"(\d)\s*(?:-?й\s+)?кв\.?(?![а-яё])", r"\1 квартал", text, flags=re.IGNORECASE)
    text = _SCHOOL_YEAR.sub(_school_year_marker, text)
    # Parentheses and semicolons only separate parts: «(16.02; 20.04)», «в течение года (по графику)».
    text = re.sub(r"[()\[\];]", ",", text)
    text = _YEAR_WORD.sub(r"\1", text)
    return text.strip(" .")


# --- Internal model -----------------------------------------------------------------------


class _NotUnderstood(Exception):
    """Raised with a short Russian reason; parse_timeframe turns it into understood=False."""


@dataclass(frozen=True)
class _Period:
    start: date
    end: date
    context: tuple[int, int] | None = None  # (year, month) of a month section

    @property
    def months(self) -> list[tuple[int, int]]:
        return _months_between(self.start, self.end)

    @property
    def is_academic(self) -> bool:
        return self.start.month == 9

    def clip(self, first: date, last: date) -> tuple[date, date] | None:
        first, last = max(first, self.start), min(last, self.end)
        return (first, last) if first <= last else None

    def overlap(self, first: date, last: date) -> int:
        """How many months of the period the stretch [first, last] touches."""
        clipped = self.clip(first, last)
        return len(_months_between(*clipped)) if clipped else 0


@dataclass(frozen=True)
class _Point:
    """One end of an item: a day, a month, weeks of a month, or a quarter/half-year span."""

    month: int | None  # None only for a bare day waiting for its month («10 и 12 октября»)
    day: int | None = None
    year: int | None = None  # only when written in the text
    last_month: int | None = None  # quarters and half-years span several months
    unit: str = "month"  # "day", "month", "weeks", "quarter", "year"
    weeks: tuple[int, ...] = ()
    clamp: bool = False  # the last day of the month, whatever its length (a third decade)

    @property
    def end_month(self) -> int | None:
        return self.last_month or self.month


@dataclass(frozen=True)
class _Item:
    """A single point, or a range from start to end («октябрь - апрель», «с 10 по 12 октября»)."""

    start: _Point
    end: _Point | None = None

    @property
    def last(self) -> _Point:
        return self.end or self.start

    @property
    def points(self) -> tuple[_Point, ...]:
        return (self.start, self.end) if self.end else (self.start,)

    @property
    def has_days(self) -> bool:
        return all(point.day is not None for point in self.points)


@dataclass(frozen=True)
class _Token:
    kind: str  # date, num, year, ord, roman, month, week, quarter, half, dash, sep, from, to, point
    value: object = None
    text: str = ""


# --- Interpretation of clauses ------------------------------------------------------------


def _interpret(cleaned: str, period: _Period) -> Timeframe:
    days = _recurring_days(cleaned.lower().replace("ё", "е"), period)
    if days is not None:
        return days
    clauses = [clause.strip() for clause in cleaned.split(",") if clause.strip(" .")]
    references, deadlines, wholes, recurrences, calendar_parts, whole_months = [], [], [], [], [], []
    for written in clauses:
        clause = written.lower().replace("ё", "е")
        clause = _take_phrases(_WHOLE_MONTH, clause, whole_months)
        if not clause.strip(" .-") and whole_months:
            continue
        if _SCHEDULE_REFERENCE.fullmatch(clause):
            references.append(written)
        elif match := _DEADLINE.fullmatch(clause):
            deadlines.append(match)
        else:
            clause = _take_phrases(_WHOLE_PERIOD, clause, wholes)
            clause = _take_phrases(_RECURRENCE, clause, recurrences)
            if clause.strip(" .-"):
                calendar_parts.append(clause)

    if whole_months and not (calendar_parts or wholes or recurrences or deadlines):
        # «в течение месяца» in a month section of a monthly plan; elsewhere: which month?
        if period.context is None:
            raise _NotUnderstood("«в течение месяца» без названия месяца")
        calendar_parts.append(_MONTH_NAMES[period.context[1] - 1] + f" {period.context[0]}")
    # next to a named month («октябрь, в течение месяца») the phrase only repeats it
    if deadlines:
        if len(clauses) > 1:
            raise _NotUnderstood("срок «до …» вместе с другими сроками")
        return _deadline_timeframe(deadlines[0], period)
    if len(recurrences) > 1:
        raise _NotUnderstood("названо несколько периодичностей")
    # «в течение года (по отдельному графику)», «ежемесячно, по графику ОУ»: the months already
    # cover the whole period, the schedule only says which days, so the reference is accepted as
    # a remark. Next to anything narrower («март, по графику ОУ») the schedule may add other
    # months, so the text is not understood: every meaningful part must be understood.
    remark = f"; {', '.join(references)}" if references else ""
    if recurrences:
        if wholes and calendar_parts:
            raise _NotUnderstood("«в течение года» вместе с отдельными сроками")
        return _recurring_timeframe(recurrences[0], calendar_parts, period, remark)
    if wholes:
        if calendar_parts:
            # «В течение года (16.02; 20.04; 12.10; 07.12)»: the dates say when within the year
            try:
                reading = _calendar_timeframe(", ".join(calendar_parts), period)
            except _NotUnderstood:
                reading = None
            if reading is not None and reading.kind == Kind.DATES and not remark:
                return reading
            raise _NotUnderstood("«в течение года» вместе с отдельными сроками")
        note = f"весь период, {_describe_months(period.months)}{remark}"
        return Timeframe(True, Kind.WHOLE_PERIOD, months=period.months, note=note, spans=[(period.start, period.end)])
    if references:
        quoted = ", ".join(f"«{reference}»" for reference in references)
        known = "понятна только часть, " if calendar_parts else ""
        raise _NotUnderstood(f"{known}{quoted} — сроки задаются отдельно")
    return _calendar_timeframe(", ".join(calendar_parts), period)


_WHOLE_MONTH = re.compile(
    _WORD_START + r"(?:в\s+течение|на\s+протяжении)\s+(?:всего\s+)?(?:текущего\s+)?месяца" + _WORD_END
)

# Days of the week, by their stem and the endings they take: «по средам», «каждый вторник».
_WEEKDAY_FORMS = (
    (0, "понедельник", ("", "а", "ам", "у", "ом")),
    (1, "вторник", ("", "а", "ам", "у", "ом")),
    (2, "сред", ("а", "у", "ам", "ы", "е")),
    (3, "четверг", ("", "а", "ам", "у", "ом")),
    (4, "пятниц", ("а", "у", "ам", "ы", "е")),
    (5, "суббот", ("а", "у", "ам", "ы", "е")),
    (6, "воскресень", ("е", "ям", "я")),
)
_WEEKDAY_BY_WORD = {stem + ending: day for day, stem, endings in _WEEKDAY_FORMS for ending in endings}
_WEEKDAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
_WEEKDAY_NAMES_PLURAL = ("понедельникам", "вторникам", "средам", "четвергам", "пятницам", "субботам", "воскресеньям")
_WD = "(?:" + "|".join(sorted(_WEEKDAY_BY_WORD, key=len, reverse=True)) + ")"
_WD_LIST = rf"(?P<days>{_WD}(?:\s*(?:,|и)\s*{_WD})*)"
# «по средам», «каждый вторник», «по вторникам и четвергам», «еженедельно (понедельник)»
_WEEKLY_DAYS = re.compile(
    rf"^(?:еженедельно\s*,?\s*(?:по\s+|в\s+)?|по\s+|каждый\s+|каждую\s+|каждое\s+){_WD_LIST}"
    r"(?:\s*,?\s*еженедельно)?$"
)
# «ежемесячно, последняя пятница», «каждый первый вторник месяца»
_MONTHLY_WEEKDAY = re.compile(
    rf"^(?P<monthly>ежемесячно\s*,?\s*)?(?:каждый\s+|каждую\s+|каждое\s+|в\s+)?(?P<ord>перв|втор|трет|четверт|последн)[а-я]*\s+"
    rf"(?P<day>{_WD})(?P<of_month>\s+(?:каждого\s+)?месяца)?(?:\s*,?\s*ежемесячно)?$"
)
# «до 25 числа каждого месяца», «ежемесячно до 5 числа», «10 числа каждого месяца»
_MONTHLY_DAY = re.compile(
    r"^(?P<monthly>ежемесячно\s*,?\s*)?(?:(?P<by>до|не\s+позднее|не\s+позже|к)\s+)?(?P<day>\d{1,2})(?:-?го)?\s+числа"
    r"(?P<each>\s+(?:каждого|текущего)\s+месяца)?(?:\s*,?\s*ежемесячно)?$"
)
# «ежеквартально, до 5 числа месяца, следующего за отчётным кварталом»
_QUARTERLY_DAY = re.compile(
    r"^ежеквартально\s*,?\s*(?:(?P<by>до|не\s+позднее|не\s+позже|к)\s+)?(?P<day>\d{1,2})(?:-?го)?\s+числа\s+месяца\s*,?\s*"
    r"следующего\s+за\s+(?:отчетным\s+)?кварталом$"
)


def _period_days(period: _Period) -> list[date]:
    return [period.start + timedelta(days=offset) for offset in range((period.end - period.start).days + 1)]


def _recurring_days(text: str, period: _Period) -> Timeframe | None:
    """Recurrences on named days: weekdays, the n-th weekday of a month, a day of each month."""
    text = " ".join(text.replace(",", " , ").split())
    text = re.sub(r"\s+,", ",", text).strip(" .,")
    if match := _WEEKLY_DAYS.fullmatch(text):
        weekdays = tuple(sorted({_WEEKDAY_BY_WORD[w] for w in re.findall(_WD, match.group("days"))}))
        dates = [day for day in _period_days(period) if day.weekday() in weekdays]
        names = " и ".join(_WEEKDAY_NAMES_PLURAL[day] for day in weekdays)
        note = f"еженедельно по {names}, {_describe_months(period.months)}"
        return Timeframe(
            True, Kind.RECURRING, months=period.months, dates=dates, recurrence="weekly", note=note, weekdays=weekdays
        )
    if (match := _MONTHLY_WEEKDAY.fullmatch(text)) and (match.group("monthly") or match.group("of_month")):
        weekday = _WEEKDAY_BY_WORD[match.group("day")]
        nth = _ORDINAL_BY_STEM[match.group("ord")]
        dates = []
        for year, month in period.months:
            days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
            days = [day for day in days if day.weekday() == weekday]
            if nth == -1 or nth <= len(days):
                day = days[nth if nth == -1 else nth - 1]
                if period.start <= day <= period.end:
                    dates.append(day)
        which = "последний" if nth == -1 else f"{nth}-й"
        note = f"ежемесячно, {which} день недели «{_WEEKDAY_NAMES[weekday]}», {_describe_months(period.months)}"
        return Timeframe(
            True,
            Kind.RECURRING,
            months=period.months,
            dates=dates,
            recurrence="monthly",
            note=note,
            weekdays=(weekday,),
        )
    if (match := _MONTHLY_DAY.fullmatch(text)) and (match.group("monthly") or match.group("each")):
        day_of_month = int(match.group("day"))
        if not 1 <= day_of_month <= 31:
            raise _NotUnderstood(f"несуществующее число {day_of_month}")
        dates = []
        for year, month in period.months:
            day = date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))
            if period.start <= day <= period.end:
                dates.append(day)
        by = "до " if match.group("by") else ""
        note = f"ежемесячно {by}{day_of_month} числа, {_describe_months(period.months)}"
        return Timeframe(
            True,
            Kind.RECURRING,
            months=period.months,
            dates=dates,
            recurrence="monthly",
            note=note,
            day_of_month=day_of_month,
        )
    if match := _QUARTERLY_DAY.fullmatch(text):
        day_of_month = int(match.group("day"))
        if not 1 <= day_of_month <= 28:
            raise _NotUnderstood(f"непонятное число {day_of_month}")
        dates = [
            date(year, month, day_of_month)
            for year, month in period.months
            if month in (1, 4, 7, 10) and period.start <= date(year, month, day_of_month) <= period.end
        ]
        by = "до " if match.group("by") else ""
        note = f"ежеквартально {by}{day_of_month} числа месяца после квартала: " + ", ".join(
            f"{day:%d.%m.%Y}" for day in dates
        )
        months = sorted({(day.year, day.month) for day in dates})
        return Timeframe(
            True,
            Kind.RECURRING,
            months=months,
            dates=dates,
            recurrence="quarterly",
            note=note,
            day_of_month=day_of_month,
        )
    return None


def section_month(title: str, period_start: date, period_end: date) -> tuple[int, int] | None:
    """The (year, month) a section title names when it is only a month: «СЕНТЯБРЬ 2024»,
    «Октябрь», «3. Ноябрь 2024 г.» (a monthly work plan); None for any other title."""
    text = re.sub(r"^\s*(?:\d+|[IVXLC]+)[.)]\s*", "", title or "")
    words = re.sub(r"[.:,]", " ", _clean(text)).lower().split()
    if not words or words[0] not in _MONTH_BY_WORD or len(words) > 2:
        return None
    if len(words) == 2 and not re.fullmatch(r"\d{4}", words[1]):
        return None
    reading = parse_timeframe(" ".join(words), period_start, period_end)
    if reading.understood and reading.kind == Kind.MONTHS and len(reading.months) == 1:
        return reading.months[0]
    return None


def _take_phrases(pattern: re.Pattern, clause: str, found: list) -> str:
    """Move the phrases matching `pattern` from the clause to `found`; return what is left."""
    found.extend(pattern.finditer(clause))
    return pattern.sub(" ", clause)


def _recurring_timeframe(match: re.Match, calendar_parts: list[str], period: _Period, remark: str) -> Timeframe:
    # A recurrence is an intention, not dates: it covers the whole period, or the months named
    # with it («ежемесячно, октябрь - апрель»).
    if calendar_parts:
        reading = _read_calendar(", ".join(calendar_parts), period)
        months, spans = reading.months, reading.spans
    else:
        months, spans = period.months, [(period.start, period.end)]
    phrase = " ".join(match.group(0).split())
    note = f"{phrase}, {_describe_months(months)}{remark}"
    return Timeframe(
        True, Kind.RECURRING, months=months, recurrence=_recurrence_code(match), note=note, spans=list(spans)
    )


def _recurrence_code(match: re.Match) -> str:
    """«1 раз в 2 месяца» → every_2_months, «два раза в год» → twice_a_year, «ежемесячно» → monthly."""
    adverb = _ADVERB_RECURRENCE.get(match.group(0))
    if adverb:
        return adverb
    unit = next(unit for prefix, unit in _RECURRENCE_UNITS if match.group("unit").startswith(prefix))
    count = _number(match.group("count") or "1")
    every = _number(match.group("every") or "1")
    if count == 1:
        if every == 1:
            return _UNIT_ADVERB[unit]
        months = every * _UNIT_MONTHS.get(unit, 0)
        return _EVERY_N_MONTHS.get(months) or f"every_{every}_{unit}s"
    times = "twice" if count == 2 else f"{count}_times"
    return f"{times}_a_{unit}" if every == 1 else f"{times}_every_{every}_{unit}s"


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _deadline_timeframe(match: re.Match, period: _Period) -> Timeframe:
    items = _parse_items(_tokenise(match.group("rest"), period), period)
    if len(items) != 1 or items[0].end is not None:
        raise _NotUnderstood("после «до» ожидается одна дата")
    (item,) = items
    if match.group("end_of"):  # «до конца мая»: the last day of that month
        if item.start.unit != "month":
            raise _NotUnderstood("после «до конца» ожидается месяц")
    elif item.start.day is None:
        # «до мая» may mean "before May" or "until the end of May": not guessed.
        raise _NotUnderstood("после «до» нет числа: неясно, до начала или до конца месяца")
    (first, last), *_ = _resolve_years(items, period)
    if not period.start <= last <= period.end:
        raise _NotUnderstood(f"срок {last:%d.%m.%Y} вне периода плана")
    note = f"срок — до {last:%d.%m.%Y}"
    return Timeframe(
        True,
        Kind.DEADLINE,
        months=[(last.year, last.month)],
        dates=[last],
        deadline=last,
        note=note,
        spans=[(last, last)],
    )


# --- Calendar items -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    months: list[tuple[int, int]]
    dates: list[date]
    kind: str
    clipped: bool
    items: list[_Item]
    spans: list[tuple[date, date]]  # of every item, clipped to the period


def _calendar_timeframe(text: str, period: _Period) -> Timeframe:
    reading = _read_calendar(text, period)
    if reading.kind == Kind.WHOLE_PERIOD and reading.months != period.months:
        reading = replace(reading, kind=Kind.MONTHS)  # «2024 год» in a 2023/2024 plan: part of it
    note = _describe_months(reading.months)
    if reading.kind == Kind.WHOLE_PERIOD:
        note = f"весь период, {note}"
    if reading.kind == Kind.DATES:
        note = "даты: " + ", ".join(_describe_days(*span) for span in sorted(reading.spans))
    elif reading.kind == Kind.WEEKS:
        note = f"{note}, {_describe_weeks(reading.items)}"
    elif reading.kind == Kind.QUARTER:
        note = f"квартал/полугодие: {note}"
    if reading.clipped:
        note += "; часть вне периода плана отброшена"
    return Timeframe(
        True, reading.kind, months=reading.months, dates=reading.dates, note=note, spans=sorted(reading.spans)
    )


def _read_calendar(text: str, period: _Period) -> _Reading:
    items = _parse_items(_tokenise(text, period), period)
    if not items:
        raise _NotUnderstood("сроки не найдены")
    months: set[tuple[int, int]] = set()
    dates: set[date] = set()
    spans = []
    clipped = False
    for item, (first, last) in zip(items, _resolve_years(items, period), strict=True):
        inside = period.clip(first, last)
        clipped = clipped or inside != (first, last)
        if inside:
            spans.append(inside)
            months.update(_months_between(*inside))
        if item.has_days:
            dates.update(day for day in _named_days(first, last) if period.start <= day <= period.end)
    if not months:
        raise _NotUnderstood("сроки вне периода плана")
    return _Reading(sorted(months), sorted(dates), _calendar_kind(items), clipped, items, spans)


def _calendar_kind(items: list[_Item]) -> str:
    units = {point.unit for item in items for point in item.points}
    if units == {"year"}:
        return Kind.WHOLE_PERIOD
    if "weeks" in units:
        return Kind.WEEKS
    if units == {"quarter"}:
        return Kind.QUARTER
    if all(item.has_days for item in items):
        return Kind.DATES
    return Kind.MONTHS


def _named_days(first: date, last: date) -> list[date]:
    length = (last - first).days
    if length >= _MAX_EVENT_DAYS:
        return [first, last]
    return [first + timedelta(days=offset) for offset in range(length + 1)]


# Tokens ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<schoolyear>учгод\d{4})"
    r"|(?P<date>\d{1,2}\.\d{1,2}(?:\.(?:\d{4}|\d{2}))?)(?!\d)"
    r"|(?P<num>\d+)(?:-(?P<suffix>я|ая|й|ый|ой|ий|е|ое|го|ого|м|ом)(?![а-я]))?"
    r"|(?P<word>[а-я]+|[a-z]+)"
    r"|(?P<dash>-)"
    r"|(?P<sep>,)"
    r"|(?P<skip>[\s.])"
    r"|(?P<other>.)"
)


def _tokenise(text: str, period: _Period) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        piece = match.group(0)
        kind = "num" if match.group("num") else match.lastgroup  # «1-я» ends in the suffix group
        if kind == "schoolyear":
            tokens.append(_Token("schoolyear", int(piece[5:]), piece))
        elif kind == "date":
            tokens.append(_Token("date", _date_parts(piece), piece))
        elif kind == "num":
            tokens.append(_number_token(match.group("num"), piece))
        elif kind == "word":
            token = _word_token(piece)
            if token:
                tokens.append(token)
        elif kind in ("dash", "sep"):
            tokens.append(_Token(kind, text=piece))
        elif kind == "other":
            raise _NotUnderstood(f"непонятный знак «{piece}»")
    return _fold_counted_phrases(tokens, period)


def _date_parts(piece: str) -> tuple[int, int, int | None]:
    day, month, *year = (int(part) for part in piece.split("."))
    if year and year[0] < 100:  # «10.10.23»
        year[0] += 2000
    _check_day(day, month)
    return day, month, (year[0] if year else None)


def _number_token(digits: str, piece: str) -> _Token:
    number = int(digits)
    if len(digits) == 4 and 1900 <= number <= 2100:
        return _Token("year", number, piece)
    if len(digits) > 2:
        raise _NotUnderstood(f"непонятное число «{piece}»")
    # «1-я», «2-й», «1-е» count weeks, quarters and half-years, never days.
    return _Token("ord" if piece != digits else "num", number, piece)


def _word_token(word: str) -> _Token | None:
    if word == "и":
        return _Token("sep", text=word)
    if word in ("с", "со"):
        return _Token("from", text=word)
    if word == "по":
        return _Token("to", text=word)
    if word in _FILLER_WORDS:
        return None
    if word in _MONTH_BY_WORD:
        return _Token("month", _MONTH_BY_WORD[word], word)
    if word in _ROMAN:
        return _Token("roman", _ROMAN[word], word)
    if word in ("четверть", "четверти"):  # a school term, not «четвертая»
        return _Token("term", text=word)
    if word.startswith("декад"):
        return _Token("decade", text=word)
    if match := _ORDINAL_WORD.fullmatch(word):
        return _Token("ord", _ORDINAL_BY_STEM[match.group(1)], word)
    for prefix, kind in (("недел", "week"), ("квартал", "quarter"), ("полугоди", "half")):
        if word.startswith(prefix):
            return _Token(kind, text=word)
    raise _NotUnderstood(f"непонятное слово «{word}»")


_NUMBERISH = ("num", "ord", "roman")


def _fold_counted_phrases(tokens: list[_Token], period: _Period) -> list[_Token]:
    """Fold «4 и 5 недели апреля», «1-я неделя», «II квартал 2023», «I четверть», «1-я декада
    октября», «2023/2024 учебный год» into ready point tokens."""
    kinds = [token.kind for token in tokens]
    if kinds in (["year"], ["year", "dash", "year"]):
        # «2024 год», «в течение 2024 года», «2023-2024 гг.»: whole calendar years
        first, last = tokens[0].value, tokens[-1].value
        return [
            _Token("point", _Point(1, year=first, unit="year")),
            _Token("dash"),
            _Token("point", _Point(12, year=last, unit="year")),
        ]
    folded: list[_Token] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token.kind == "schoolyear":
            folded.extend(_school_year_tokens(token.value))
            continue
        if token.kind not in ("week", "quarter", "half", "term", "decade"):
            folded.append(token)
            continue
        numbers, joiner = _take_number_chain(folded, token)
        month = year = school_year = None
        if token.kind in ("week", "decade") and position < len(tokens) and tokens[position].kind == "month":
            month = tokens[position].value
            position += 1
        elif token.kind == "week" and folded and folded[-1].kind == "month":
            month = folded.pop().value  # «апрель вторая и третья недели»
        if position < len(tokens) and tokens[position].kind == "year":
            year = tokens[position].value
            position += 1
        elif position < len(tokens) and tokens[position].kind == "schoolyear" and token.kind in ("half", "term"):
            school_year = tokens[position].value
            position += 1
        if token.kind == "week":
            weeks = _week_numbers(numbers, joiner)
            folded.append(_Token("point", _Point(month, year=year, unit="weeks", weeks=weeks), token.text))
        elif token.kind == "decade":
            folded.extend(_decade_tokens(numbers, joiner, month, year, period))
        elif token.kind == "term":
            folded.extend(_term_tokens(numbers, joiner, year, school_year))
        elif school_year is not None:
            folded.extend(_school_half_tokens(numbers, joiner, school_year))
        else:
            folded.extend(_span_tokens(token.kind, numbers, joiner, year, period))
    return folded


def _school_year_tokens(first_year: int) -> list[_Token]:
    return [
        _Token("point", _Point(9, year=first_year, unit="year")),
        _Token("dash"),
        _Token("point", _Point(8, year=first_year + 1, unit="year")),
    ]


# School terms (четверти): I September–October, II November–December, III January–March,
# IV April–May. The exact days differ between regions and years; the months do not.
_TERM_MONTHS = {1: (9, 10), 2: (11, 12), 3: (1, 3), 4: (4, 5)}


def _joined(points: list[_Point], joiner: str) -> list[_Token]:
    if joiner == "dash" and len(points) != 2:
        raise _NotUnderstood("непонятный диапазон")
    tokens = []
    for index, point in enumerate(points):
        if index:
            tokens.append(_Token(joiner))
        tokens.append(_Token("point", point))
    return tokens


def _term_tokens(numbers: list[int], joiner: str, year: int | None, school_year: int | None) -> list[_Token]:
    points = []
    for number in numbers:
        if number not in _TERM_MONTHS:
            raise _NotUnderstood(f"нет {number} четверти")
        first, last = _TERM_MONTHS[number]
        term_year = year
        if school_year is not None:
            term_year = school_year if first >= 9 else school_year + 1
        points.append(_Point(first, year=term_year, last_month=last, unit="quarter"))
    return _joined(points, joiner)


def _school_half_tokens(numbers: list[int], joiner: str, school_year: int) -> list[_Token]:
    points = []
    for number in numbers:
        if number == 1:
            points.append(_Point(9, year=school_year, last_month=12, unit="quarter"))
        elif number == 2:
            points.append(_Point(1, year=school_year + 1, last_month=8, unit="quarter"))
        else:
            raise _NotUnderstood(f"нет {number} полугодия")
    return _joined(points, joiner)


def _decade_tokens(numbers: list[int], joiner: str, month, year, period: _Period) -> list[_Token]:
    """«1-я декада октября»: the 1st to the 10th; «3-я декада» runs to the month's last day."""
    if month is None and period.context is not None:
        year, month = period.context
    if month is None:
        raise _NotUnderstood("декада без месяца")
    if joiner == "dash" and len(numbers) == 2:
        numbers = list(range(numbers[0], numbers[1] + 1))
    if not numbers or any(number not in (1, 2, 3) for number in numbers) or numbers != sorted(numbers):
        raise _NotUnderstood("в месяце три декады")
    if numbers != list(range(numbers[0], numbers[-1] + 1)):
        raise _NotUnderstood("декады не подряд")
    first_day = 10 * (numbers[0] - 1) + 1
    last_day = 10 * numbers[-1] if numbers[-1] < 3 else calendar.monthrange(2024, month)[1]
    return [
        _Token("point", _Point(month, day=first_day, year=year, unit="day")),
        _Token("dash"),
        _Token("point", _Point(month, day=last_day, year=year, unit="day", clamp=numbers[-1] == 3)),
    ]


def _take_number_chain(folded: list[_Token], keyword: _Token) -> tuple[list[int], str]:
    """Pop the numbers right before a counted word: «4 и 5», «1-2», «II». Returns them and the joiner."""
    if not folded or folded[-1].kind not in _NUMBERISH:
        raise _NotUnderstood(f"«{keyword.text}» без номера")
    chain = [folded.pop().value]
    joiner = "sep"
    while len(folded) >= 2 and folded[-1].kind in ("sep", "dash") and folded[-2].kind in _NUMBERISH:
        joiner = folded.pop().kind
        chain.insert(0, folded.pop().value)
    return chain, joiner


def _week_numbers(numbers: list[int], joiner: str) -> tuple[int, ...]:
    if joiner == "dash" and len(numbers) == 2 and 0 < numbers[0] < numbers[1]:
        numbers = list(range(numbers[0], numbers[1] + 1))
    if any(number not in (1, 2, 3, 4, 5, -1) for number in numbers):
        raise _NotUnderstood("в месяце нет такой недели")
    return tuple(numbers)


def _span_tokens(kind: str, numbers: list[int], joiner: str, year: int | None, period: _Period) -> list[_Token]:
    """«1 и 3 квартал» → quarter, sep, quarter; «1-2 квартал 2023» → quarter, dash, quarter."""
    if joiner == "dash" and len(numbers) != 2:
        raise _NotUnderstood("непонятный диапазон кварталов")
    tokens = []
    for index, number in enumerate(numbers):
        first, last = _quarter_months(number) if kind == "quarter" else _half_year_months(number, year, period)
        if index:
            tokens.append(_Token(joiner))
        tokens.append(_Token("point", _Point(first, year=year, last_month=last, unit="quarter")))
    return tokens


def _quarter_months(number: int) -> tuple[int, int]:
    if number not in (1, 2, 3, 4):
        raise _NotUnderstood(f"нет {number} квартала")
    return 3 * number - 2, 3 * number


def _half_year_months(number: int, year: int | None, period: _Period) -> tuple[int, int]:
    if number not in (1, 2):
        raise _NotUnderstood(f"нет {number} полугодия")
    # In a school plan «1 полугодие» without a year is the first half of the school year
    # (September–December) and the second runs to the end of the plan's period (January–August).
    # With a year («1 полугодие 2024») it is a calendar half-year, as in reports.
    if year is None and period.is_academic:
        return ((9, 12), (1, 8))[number - 1]
    return ((1, 6), (7, 12))[number - 1]


# Grammar ---------------------------------------------------------------------------------


def _parse_items(tokens: list[_Token], period: _Period) -> list[_Item]:
    return _complete(_ItemParser(tokens, period).items(), period)


class _ItemParser:
    """items := item (sep item)*;  item := [с] point [(- | по) point];  point := date | month | day month | ..."""

    def __init__(self, tokens: list[_Token], period: _Period):
        self.tokens = tokens
        self.period = period
        self.position = 0

    def items(self) -> list[_Item]:
        items = []
        while True:
            while self._peek("sep"):
                self._take()
            if self.position >= len(self.tokens):
                return items
            items.append(self._item())
            following = self._current()
            if following is not None and following.kind != "sep":
                # «февраль май»: a list or a range? The separator was lost; do not guess.
                raise _NotUnderstood(f"два срока подряд без разделителя (перед «{following.text}»)")

    def _item(self) -> _Item:
        opened = self._peek("from")
        if opened:
            self._take()
        start = self._point()
        if self._peek("dash") or self._peek("to"):
            self._take()
            return _Item(start, self._point())
        if opened:  # «с октября»: from then to the end of the period
            if start.month is None:
                raise _NotUnderstood("«с …» без месяца")
            end = self.period.end
            return _Item(start, _Point(end.month, year=end.year))
        return _Item(start)

    def _point(self) -> _Point:
        token = self._take()
        if token is None:
            raise _NotUnderstood("диапазон без конца")
        if token.kind == "point":
            return token.value
        if token.kind == "date":
            day, month, year = token.value
            return _Point(month, day=day, year=year, unit="day")
        if token.kind == "month":
            return _Point(token.value, year=self._year())
        if token.kind == "num":
            if self._peek("month"):
                month = self._take().value
                _check_day(token.value, month)
                return _Point(month, day=token.value, year=self._year(), unit="day")
            _check_day(token.value, None)
            return _Point(None, day=token.value, unit="day")
        if token.kind == "year":
            raise _NotUnderstood(f"год {token.value} без месяца")
        raise _NotUnderstood(f"непонятно: «{token.text or token.kind}»")

    def _year(self) -> int | None:
        return self._take().value if self._peek("year") else None

    def _current(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _peek(self, kind: str) -> bool:
        current = self._current()
        return current is not None and current.kind == kind

    def _take(self) -> _Token | None:
        current = self._current()
        self.position += 1
        return current


def _complete(items: list[_Item], period: _Period) -> list[_Item]:
    """Give bare days their month and weeks their month, as the text implies."""
    # «10-12 октября»: the start of a range takes the month of its end (and the other way round).
    items = [_fill_range_month(item) for item in items]
    # «10, 12 и 15 октября»: a bare day takes the month of the next day in the list.
    for index in reversed(range(len(items) - 1)):
        item, following = items[index], items[index + 1].start
        if item.end is None and item.start.month is None and following.day is not None:
            items[index] = _Item(replace(item.start, month=following.month, year=following.year))
    # «март, первая неделя»: weeks without a month belong to the month just before them.
    completed: list[_Item] = []
    for item in items:
        point = item.start
        if item.end is None and point.unit == "weeks" and point.month is None:
            previous = completed[-1] if completed else None
            if previous is None and period.context is not None:  # «4-я неделя» in a month section
                year, month = period.context
                completed.append(_Item(replace(point, month=month, year=year)))
                continue
            if previous is None or previous.end is not None or previous.start.unit != "month":
                raise _NotUnderstood("неделя без месяца")
            completed[-1] = _Item(replace(point, month=previous.start.month, year=previous.start.year))
        else:
            completed.append(item)
    if period.context is not None:  # «15», «10-12» in a month section
        year, month = period.context
        completed = [
            _Item(*(replace(p, month=month, year=year) if p.month is None else p for p in item.points))
            for item in completed
        ]
    for item in completed:
        for point in item.points:
            if point.month is None:
                raise _NotUnderstood("число без месяца")
            if point.day is not None:
                _check_day(point.day, point.month)
    return completed


def _fill_range_month(item: _Item) -> _Item:
    if item.end is None:
        return item
    start, end = item.start, item.end
    if start.month is None:
        start = replace(start, month=end.month)
    if end.month is None:
        end = replace(end, month=start.month)
    return _Item(start, end)


def _check_day(day: int, month: int | None) -> None:
    # February 29 passes here; whether the year is a leap year is checked once the year is known.
    longest = 31 if month is None else calendar.monthrange(2024, month)[1] if 1 <= month <= 12 else 0
    if not 1 <= day <= longest:
        shown = f"{day:02d}.{month:02d}" if month else str(day)
        raise _NotUnderstood(f"несуществующая дата {shown}")


# Years -----------------------------------------------------------------------------------


def _resolve_years(items: list[_Item], period: _Period) -> list[tuple[date, date]]:
    """The first and last day of every item, with the years the text gives or implies."""
    spans: list[tuple[date, date] | None] = []
    for item in items:
        years = _written_years(item)
        spans.append(_concrete(item, *years) if years else None)
    if all(span is None for span in spans):
        return [_concrete(item, *_place_in_period(item, period)) for item in items]
    # Written years carry through the list in reading order: «Сентябрь 2022, март, июнь 2023».
    for index in range(1, len(items)):
        if spans[index] is None and spans[index - 1] is not None:
            last = spans[index - 1][1]
            spans[index] = _concrete(items[index], *_years_after(items[index], last))
    for index in reversed(range(len(items) - 1)):
        if spans[index] is None and spans[index + 1] is not None:
            first = spans[index + 1][0]
            spans[index] = _concrete(items[index], *_years_before(items[index], first))
    return spans


def _key(point: _Point, *, at_end: bool) -> tuple[int, int]:
    """Where a point starts or ends within its year; a whole month ends after all its days."""
    if at_end:
        return point.end_month, point.day or 32
    return point.month, point.day or 0


def _end_year(item: _Item, start_year: int) -> int:
    """A range runs forward: «ноябрь - февраль» ends in the year after it starts."""
    return start_year if _key(item.last, at_end=True) >= _key(item.start, at_end=False) else start_year + 1


def _start_year(item: _Item, end_year: int) -> int:
    return end_year if _key(item.start, at_end=False) <= _key(item.last, at_end=True) else end_year - 1


def _written_years(item: _Item) -> tuple[int, int] | None:
    start_year, end_year = item.start.year, item.last.year
    if start_year and end_year:
        if (start_year, *_key(item.start, at_end=False)) > (end_year, *_key(item.last, at_end=True)):
            raise _NotUnderstood("конец диапазона раньше начала")
        return start_year, end_year
    if start_year:
        return start_year, _end_year(item, start_year)
    if end_year:
        return _start_year(item, end_year), end_year
    return None


def _years_after(item: _Item, anchor: date) -> tuple[int, int]:
    start_year = anchor.year if item.start.month >= anchor.month else anchor.year + 1
    return start_year, _end_year(item, start_year)


def _years_before(item: _Item, anchor: date) -> tuple[int, int]:
    end_year = anchor.year if item.last.end_month <= anchor.month else anchor.year - 1
    return _start_year(item, end_year), end_year


def _place_in_period(item: _Item, period: _Period) -> tuple[int, int]:
    """Years for an item written without any: where it overlaps the period most.

    For a single month this is simply the year in which that month falls within the period.
    A range that crosses the period's edge («август-октябрь» in a September–August plan) is
    put where more of it lies inside (August–October 2019 for 2019/2020). Two equally good
    places (a month in a two-year roadmap, «ноябрь - февраль» in a calendar year) are not guessed.
    """
    if period.context is not None:
        # in a month section a month or a day without a year is the nearest to that month
        context_year, context_month = period.context
        start_year = min(
            (context_year - 1, context_year, context_year + 1),
            key=lambda year: abs(year * 12 + item.start.month - (context_year * 12 + context_month)),
        )
        return start_year, _end_year(item, start_year)
    scores = []
    for start_year in range(period.start.year - 1, period.end.year + 1):
        end_year = _end_year(item, start_year)
        try:
            first, last = _concrete(item, start_year, end_year)
        except _NotUnderstood:  # 29.02 in a year that is not a leap year
            continue
        scores.append((period.overlap(first, last), start_year, end_year))
    if not scores:
        raise _NotUnderstood("несуществующая дата")
    best = max(score for score, *_ in scores)
    if best == 0:
        raise _NotUnderstood("сроки вне периода плана")
    winners = [(start_year, end_year) for score, start_year, end_year in scores if score == best]
    if len(winners) > 1:
        raise _NotUnderstood("неясно, к какому году относятся сроки")
    return winners[0]


def _concrete(item: _Item, start_year: int, end_year: int) -> tuple[date, date]:
    start, end = item.start, item.last
    end_day = end.day or calendar.monthrange(end_year, end.end_month)[1]
    if end.clamp:
        end_day = min(end_day, calendar.monthrange(end_year, end.end_month)[1])
    try:
        return date(start_year, start.month, start.day or 1), date(end_year, end.end_month, end_day)
    except ValueError:
        raise _NotUnderstood("несуществующая дата") from None


# --- Notes --------------------------------------------------------------------------------


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _months_between(first: date, last: date) -> list[tuple[int, int]]:
    months = [(first.year, first.month)]
    while months[-1] < (last.year, last.month):
        months.append(_next_month(*months[-1]))
    return months


def _describe_months(months: list[tuple[int, int]]) -> str:
    """«октябрь 2023 – апрель 2024», «март – июнь 2024», «октябрь 2023, февраль 2024»."""
    runs: list[list[tuple[int, int]]] = []
    for year, month in months:
        if runs and _next_month(*runs[-1][-1]) == (year, month):
            runs[-1].append((year, month))
        else:
            runs.append([(year, month)])
    return ", ".join(_describe_run(run[0], run[-1]) for run in runs)


def _describe_run(first: tuple[int, int], last: tuple[int, int]) -> str:
    if first == last:
        return f"{_MONTH_NAMES[first[1] - 1]} {first[0]}"
    if first[0] == last[0]:
        return f"{_MONTH_NAMES[first[1] - 1]} – {_MONTH_NAMES[last[1] - 1]} {last[0]}"
    return f"{_MONTH_NAMES[first[1] - 1]} {first[0]} – {_MONTH_NAMES[last[1] - 1]} {last[0]}"


def _describe_days(first: date, last: date) -> str:
    return f"{first:%d.%m.%Y}" if first == last else f"{first:%d.%m.%Y} – {last:%d.%m.%Y}"


def _describe_weeks(items: list[_Item]) -> str:
    weeks = {week for item in items for point in item.points for week in point.weeks}
    weeks = sorted(weeks, key=lambda week: (week == -1, week))  # «последняя» goes last
    labels = ["последняя" if week == -1 else f"{week}-я" for week in weeks]
    return f"{' и '.join(labels)} {'неделя' if len(labels) == 1 else 'недели'}"


# --- Occurrences ----------------------------------------------------------------------------
#
# An event that repeats is held more than once, and each time is marked on its own. What the
# text says becomes a list of slots, each a window of days in which the event is held once:
#
# - every item the text names is one slot: «10.10.2023, 15.11.2023» two dated slots, «октябрь,
#   февраль, май» three month slots, «октябрь - апрель» and «в течение года» one slot over the
#   whole stretch (one course, one activity: held once);
# - a stated frequency splits the months it covers: «ежемесячно» one slot a month, «1 раз в 2
#   месяца» one per two months, «два раза в год» two halves, «2 раза в месяц» two in each month;
# - anything more frequent than monthly («еженедельно», «ежедневно») is marked once a month:
#   fifty-two marks a year for one line of a plan would not be kept by anybody;
# - a text not understood is one slot without a date (the one mark it always had).


@dataclass(frozen=True)
class Slot:
    """One occurrence to be: its window (None for an undated one) and a key stable across re-reads."""

    key: str
    first: date | None = None
    last: date | None = None
    exact: bool = False  # the window is days (an event on 10.10), not whole months

    @property
    def is_dated(self) -> bool:
        return self.first is not None


_SUB_MONTHLY = {"day", "week"}
_CODE = re.compile(
    r"^(?:(?P<times>twice|\d+_times)_)?(?:a_(?P<unit>[a-z_]+?)|every_(?P<every>\d+)_(?P<units>[a-z_]+?)s)$"
)
_ADVERB_RULE = {"monthly": (1, 1), "quarterly": (1, 3), "half_yearly": (1, 6), "yearly": (1, 12)}


def recurrence_rule(code: str | None) -> tuple[int, int] | None:
    """(times, in how many months) of a recurrence code; None: more often than monthly (or unknown)."""
    if not code:
        return None
    if code in _ADVERB_RULE:
        return _ADVERB_RULE[code]
    match = _CODE.match(code)
    if not match:
        return None
    unit = match.group("unit") or match.group("units")
    if unit in _SUB_MONTHLY or unit not in _UNIT_MONTHS:
        return None
    times = match.group("times") or "1_times"
    count = 2 if times == "twice" else int(times.split("_")[0])
    every = int(match.group("every") or 1)
    return count, every * _UNIT_MONTHS[unit]


def _month_first(year: int, month: int) -> date:
    return date(year, month, 1)


def _month_last(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _window(months: list[tuple[int, int]]) -> tuple[date, date]:
    return _month_first(*months[0]), _month_last(*months[-1])


def _whole_months(first: date, last: date) -> bool:
    return first.day == 1 and last == _month_last(last.year, last.month)


def _keyed(windows: list[tuple[date, date, bool]]) -> list[Slot]:
    """Slots with keys «2023-10-01/2023-10-31», a second slot in the same window «…#2»."""
    seen: dict[str, int] = {}
    slots = []
    for first, last, exact in windows:
        base = f"{first.isoformat()}/{last.isoformat()}"
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}#{seen[base]}"
        slots.append(Slot(key, first, last, exact))
    return slots


def occurrence_slots(
    understood: bool,
    kind: str,
    spans: list[tuple[date, date]],
    months: list[tuple[int, int]],
    recurrence: str | None = None,
) -> list[Slot]:
    """The occurrences a read timeframe stands for, in order (see the rules above)."""
    if not understood or not (spans or months):
        return [Slot("")]
    if kind == Kind.RECURRING:
        rule = recurrence_rule(recurrence)
        count, size = rule if rule else (1, 1)
        windows = []
        for start in range(0, len(months), size):
            chunk = months[start : start + size]
            for index in range(count):
                # «два раза в год»: the year's months in two halves; «2 раза в месяц»: twice in the month.
                low = index * len(chunk) // count
                high = max((index + 1) * len(chunk) // count, low + 1)
                windows.append((*_window(chunk[low:high]), False))
        return _keyed(windows)
    if not spans:
        spans = [_window([month]) for month in months]
    windows = []
    for first, last in spans:
        exact = not _whole_months(first, last) and (last - first).days < _MAX_EVENT_DAYS
        windows.append((first, last, exact))
    return _keyed(windows)

"""Every kind of letter the portal sends, in one place.

A kind has a code (what `notify(kind=…)` passes and what a MailTemplate is written for), a
Russian name for the back office, the placeholders its templates may use (name → what it
holds) and sample values, against which a template is tried out when a methodist saves it.
`notify()` refuses a kind that is not here, so a new letter is named here first.

Every letter fills {{ user }}, {{ title }}, {{ body }} and {{ link }}; reminders also fill
{{ deadline }} and {{ offset }} and what their deadline passes (institution, call, …).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


class UnknownKind(ValueError):
    """notify() was asked for a kind of letter that is not registered here."""


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    placeholders: dict = field(default_factory=dict)  # name → description
    examples: dict = field(default_factory=dict)  # name → sample value
    # The placeholders whose values the letter must carry (the decision and its reasons are in
    # the body; a reminder's deadline and what it is about): tests/notifications/test_letters.py.
    facts: tuple = ()


COMMON = {
    "user": _("the recipient's full name"),
    "title": _("the notification's title, as the portal writes it"),
    "body": _("the notification's text, as the portal writes it"),
    "link": _("the address of the page to open"),
}
COMMON_EXAMPLES = {
    "user": "Иванова Мария Петровна",
    "title": "Заявка «Инновационная площадка 2025»: возвращена на доработку",
    "body": "Исправьте раздел 2: не указаны сроки этапов.",
    "link": "https://portal.example.org/competitions/applications/1/",
}
REMINDER = {
    "deadline": _("the deadline, e.g. «15 марта 2025, 18:00»"),
    "offset": _("how far the deadline is, e.g. «через 7 дней», «просрочено на 1 день»"),
}
REMINDER_EXAMPLES = {"deadline": "15 марта 2025, 18:00", "offset": "через 7 дней"}
EXTRA = {
    "institution": (_("the institution's short name"), "ГБОУ школа № 287"),
    "call": (_("the call for applications"), "Инновационная площадка 2025"),
    "campaign": (_("the rating campaign"), "Рейтинг инновационной активности 2024/2025"),
    "collection": (_("the collection of articles"), "Сборник методических материалов 2025"),
    "event": (_("the event of the plan"), "Семинар «Цифровая школа»"),
}

_registry = {}


def register(code, name, *, extra=(), reminder=False, title=None, body=None):
    """Name a kind of letter; `title` and `body` are samples of what the portal writes in it."""
    placeholders = {**COMMON, **(REMINDER if reminder else {})}
    examples = {**COMMON_EXAMPLES, **(REMINDER_EXAMPLES if reminder else {})}
    for key in extra:
        placeholders[key], examples[key] = EXTRA[key]
    if title is not None:
        examples["title"] = title
    if body is not None:
        examples["body"] = body
    facts = ("deadline", "offset", *extra) if reminder else ("body",)
    _registry[code] = Kind(code, name, placeholders, examples, facts)
    return _registry[code]


def get(code):
    """The registered kind; UnknownKind when there is none."""
    try:
        return _registry[code]
    except KeyError:
        raise UnknownKind(f"Unknown kind of letter «{code}»: register it in notifications/kinds.py") from None


def all_kinds():
    return sorted(_registry.values(), key=lambda kind: kind.code)


def choices():
    """(code, Russian name) of every kind, by name: what a methodist picks from."""
    return sorted(((kind.code, str(kind.name)) for kind in all_kinds()), key=lambda choice: choice[1])


def name_of(code):
    """The Russian name of a kind; the code itself only for a kind no longer registered."""
    kind = _registry.get(code)
    return kind.name if kind is not None else code


# Competitions (applications)
register(
    "application_submitted",
    _("An application is submitted"),
    title="Заявка подана: ГБОУ школа № 287, «Инновационная площадка 2025»",
    body="Заявка получена ИМЦ и ждёт технической экспертизы.",
)
register(
    "application_resubmitted",
    _("A corrected application is submitted again"),
    title="Заявка подана повторно: ГБОУ школа № 287, «Инновационная площадка 2025»",
    body="Исправленная заявка ждёт технической экспертизы. Что изменилось:\n— раздел «Программа стажировки»",
)
register(
    "application_withdrawn",
    _("An application is withdrawn"),
    title="Заявка отозвана: ГБОУ школа № 287, «Инновационная площадка 2025»",
    body="Учреждение решило участвовать в конкурсе в следующем году.",
)
register(
    "application_admitted",
    _("An application is admitted to expertise"),
    title="Заявка допущена к экспертизе: «Инновационная площадка 2025»",
    body="Техническая экспертиза пройдена; заявка передана на содержательную экспертизу.",
)
register(
    "application_returned",
    _("An application is returned for correction"),
    title="Заявка возвращена на доработку: «Инновационная площадка 2025»",
    body="Техническая экспертиза выявила, что в заявке нужно исправить.\nЗамечания: не указаны сроки этапов.\nИсправьте заявку и подайте её снова до 20 мая 2025.",
)
register(
    "application_awarded",
    _("The status is awarded"),
    title="Решение по заявке «Инновационная площадка 2025»: статус присвоен",
    body="Совет решил присвоить ГБОУ школа № 287 статус по конкурсу «Инновационная площадка 2025».\nОбоснование: программа стажировки актуальна для района.",
)
register(
    "application_not_awarded",
    _("The status is not awarded"),
    title="Решение по заявке «Инновационная площадка 2025»: статус не присвоен",
    body="Совет решил не присваивать ГБОУ школа № 287 статус по конкурсу «Инновационная площадка 2025».\nОбоснование: не описаны ожидаемые результаты.",
)
register(
    "application_draft",
    _("A submitted application is taken back for correction"),
    title="Заявка взята на исправление: ГБОУ школа № 287, «Инновационная площадка 2025»",
    body="Координатор исправляет заявку и подаст её снова до срока.",
)
register(
    "application_back_to_council",
    _("An application revised after the council's remarks goes back to it"),
    title="Доработанная заявка передана совету: ГБОУ школа № 287, «Инновационная площадка 2025»",
    body="Заявка, доработанная по замечаниям совета, возвращается совету. Она в повестке заседания 20 мая 2025.",
)
register(
    "call_extension",
    _("An institution's deadline is extended"),
    title="Срок продлён: «Инновационная площадка 2025»",
    body="Срок подачи по конкурсу «Инновационная площадка 2025» продлён для ГБОУ школа № 287 до 25 мая 2025, 18:00. Подайте заявку до этого срока.",
)
register(
    "call_extension_request",
    _("An institution asks for a later deadline"),
    title="Просьба о продлении срока: ГБОУ школа № 287, «Инновационная площадка 2025»",
    body="ГБОУ школа № 287 просит продлить срок подачи по конкурсу «Инновационная площадка 2025».\nПричина: болезнь ответственного.\nПродлите срок или откажите на странице просьбы.",
)
register(
    "call_extension_refused",
    _("A request for a later deadline is refused"),
    title="В продлении срока отказано: «Инновационная площадка 2025»",
    body="В продлении срока подачи по конкурсу «Инновационная площадка 2025» отказано.\nПричина: экспертиза уже началась.",
)
# Expertise
register("expertise_assigned", _("An expert is given applications to review"))
register("expertise_unassigned", _("An application is taken off an expert's list"))
register("expertise_declined", _("An expert declines an assignment"))
register("expertise_conflict", _("An expert declares a conflict of interest"))
register("expertise_presentation", _("A public presentation is scheduled"))
register("expertise_return", _("The council returns an application for revision"))
register("expertise_reopened", _("A methodist reopens an expert's assignment or review"))
register(
    "expertise_letter_undelivered",
    _("A council's decision could not be sent: the institution has no coordinator"),
    extra=("institution",),
)
# Rating
register("rating_published", _("The rating is published"))
register("rating_card_submitted", _("A rating card is submitted for verification"))
register("rating_card_verified", _("A rating card is verified"))
register("rating_card_appealed", _("An institution appeals its rating card"))
register("rating_interview_booked", _("A rating interview is booked"))
# Publications
register("publications.reopened", _("The deadline for articles is reopened for an author"))
register("publications.comment", _("An editor comments on an article"))
register("publications.length_exception", _("An editor allows an article outside the length rule"))
register("publications.published", _("The collection is published"))
register("publications.article.submitted", _("An article is submitted"))
register("publications.article.resubmitted", _("A revised article is submitted again"))
register("publications.article.in_review", _("An article is taken into review"))
register("publications.article.revisions_requested", _("Revisions of an article are requested"))
register("publications.article.accepted", _("An article is accepted"))
register("publications.article.rejected", _("An article is rejected"))
register("publications.article.withdrawn", _("An article is withdrawn"))
# Methodists' digest
register("digest.weekly", _("The weekly digest of overdue items"))
# Reminders (notifications.reminders.KINDS)
register(
    "reminder.call_closing", _("Reminder: a call for applications closes"), extra=["institution", "call"], reminder=True
)
register(
    "reminder.annual_report", _("Reminder: an annual report of a site"), extra=["institution", "call"], reminder=True
)
register("reminder.fix_by", _("Reminder: fix a returned application"), extra=["institution", "call"], reminder=True)
register("reminder.review_due", _("Reminder: an expert's review is due"), extra=["call"], reminder=True)
register("reminder.rating_data", _("Reminder: rating data"), extra=["institution", "campaign"], reminder=True)
register(
    "reminder.article_deadline",
    _("Reminder: articles for a collection"),
    extra=["institution", "collection"],
    reminder=True,
)
register(
    "reminder.plan_item",
    _("Reminder: an event hosted by an institution"),
    extra=["institution", "event"],
    reminder=True,
)

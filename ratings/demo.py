"""Demo rating of the Krasnoselsky district: two published years and the current one collecting.

Created once per (district, academic year); running it again changes nothing.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from .models import Indicator, InterviewSlot, RatingCampaign, RatingCard, RatingEntry, SharedEvent
from .services import (
    book_slot,
    compute,
    copy_indicators,
    generate_slots,
    points_for,
    set_campaign_status,
    set_card_state,
    sync_automatic_entries,
    sync_shared_event,
)

Scoring = Indicator.Scoring
Status = RatingCampaign.Status
State = RatingCard.State
Verification = RatingEntry.Verification

# The seed's indicators (meeting of 8 April 2022, «Рейтинг инновационной активности»). The seed
# gives points only for the last two (up to 5 each); the others are the demo's own choice.
INDICATORS = [
    (
        "status",
        "Наличие инновационного статуса",
        Scoring.YES_NO,
        3,
        None,
        "statuses",
        "Статус ЭП, РИП, ФИП, районной площадки по реестру инновационных площадок.",
    ),
    (
        "district_projects",
        "Реализация инновационных проектов, направленных на развитие районной системы образования",
        Scoring.PER_ENTRY,
        2,
        6,
        "",
        "Приказ ОУ о реализации проекта, паспорт проекта.",
    ),
    (
        "products",
        "Презентация инновационных продуктов",
        Scoring.PER_ENTRY,
        1,
        5,
        "",
        "Ссылка на продукт или программу мероприятия.",
    ),
    (
        "rip_iop",
        "Участие в конкурсах по признанию РИП и ИОП",
        Scoring.PER_ENTRY,
        2,
        4,
        "",
        "Заявка или распоряжение Комитета по образованию.",
    ),
    (
        "heads_competitions",
        "Участие в конкурсах руководителей или административных команд образовательных организаций",
        Scoring.PER_ENTRY,
        2,
        4,
        "",
        "Диплом, сертификат участника или приказ.",
    ),
    (
        "pmof",
        "Презентация результатов инновационной деятельности на мероприятиях деловой программы ПМОФ",
        Scoring.PER_ENTRY,
        2,
        6,
        "",
        "Ссылка на программу ПМОФ.",
    ),
    (
        "district_conferences",
        "Презентация результатов инновационной деятельности на районных научно-практических конференциях",
        Scoring.PER_ENTRY,
        1,
        3,
        "conference_talks",
        "Принятая заявка на выступление (заполняется порталом).",
    ),
    (
        "city_national",
        "Презентация результатов инновационной деятельности на мероприятиях российского и городского уровней",
        Scoring.PER_ENTRY,
        Decimal("1.5"),
        6,
        "",
        "Программа мероприятия, сертификат.",
    ),
    (
        "district_events",
        "Презентация результатов инновационной деятельности на мероприятиях районного уровня",
        Scoring.PER_ENTRY,
        1,
        5,
        "",
        "Программа мероприятия, план ИМЦ.",
    ),
    (
        "publications",
        "Публикации о результатах инновационной деятельности за текущий учебный год",
        Scoring.PER_ENTRY,
        1,
        5,
        "publications",
        "Принятые статьи в сборниках ИМЦ (заполняется порталом).",
    ),
    (
        "project_development",
        "Участие в разработке и (или) реализации инновационных проектов, направленных на развитие районной системы образования",
        Scoring.PER_ENTRY,
        1,
        3,
        "",
        "Приказ или распоряжение о составе рабочей группы.",
    ),
    (
        "experts",
        "Наличие в образовательной организации членов экспертного сообщества в области инноваций",
        Scoring.PER_ENTRY,
        1,
        3,
        "experts",
        "Члены экспертного совета (заполняется порталом).",
    ),
    (
        "initiative_projects",
        "Реализация инициативных проектов",
        Scoring.METHODIST,
        5,
        None,
        "",
        "Оценивается методистом на основании отчётов — до 5 баллов.",
    ),
    (
        "training_site",
        "Работа стажировочной площадки на базе ОУ",
        Scoring.METHODIST,
        5,
        None,
        "training_site",
        "Оценивается методистом — до 5 баллов.",
    ),
]

EVENTS = [
    "Семинар «Формирование культуры исследователя в проектной деятельности обучающихся основной школы»",
    "Семинар «Центр цифрового образования: центр возможностей»",
    "Кейс-сессия «Образование для жизни в новых практиках воспитания»",
    "Интерактивный семинар «Особенности формирования инженерного мышления обучающихся в профильных классах»",
    "Семинар-дискуссия «Создаем будущее: развитие креативности школьников»",
    "Городской онлайн-семинар «Ступени личностного самоопределения подростков в цифровом мире»",
    "Городской онлайн-семинар «Лаборатория осмысленного чтения»",
    "Мастер-класс «Психолого-педагогическое сопровождение обучающихся с ОВЗ»",
    "Открытое занятие «Финансовая культура дошкольника»",
    "Проект «Поколение.RU»",
]
LEVELS = {
    "pmof": "international",
    "city_national": "city",
    "district_events": "district",
    "products": "district",
    "district_projects": "district",
    "project_development": "district",
    "rip_iop": "city",
    "heads_competitions": "city",
    "initiative_projects": "institution",
}


def _moment(day, hour=23, minute=59):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _campaign(district, year):
    first = int(year[:4])
    campaign, created = RatingCampaign.objects.get_or_create(
        district=district,
        academic_year=year,
        defaults={
            "title": "Рейтинг инновационной активности",
            "data_deadline": _moment(date(first + 1, 5, 20)),
            "verification_starts": date(first + 1, 5, 21),
            "verification_ends": date(first + 1, 6, 5),
            "appeal_until": _moment(date(first + 1, 6, 10)),
            "interviews_start": date(first + 1, 5, 23),
            "interviews_end": date(first + 1, 6, 3),
            "publish_on": date(first + 1, 6, 20),
            "separate_groups": True,
        },
    )
    return campaign, created


def _indicators(campaign):
    for order, (code, name, scoring, points, cap, source, evidence) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(
            campaign=campaign,
            code=code,
            defaults={
                "order": order,
                "name": name,
                "scoring": scoring,
                "points": Decimal(points),
                "cap": Decimal(cap) if cap is not None else None,
                "source": source,
                "evidence": evidence,
            },
        )


def _entries(campaign, card, rng, *, verified):
    """A few entries per hand-filled indicator, decided the way a methodist would."""
    first = int(campaign.academic_year[:4])
    made = []
    for indicator in campaign.indicators.all():
        if indicator.is_automatic:
            continue
        for number in range(rng.choice([0, 0, 1, 1, 2, 3])):
            verification = Verification.PENDING
            points = None
            comment = ""
            if verified:
                verification = rng.choice([Verification.ACCEPTED] * 6 + [Verification.ADJUSTED, Verification.REJECTED])
                if indicator.scoring == Scoring.METHODIST:
                    verification = Verification.ADJUSTED
                    points = Decimal(rng.randint(1, 5))
                    comment = "Оценено по годовому отчёту."
                elif verification == Verification.ADJUSTED:
                    points = indicator.points / 2
                    comment = "Засчитано частично: участие без выступления."
                elif verification == Verification.REJECTED:
                    comment = "Мероприятие прошло в прошлом учебном году."
                points = points_for(indicator, verification, points)
            made.append(
                RatingEntry(
                    card=card,
                    indicator=indicator,
                    title=EVENTS[(card.institution_id + number + indicator.order) % len(EVENTS)],
                    date=date(first, 10, 1) + timedelta(days=rng.randint(0, 220)),
                    level=LEVELS.get(indicator.code, "district"),
                    link=f"https://imc-krsl.example.org/events/{card.institution_id}-{indicator.code}-{number}",
                    verification=verification,
                    points=points,
                    comment=comment,
                )
            )
    RatingEntry.objects.bulk_create(made)


def _published_year(district, year, methodist, previous=None):
    campaign, created = _campaign(district, year)
    if not created:
        return campaign
    if previous is not None:
        copy_indicators(previous, campaign)
    else:
        _indicators(campaign)
    set_campaign_status(campaign, Status.COLLECTING, by=methodist)
    rng = random.Random(year)
    for card in campaign.cards.select_related("institution"):
        _entries(campaign, card, rng, verified=True)
        set_card_state(card, State.SUBMITTED, by=methodist, updates={"submitted_at": campaign.data_deadline})
        set_card_state(card, State.VERIFIED, by=methodist, updates={"verified_at": campaign.data_deadline})
    set_campaign_status(campaign, Status.VERIFYING, by=methodist)
    set_campaign_status(campaign, Status.PUBLISHED, by=methodist)
    return campaign


def _current_year(district, year, methodist, previous, context):
    campaign, created = _campaign(district, year)
    if not created:
        return campaign
    copy_indicators(previous, campaign)
    set_campaign_status(campaign, Status.COLLECTING, by=methodist)
    rng = random.Random(year)
    own = {context["institution_by_name"].get("ГБОУ лицей № 590")}
    cards = list(campaign.cards.select_related("institution").order_by("institution__short_name"))
    for index, card in enumerate(cards):
        step = index % 5
        if card.institution in own:
            _entries(campaign, card, rng, verified=False)  # the demo coordinator's draft to finish
            continue
        if step == 0:
            continue  # not started
        _entries(campaign, card, rng, verified=step >= 3)
        if step >= 2:
            set_card_state(card, State.SUBMITTED, by=methodist, updates={"submitted_at": timezone.now()})
        if step >= 3:
            set_card_state(card, State.VERIFIED, by=methodist, updates={"verified_at": timezone.now()})
        if step == 4:
            entry = card.entries.filter(automatic=False).first()
            if entry is not None:
                RatingEntry.objects.filter(pk=entry.pk).update(
                    appeal="Просим засчитать: выступление подтверждено программой мероприятия."
                )
                set_card_state(card, State.APPEALED, by=methodist, updates={"appealed_at": timezone.now()})
    sync_automatic_entries(campaign)
    generate_slots(
        campaign,
        first_day=campaign.interviews_start,
        last_day=campaign.interviews_end,
        day_start=time(10, 0),
        day_end=time(16, 0),
        minutes=30,
        place="ИМЦ Красносельского района, каб. 12",
    )
    slots = list(InterviewSlot.objects.filter(campaign=campaign).order_by("starts_at")[:12:3])
    for slot, card in zip(slots, cards[1:5], strict=False):
        book_slot(slot, card.institution, by=methodist)
    return campaign


# What the portal cannot know about the district conferences indicator (a talk at another
# district's conference), entered by a school and accepted by the methodist (issue 14).
SUPPLEMENT = {
    "institution": "ГБОУ школа № 509",
    "title": "Доклад на районной НПК Кировского района «Цифровая образовательная среда школы»",
    "link": "https://imc-kirov.example.org/npk-2026/programma",
}
# Seed 001 §1: one ПМОФ session hosted by several schools, recorded once by the methodist.
SHARED_EVENT = {
    "title": "ПМОФ: межрегиональная НПК «Персонализация школьного образования: ориентир на ученика»",
    "link": "http://moodle.imc.edu.ru/course/view.php?id=44&section=1",
    "institutions": ("ГБОУ школа № 509", "ГБОУ школа № 375", "ГБОУ школа № 54"),
}


def _supplement(campaign, context, methodist):
    """A hand-added, accepted entry on an automatic indicator of a published year; recomputed once."""
    institution = context["institution_by_name"].get(SUPPLEMENT["institution"])
    indicator = campaign.indicators.filter(code="district_conferences").first()
    card = RatingCard.objects.filter(campaign=campaign, institution=institution).first()
    if indicator is None or card is None:
        return
    first = int(campaign.academic_year[:4])
    _entry, created = RatingEntry.objects.get_or_create(
        card=card,
        indicator=indicator,
        title=SUPPLEMENT["title"],
        defaults={
            "date": date(first + 1, 3, 17),
            "level": "district",
            "link": SUPPLEMENT["link"],
            "verification": Verification.ACCEPTED,
            "points": points_for(indicator, Verification.ACCEPTED),
            "comment": "Подтверждено программой конференции.",
            "verified_by": methodist,
            "verified_at": campaign.data_deadline,
        },
    )
    if created and campaign.status in RatingCampaign.COMPUTABLE:
        compute(campaign)


def _shared_event(campaign, context, methodist):
    indicator = campaign.indicators.filter(code="pmof").first()
    if indicator is None:
        return
    first = int(campaign.academic_year[:4])
    event, created = SharedEvent.objects.get_or_create(
        campaign=campaign,
        title=SHARED_EVENT["title"],
        defaults={
            "indicator": indicator,
            "date": date(first + 1, 3, 22),
            "level": "regional",
            "link": SHARED_EVENT["link"],
            "created_by": methodist,
        },
    )
    if created:
        by_name = context["institution_by_name"]
        event.institutions.set([by_name[name] for name in SHARED_EVENT["institutions"] if name in by_name])
        sync_shared_event(event)


def load(context):
    district = context["district"]
    methodist = context["users"]["methodist"]
    older = _published_year(district, "2024/2025", methodist)
    last = _published_year(district, "2025/2026", methodist, previous=older)
    current = _current_year(district, "2026/2027", methodist, last, context)
    _supplement(last, context, methodist)
    _shared_event(current, context, methodist)
    context["rating_campaigns"] = {"2024/2025": older, "2025/2026": last, "2026/2027": current}

"""Demo competitions: a training-site call open now, a base-site call in expertise, and the registry.

Applications are moved through the real services (so their history and mail are real);
everything is found again by natural keys, so loading twice changes nothing.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from innovation_portal.years import academic_year_of

from . import services
from .models import (
    Application,
    Attachment,
    Call,
    ChecklistItem,
    Criterion,
    DistrictProgramme,
    ExperienceRow,
    RoadmapEvent,
    SourceRow,
    StaffRow,
    StatusAward,
    StatusKind,
)

State = Application.State
Level = StatusKind.Level
TRAINING = StatusKind.Role.TRAINING_SITE

STATUS_KINDS = [
    ("Районная стажировочная площадка", "РСП", Level.DISTRICT, 3, TRAINING),
    ("Районная базовая площадка", "РБП", Level.DISTRICT, 3, ""),
    ("Районная опорная площадка", "РОП", Level.DISTRICT, 2, ""),
    ("Экспериментальная площадка Санкт-Петербурга", "ЭП", Level.CITY, 3, ""),
    ("Лаборатория образовательных инноваций", "ЛОИ", Level.CITY, 3, ""),
    ("Ресурсный центр общего образования", "РЦОО", Level.CITY, 3, ""),
    ("Ресурсный центр дополнительного образования", "РЦ ДО", Level.CITY, 3, ""),
    ("Площадка педагогического творчества", "ППТ", Level.CITY, 2, ""),
    ("Региональная стажировочная площадка", "РСтП", Level.REGIONAL, 3, TRAINING),
    ("Региональная инновационная площадка", "РИП", Level.REGIONAL, 3, ""),
    ("Федеральная инновационная площадка", "ФИП", Level.FEDERAL, 5, ""),
]

PROGRAMMES = [
    "Программа «Поколение.RU»",
    "Инициативный сетевой проект «Финансовая культура – жителям культурной столицы. 2.0»",
    "Инициативный сетевой проект «Управление качеством школьного образования»",
    "Инициативный сетевой проект «Программы дошкольного образования, ориентированного на ребёнка»",
]

TRAINING_CRITERIA = [
    ("Актуальность", "Соответствие программы стажировки профессиональным дефицитам педагогов района."),
    ("Технологичность", "Продуманность способов погружения стажёров и воспроизводимость практики."),
    ("Потребительские характеристики", "Востребованность программы, понятность результатов для потребителей."),
]
BASE_CRITERIA = [
    (
        "Актуальность и практическая значимость работы районной базовой площадки в соответствии с приоритетными задачами развития системы образования Красносельского района Санкт-Петербурга",
        "",
    ),
    (
        "Соответствие ресурсного потенциала районной базовой площадки целям и задачам продвижения приоритетного направления развития районной системы образования",
        "",
    ),
    ("Целесообразность и обоснованность мероприятий, планируемых районной базовой площадкой", ""),
]
LABELS = {
    "0": "не проявляется",
    "1": "проявляется частично",
    "2": "проявляется в основном",
    "3": "проявляется в полной мере",
}

CHECKLIST = [
    ("Заполнены все обязательные поля заявки", ChecklistItem.Automatic.REQUIRED_FIELDS),
    ("Заполнены таблицы заявки", ChecklistItem.Automatic.TABLES),
    ("Приложены обязательные файлы", ChecklistItem.Automatic.FILES),
    ("Видеоанонс не длиннее 3 минут", ChecklistItem.Automatic.VIDEO_LENGTH),
    ("Заявка подписана руководителем ОУ (скан титульного листа)", ""),
    ("Тема соответствует приоритетам развития районной системы образования", ""),
]

# A tiny but valid PDF for the demo's scenario files.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

THEMES = {
    "ГБОУ лицей № 590": "Смысловое чтение как основа функциональной грамотности",
    "ГБОУ школа № 375": "Формирование культуры исследователя в проектной деятельности обучающихся основной школы",
    "ГБОУ школа № 509": "Центр цифрового образования: центр возможностей",
    "ГБОУ школа № 200": "Образование для жизни в новых практиках воспитания",
    "ГБОУ школа № 54": "Инженерное мышление обучающихся в профильных классах",
    "ГБОУ гимназия № 271": "Читательская грамотность в системе согласованного обучения",
    "ГБОУ школа № 167": "Персонализация школьного образования",
    "ГБДОУ детский сад № 26": "Образование, ориентированное на ребёнка: развивающая среда детского сада",
    "ГБОУ школа № 217": "Финансовая грамотность в урочной и внеурочной деятельности",
    "ГБОУ школа № 131": "Сопровождение обучающихся с ОВЗ в инклюзивном классе",
    "ГБОУ гимназия № 293": "Управление качеством образования на основе данных",
    "ГБДОУ детский сад № 15": "Ранняя профориентация дошкольников",
}


def _moment(day, hour=18):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _kinds():
    kinds = {}
    for order, (name, short, level, term, role) in enumerate(STATUS_KINDS):
        kinds[short], _ = StatusKind.objects.get_or_create(
            name=name, defaults={"short_name": short, "level": level, "term_years": term, "order": order, "role": role}
        )
    return kinds


def _call(district, title, defaults, criteria):
    call, created = Call.objects.get_or_create(district=district, title=title, defaults=defaults)
    if created:
        for order, (name, description) in enumerate(criteria, start=1):
            Criterion.objects.create(
                call=call, order=order, name=name, description=description, scale_min=0, scale_max=3, labels=LABELS
            )
        for order, (text, automatic) in enumerate(CHECKLIST, start=1):
            if automatic == ChecklistItem.Automatic.VIDEO_LENGTH and call.form != Call.Form.TRAINING_SITE:
                continue
            ChecklistItem.objects.create(call=call, order=order, text=text, automatic=automatic)
    return call


def _fill(application, programme=None):
    """Fill every part of the form as a diligent coordinator would."""
    name = application.institution.short_name
    theme = THEMES.get(name, "Развитие функциональной грамотности обучающихся")
    application.theme = theme
    application.practice_url = f"{application.institution.website or 'https://example.spb.ru'}/innovation"
    application.manager_name = application.manager_name or "Смирнова Ольга Александровна"
    application.manager_position = application.manager_position or "заместитель директора по ОЭР"
    application.manager_phone = application.manager_phone or "+7 (812) 700-00-00"
    application.manager_email = application.manager_email or application.institution.email or "manager@example.spb.ru"
    application.relevance = f"Тема «{theme}» отвечает приоритетным задачам развития районной системы образования."
    application.consumers = "Педагоги ОУ Красносельского района, методические объединения, молодые специалисты."
    application.planned_results = "Педагоги освоили технологию и готовы применять её; подготовлен методический кейс."
    application.ways = "Стажировки, мастер-классы, открытые уроки, сопровождение внедрения."
    application.effectiveness = "Анкетирование стажёров, экспертиза продуктов, мониторинг внедрения в ОУ района."
    if application.call.form == Call.Form.TRAINING_SITE:
        application.programme_name = f"Программа стажировки «{theme}»"
        application.difficulties = "Недостаток практического опыта проектирования уроков и оценивания результатов."
        application.immersion = "Дегустационная экспертиза: посещение уроков, работа в парах с наставником, рефлексия."
        application.hours = 36
        application.demand_forecast = "Не менее 40 стажёров в год из 15 ОУ района."
    else:
        application.district_programme = programme
        application.goal = "Организация опытно-практической работы по приоритетному направлению развития района."
    application.save()
    ExperienceRow.objects.bulk_create(
        [
            ExperienceRow(
                application=application,
                order=0,
                project="Районный проект «Читаем вместе»",
                years="2022–2024",
                works="Семинары, открытые уроки, сборник материалов",
            ),
            ExperienceRow(
                application=application,
                order=1,
                project="Городской семинар на базе ОУ",
                years="2025",
                works="Мастер-классы для 60 педагогов",
            ),
        ]
    )
    StaffRow.objects.bulk_create(
        [
            StaffRow(
                application=application,
                order=0,
                full_name=application.manager_name,
                position=application.manager_position,
                degree="",
                works="Руководство площадкой",
            ),
            StaffRow(
                application=application,
                order=1,
                full_name="Кузнецова Елена Петровна",
                position="учитель русского языка",
                degree="кандидат педагогических наук",
                works="Проведение стажировок",
            ),
        ]
    )
    if application.call.form == Call.Form.TRAINING_SITE:
        SourceRow.objects.bulk_create(
            [
                SourceRow(
                    application=application,
                    order=0,
                    title="Методические рекомендации по программе стажировки",
                    annotation="Описание этапов и заданий стажёров.",
                ),
                SourceRow(
                    application=application,
                    order=1,
                    title="Банк открытых уроков ОУ",
                    annotation="Видеозаписи и технологические карты уроков.",
                ),
            ]
        )
        Attachment.objects.create(
            application=application, kind=Attachment.Kind.VIDEO, video_url="https://vk.com/video-100000_1"
        )
        scenario = Attachment(
            application=application,
            kind=Attachment.Kind.IMMERSION_SCENARIO,
            original_name="Сценарий погружения.pdf",
            size=len(TINY_PDF),
        )
        scenario.file.save("scenario.pdf", ContentFile(TINY_PDF), save=False)
        scenario.save()
    else:
        RoadmapEvent.objects.bulk_create(
            [
                RoadmapEvent(
                    application=application,
                    section=1,
                    order=0,
                    name="Разработка модели сетевого взаимодействия",
                    timeframe="октябрь - декабрь",
                    audience="педагоги ОУ",
                    planned_result="Модель и положение",
                ),
                RoadmapEvent(
                    application=application,
                    section=2,
                    order=0,
                    name="Районный семинар для заместителей директоров",
                    timeframe="февраль",
                    audience="заместители директоров",
                    planned_result="Материалы семинара",
                ),
                RoadmapEvent(
                    application=application,
                    section=3,
                    order=0,
                    name="Публикация в сборнике «Инновационные процессы…»",
                    timeframe="до 15.04",
                    audience="педагоги района",
                    planned_result="Статья",
                ),
            ]
        )


def _application(call, institution, coordinator, target, methodist, *, programme=None, started, submitted):
    existing = Application.objects.filter(call=call, institution=institution).exclude(state=State.WITHDRAWN).first()
    if existing is not None or (
        target == State.WITHDRAWN and Application.objects.filter(call=call, institution=institution).exists()
    ):
        return existing or Application.objects.filter(call=call, institution=institution).first()
    application = services.start_application(call, institution, by=coordinator, now=started)
    if not coordinator.coordinated_institution_ids:
        # Started on the school's behalf in the demo: the manager is the school's, not the methodist.
        application.manager_name = application.manager_position = application.manager_email = (
            application.manager_phone
        ) = ""
    if target == State.DRAFT:
        application.theme = THEMES.get(institution.short_name, "")
        application.relevance = "Черновик: обоснование актуальности пишется."
        application.save(update_fields=["theme", "relevance"])
        return application
    _fill(application, programme)
    application = Application.objects.get(pk=application.pk)
    services.submit(application, by=coordinator, now=submitted)
    if target == State.SUBMITTED:
        return application
    if target == State.WITHDRAWN:
        services.withdraw(application, by=coordinator, reason="ОУ решило подать заявку в следующем году.")
        return application
    if target in (State.RETURNED, State.RESUBMITTED):
        services.technical_check(
            application,
            by=methodist,
            admit=False,
            results=[],
            remarks="Не приложен скан титульного листа с подписью руководителя; уточните целевую аудиторию в дорожной карте.",
            fix_by=timezone.localdate() + datetime.timedelta(days=7),
        )
        if target == State.RESUBMITTED:
            services.submit(Application.objects.get(pk=application.pk), by=coordinator)
        return application
    services.technical_check(application, by=methodist, admit=True, results=[])
    if target == State.ADMITTED:
        return application
    services.start_expertise(application, by=methodist)
    if target == State.AWARDED:
        services.award_status(
            application,
            by=methodist,
            decision_body="Координационный совет по инновационной деятельности",
            protocol_number="3",
            decision_date=call.decision_date,
            reason="Заявка набрала высокий средний балл экспертов.",
        )
    elif target == State.NOT_AWARDED:
        services.decide(
            application, awarded=False, reason="Недостаточно обоснованы планируемые мероприятия.", by=methodist
        )
    return application


def load(context):
    district = context["district"]
    by_name = context["institution_by_name"]
    users = context["users"]
    methodist = users["methodist"]
    kinds = _kinds()
    programmes = [
        DistrictProgramme.objects.get_or_create(district=district, name=name, defaults={"order": order})[0]
        for order, name in enumerate(PROGRAMMES)
    ]
    today = timezone.localdate()
    year = academic_year_of(today)
    now = timezone.now()

    training = _call(
        district,
        f"Конкурс на присвоение статуса «Районная стажировочная площадка» на {year.label} учебный год",
        {
            "purpose": Call.Purpose.STATUS,
            "status_kind": kinds["РСП"],
            "form": Call.Form.TRAINING_SITE,
            "academic_year": year.label,
            "rules": "Пакет заявочных документов: заявка, видеоанонс (до 3 минут), сценарий погружения (организации дегустационной экспертизы).\n"
            "Этапы: организационно-подготовительный; подача заявок; техническая экспертиза; содержательная экспертиза; публичная презентация; принятие решения.",
            "opens_at": _moment(today - datetime.timedelta(days=14), 9),
            "closes_at": _moment(today + datetime.timedelta(days=21)),
            "technical_check_date": today + datetime.timedelta(days=22),
            "expertise_starts": today + datetime.timedelta(days=25),
            "expertise_ends": today + datetime.timedelta(days=45),
            "presentation_date": today + datetime.timedelta(days=50),
            "decision_date": today + datetime.timedelta(days=60),
        },
        TRAINING_CRITERIA,
    )
    base = _call(
        district,
        f"Конкурс на присвоение статуса «Районная базовая площадка» на {year.label} учебный год",
        {
            "purpose": Call.Purpose.STATUS,
            "status_kind": kinds["РБП"],
            "form": Call.Form.BASE_SITE,
            "academic_year": year.label,
            "rules": "Цель работы районной базовой площадки – организация опытно-практической работы, направленной на решение приоритетных задач развития районной системы образования.",
            "opens_at": _moment(today - datetime.timedelta(days=60), 9),
            "closes_at": _moment(today - datetime.timedelta(days=20)),
            "technical_check_date": today - datetime.timedelta(days=19),
            "expertise_starts": today - datetime.timedelta(days=15),
            "expertise_ends": today + datetime.timedelta(days=10),
            "decision_date": today - datetime.timedelta(days=2),
        },
        BASE_CRITERIA,
    )
    coordinator = users["coordinator"]
    coordinator2 = users["coordinator2"]
    applications = []
    # The open training-site call: the lyceum's draft to continue, and others at various stages.
    for name, target, who in [
        ("ГБОУ лицей № 590", State.DRAFT, coordinator),
        ("ГБОУ гимназия № 271", State.SUBMITTED, coordinator2),
        ("ГБОУ школа № 375", State.SUBMITTED, methodist),
        ("ГБОУ школа № 509", State.DRAFT, methodist),
    ]:
        applications.append(
            _application(
                training,
                by_name[name],
                who,
                target,
                methodist,
                started=training.opens_at + datetime.timedelta(days=1),
                submitted=now,
            )
        )
    # The base-site call past its deadline, in expertise: every later state.
    submitted = base.closes_at - datetime.timedelta(days=2)
    for index, (name, target, who) in enumerate(
        [
            ("ГБОУ лицей № 590", State.RETURNED, coordinator),
            ("ГБОУ гимназия № 271", State.RESUBMITTED, coordinator2),
            ("ГБОУ школа № 200", State.ADMITTED, methodist),
            ("ГБОУ школа № 54", State.UNDER_EXPERTISE, methodist),
            ("ГБДОУ детский сад № 26", State.UNDER_EXPERTISE, methodist),
            ("ГБОУ школа № 217", State.AWARDED, methodist),
            ("ГБОУ школа № 131", State.NOT_AWARDED, methodist),
            ("ГБОУ гимназия № 293", State.SUBMITTED, methodist),
            ("ГБДОУ детский сад № 15", State.WITHDRAWN, methodist),
        ]
    ):
        applications.append(
            _application(
                base,
                by_name[name],
                who,
                target,
                methodist,
                programme=programmes[index % len(programmes)],
                started=base.opens_at + datetime.timedelta(days=1),
                submitted=submitted,
            )
        )
    # Statuses granted elsewhere or earlier, entered by hand into the registry.
    hand = [
        (
            "ГБОУ школа № 375",
            "ЭП",
            "Формирование культуры исследователя у обучающихся основной школы",
            "Распоряжение Комитета по образованию",
            "1234-р",
            0,
            3,
        ),
        (
            "ГБОУ гимназия № 271",
            "РИП",
            "Традиция гимназического образования в системе согласованного обучения",
            "Распоряжение Комитета по образованию",
            "2210-р",
            1,
            3,
        ),
        (
            "ГБОУ школа № 509",
            "РСП",
            "Центр цифрового образования: центр возможностей",
            "Координационный совет ИД Красносельского района",
            "5",
            1,
            3,
        ),
        (
            "ГБОУ лицей № 590",
            "РОП",
            "Лаборатория осмысленного чтения",
            "Координационный совет ИД Красносельского района",
            "4",
            1,
            2,
        ),
        (
            "ГБДОУ детский сад № 26",
            "ППТ",
            "Практики дошкольного образования, ориентированного на ребёнка",
            "Распоряжение Комитета по образованию",
            "987-р",
            4,
            2,
        ),
    ]
    awards = []
    for name, short, theme, body, number, years_ago, term in hand:
        start = datetime.date(year.start.year - years_ago, 9, 1)
        award, _ = StatusAward.objects.get_or_create(
            institution=by_name[name],
            status_kind=kinds[short],
            theme=theme,
            defaults={
                "valid_from": start,
                "valid_to": datetime.date(start.year + term, 8, 31),
                "decision_body": body,
                "protocol_number": number,
                "decision_date": start - datetime.timedelta(days=60),
                "created_by": methodist,
            },
        )
        awards.append(award)
    context["status_kinds"] = kinds
    context["district_programmes"] = programmes
    context["calls"] = {"training_site": training, "base_site": base}
    context["applications"] = [a for a in applications if a is not None]
    context["awards"] = list(StatusAward.objects.filter(institution__district=district))

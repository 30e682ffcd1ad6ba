"""District-scale data for the benchmarks, in a database of its own.

    python bench/generate.py [--scale full|25|1] [--force]

Writes straight through the models with bulk_create (no per-row services), into a fresh
SQLite file under bench/out/ or, with DATABASE_URL=postgres://…/innovation_bench, into a
PostgreSQL database of that name (suffixed _1 and _25 for the small scales) that it drops
and creates. The full scale is the issue's district: 300 institutions, 5 academic years,
6 calls a year with 40 applications and 3 reviews each, 10 plans of 150 items, a rating
campaign a year with 14 indicators, 3 collections of 60 articles (a book of ~300 pages).
The reviews, councils and expert pool are made only when the expertise app's models exist.
"""

import argparse
import datetime as dt
import json
import random
import shutil
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, PASSWORD, SCALES, Timer, database_url, marker_path, scale_dict, schema_fingerprint

KINDS = (
    # (kind, short name pattern, full name pattern, share of 10)
    ("school", "ГБОУ школа № {n}", "Государственное бюджетное общеобразовательное учреждение средняя школа № {n}", 4),
    ("gymnasium", "ГБОУ гимназия № {n}", "Государственное бюджетное общеобразовательное учреждение гимназия № {n}", 1),
    ("kindergarten", "ГБДОУ детский сад № {n}", "Государственное бюджетное дошкольное учреждение детский сад № {n}", 4),
    (
        "additional",
        "ДДТ № {n}",
        "Государственное бюджетное учреждение дополнительного образования Дом детского творчества № {n}",
        1,
    ),
)
HEADS = ["Иванова Марина Викторовна", "Петров Сергей Николаевич", "Смирнова Ольга Александровна",
         "Кузнецова Елена Петровна", "Соколов Андрей Игоревич", "Попова Наталья Сергеевна"]  # fmt: skip
SECTIONS = ["Повышение квалификации", "Организационно-методическое сопровождение", "Аналитическая деятельность",
            "Информационная поддержка", "Обобщение и распространение опыта"]  # fmt: skip
TIMEFRAMES = ["октябрь - апрель", "ежемесячно", "в течение года", "1 раз в 2 месяца", "два раза в год",
              "октябрь, февраль, май", "март, первая неделя", "до 10.02", "10.10.2023", "по графику ОУ",
              "ноябрь", "декабрь", "январь - март", "по плану площадок", "2 квартал"]  # fmt: skip
ABBREVIATIONS = [("ОО", "отдел образования"), ("ИМЦ", "информационно-методический центр"),
                 ("КС", "координационный совет"), ("ЭС", "экспертный совет"), ("ОУ", "образовательное учреждение"),
                 ("НМС", "научно-методический совет")]  # fmt: skip
CRITERIA = ["Актуальность", "Технологичность", "Потребительские характеристики"]
LABELS = {"0": "не проявляется", "1": "частично", "2": "в основном", "3": "в полной мере"}
# (form, purpose, status kind index or None)
CALL_FORMS = [
    ("training_site", "status", 0),
    ("base_site", "status", 1),
    ("general", "status", 2),
    ("annual_report", "annual_report", 0),
    ("conference_talk", "conference_talk", None),
    ("general", "status", 3),
]
STATUS_KINDS = [("Районная стажировочная площадка", "РСП"), ("Районная базовая площадка", "РБП"),
                ("Экспериментальная площадка", "ЭП"), ("Районная опорная площадка", "РОП")]  # fmt: skip
BENCH_USERS = {
    "methodist": "methodist@bench.example.org",
    "district_office": "office@bench.example.org",
    "editor": "editor@bench.example.org",
    "coordinator": "coordinator@bench.example.org",  # of the first institution, which applies to every call
    "expert": "expert1@bench.example.org",
}


# --- the database --------------------------------------------------------------------------


def recreate_database(scale_name):
    """A fresh, empty database for the scale (the file removed, or DROP/CREATE on PostgreSQL)."""
    url = database_url(scale_name)
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    connection = psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()


# --- helpers -------------------------------------------------------------------------------


def aware(day, hour=12, minute=0):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def academic_years(count, today):
    """The last `count` academic years, oldest first, ending with the current one."""
    first = today.year if today.month >= 9 else today.year - 1
    return [f"{y}/{y + 1}" for y in range(first - count + 1, first + 1)]


def expertise_models():
    """The expertise app's models when they exist (the app may be unfinished), else None."""
    try:
        from expertise import models
    except ImportError:
        return None
    needed = ("Assignment", "Review", "Score", "ExpertProfile", "CouncilMeeting", "AgendaItem")
    return models if all(hasattr(models, name) for name in needed) else None


class Generator:
    def __init__(self, scale, today=None):
        from django.utils import timezone

        self.scale = scale
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.rng = random.Random(2024)
        from bench.text import Words

        self.words = Words(7)
        self.counts = {}
        self.current_year = academic_years(1, self.today)[0]
        self.years = academic_years(scale.years, self.today)
        if scale.years == 1:
            # A single year is last year's: decided calls, awards and a published rating to list.
            self.years = academic_years(2, self.today)[:1]

    def count(self, name, objects):
        self.counts[name] = self.counts.get(name, 0) + len(objects)
        return objects

    # --- accounts --------------------------------------------------------------------------

    def accounts(self):
        from django.contrib.auth.hashers import make_password

        from accounts.models import District, Institution, RoleAssignment, User

        self.district = District.objects.create(
            name="Красносельский район (нагрузочный)",
            short_name="Красносельский-Н",
            slug="bench",
            centre_name="ИМЦ Красносельского района",
        )
        institutions, shares = [], [kind for kind in KINDS for _ in range(kind[3])]
        for index in range(self.scale.institutions):
            kind, short, full, _share = shares[index % len(shares)]
            number = str(100 + index)
            institutions.append(
                Institution(
                    district=self.district,
                    kind=kind,
                    number=number,
                    short_name=short.format(n=number),
                    full_name=full.format(n=number) + " Красносельского района Санкт-Петербурга",
                    legal_address=f"198{index % 1000:03d}, Санкт-Петербург, пр. Ветеранов, д. {index + 1}",
                    head_name=HEADS[index % len(HEADS)],
                    phone=f"+7 (812) 417-{index // 100:02d}-{index % 100:02d}",
                    email=f"school{number}@bench.example.org",
                    website=f"https://school{number}.bench.example.org",
                )
            )
        self.institutions = Institution.objects.bulk_create(self.count("institutions", institutions))
        password = make_password(PASSWORD)  # hashed once: the generator must be fast

        def user(email, name, position=""):
            return User(email=email, full_name=name, position=position, password=password)

        staff = [
            user(BENCH_USERS["methodist"], "Методистова Анна Сергеевна", "методист ИМЦ"),
            user(BENCH_USERS["district_office"], "Отделова Галина Ивановна", "специалист ОО"),
            user(BENCH_USERS["editor"], "Редакторова Вера Павловна", "редактор сборника"),
        ]
        coordinators = [
            user(
                BENCH_USERS["coordinator"] if i == 0 else f"coordinator{i}@bench.example.org",
                f"{HEADS[i % len(HEADS)].split()[0]} Координатор {i}",
                "заместитель директора по УВР",
            )
            for i in range(len(self.institutions))
        ]
        experts = [
            user(f"expert{i + 1}@bench.example.org", f"Экспертова Ольга {i + 1}", "член экспертного совета")
            for i in range(self.scale.experts)
        ]
        User.objects.bulk_create(self.count("users", staff + coordinators + experts))
        by_email = {u.email: u for u in User.objects.all()}
        self.methodist = by_email[BENCH_USERS["methodist"]]
        self.office = by_email[BENCH_USERS["district_office"]]
        self.editor = by_email[BENCH_USERS["editor"]]
        self.coordinators = [by_email[u.email] for u in coordinators]
        self.experts = [by_email[u.email] for u in experts]
        User.objects.filter(pk=self.methodist.pk).update(is_staff=True)
        Role = RoleAssignment.Role
        roles = [
            RoleAssignment(user=self.methodist, role=Role.METHODIST, district=self.district),
            RoleAssignment(user=self.office, role=Role.DISTRICT_OFFICE, district=self.district),
            RoleAssignment(user=self.editor, role=Role.EDITOR, district=self.district),
        ]
        roles += [
            RoleAssignment(user=u, role=Role.COORDINATOR, district=self.district, institution=i)
            for u, i in zip(self.coordinators, self.institutions, strict=True)
        ]
        n = len(self.institutions)
        # Experts work at institutions from the end of the list, so the first (the bench
        # coordinator's, which applies everywhere) is rarely theirs.
        self.expert_institution = {
            e.pk: (self.institutions[n - 1 - (k % n)] if n > 1 else None) for k, e in enumerate(self.experts)
        }
        roles += [
            RoleAssignment(user=e, role=Role.EXPERT, district=self.district, institution=self.expert_institution[e.pk])
            for e in self.experts
        ]
        RoleAssignment.objects.bulk_create(self.count("roles", roles))
        from notifications.models import Notification

        notifications = [
            Notification(
                user=u,
                kind="bench",
                title=f"Заявка принята к экспертизе ({k + 1})",
                body=self.words.sentence(),
                url="/competitions/my/",
                mail_status=Notification.MailStatus.SENT,
            )
            for u in (self.coordinators[0], self.methodist)
            for k in range(self.scale.articles_per_collection)
        ]
        Notification.objects.bulk_create(self.count("notifications", notifications))

    # --- competitions ----------------------------------------------------------------------

    def competitions(self):
        from applications.models import (
            Application,
            ApplicationEvent,
            Call,
            ChecklistItem,
            Criterion,
            ExperienceRow,
            RoadmapEvent,
            SourceRow,
            StaffRow,
            StatusAward,
            StatusKind,
        )

        kinds = []
        for order, (name, short) in enumerate(STATUS_KINDS):
            role = StatusKind.Role.TRAINING_SITE if short == "РСП" else StatusKind.Role.NONE
            kind, _created = StatusKind.objects.get_or_create(
                name=name, defaults={"short_name": short, "order": order, "term_years": 3, "role": role}
            )
            kinds.append(kind)
        current = self.current_year
        calls = []
        for year in self.years:
            first = int(year[:4])
            for index in range(self.scale.calls_per_year):
                form, purpose, kind_index = CALL_FORMS[index % len(CALL_FORMS)]
                if year == current and index == 0:
                    opens, closes = self.now - dt.timedelta(days=20), self.now + dt.timedelta(days=10)
                elif year == current:
                    opens, closes = self.now - dt.timedelta(days=60), self.now - dt.timedelta(days=5 + index)
                else:
                    opens, closes = aware(dt.date(first + 1, 4, 1)), aware(dt.date(first + 1, 4, 28), 18)
                calls.append(
                    Call(
                        district=self.district,
                        purpose=purpose,
                        status_kind=kinds[kind_index] if kind_index is not None else None,
                        academic_year=year,
                        title=f"Конкурс «{STATUS_KINDS[kind_index or 0][0]}» {year} ({index + 1})",
                        form=form,
                        rules=self.words.text(600),
                        opens_at=opens,
                        closes_at=closes,
                        technical_check_date=closes.date() + dt.timedelta(days=1),
                        expertise_starts=closes.date() + dt.timedelta(days=2),
                        expertise_ends=closes.date() + dt.timedelta(days=30),
                        decision_date=closes.date() + dt.timedelta(days=45),
                    )
                )
        self.calls = Call.objects.bulk_create(self.count("calls", calls))
        Criterion.objects.bulk_create(
            self.count(
                "criteria",
                [
                    Criterion(call=c, order=o, name=name, scale_min=0, scale_max=3, labels=LABELS)
                    for c in self.calls
                    for o, name in enumerate(CRITERIA, start=1)
                ],
            )
        )
        checklist = ["Обязательные поля", "Таблицы", "Файлы", "Подпись руководителя"]
        automatic = ["required_fields", "tables", "files", ""]
        ChecklistItem.objects.bulk_create(
            self.count(
                "checklist",
                [
                    ChecklistItem(call=c, order=o, text=t, automatic=a)
                    for c in self.calls
                    for o, (t, a) in enumerate(zip(checklist, automatic, strict=True), start=1)
                ],
            )
        )
        S = Application.State
        n = len(self.institutions)
        applications = []
        for call_index, call in enumerate(self.calls):
            closed = call.closes_at < self.now
            past = call.academic_year != current
            per_call = min(self.scale.applications_per_call, n)
            # The first institution (the bench coordinator's) applies to every call.
            chosen = [0] + [1 + (call_index * 7 + k) % (n - 1) for k in range(per_call - 1)] if n > 1 else [0]
            for k, institution_index in enumerate(dict.fromkeys(chosen)):
                institution = self.institutions[institution_index]
                if not closed:
                    state = S.DRAFT if k % 3 == 2 else S.SUBMITTED
                elif not past:
                    state = S.UNDER_EXPERTISE
                elif call.purpose == "status":
                    state = S.AWARDED if k % 4 == 0 else S.NOT_AWARDED
                else:
                    state = S.ADMITTED
                applications.append(
                    Application(
                        call=call,
                        institution=institution,
                        created_by=self.coordinators[institution_index],
                        state=state,
                        state_changed_at=call.closes_at,
                        submitted_at=None if state == S.DRAFT else call.closes_at - dt.timedelta(days=1),
                        theme=f"Формирование функциональной грамотности: практика {institution.short_name}",
                        org_full_name=institution.full_name,
                        org_legal_address=institution.legal_address,
                        org_head=f"директор {institution.head_name}",
                        org_phone=institution.phone,
                        org_email=institution.email,
                        manager_name=self.coordinators[institution_index].full_name,
                        manager_position="заместитель директора по УВР",
                        manager_phone=institution.phone,
                        manager_email=self.coordinators[institution_index].email,
                        practice_url=institution.website,
                        programme_name="Проектная деятельность как средство развития грамотности",
                        goal=self.words.paragraph(300),
                        relevance=self.words.text(900),
                        consumers=self.words.paragraph(200),
                        difficulties=self.words.paragraph(300),
                        immersion=self.words.paragraph(300),
                        hours=36,
                        planned_results=self.words.text(600),
                        ways=self.words.paragraph(300),
                        demand_forecast=self.words.paragraph(200),
                        effectiveness=self.words.paragraph(300),
                        summary=self.words.paragraph(400),
                        speakers=self.coordinators[institution_index].full_name,
                    )
                )
        self.applications = Application.objects.bulk_create(self.count("applications", applications))
        rows = {"experience": [], "staff": [], "sources": [], "roadmap": [], "events": []}
        for a in self.applications:
            rows["experience"] += [
                ExperienceRow(application=a, order=o, project=f"Проект «Читаем вместе» {o}", years="2021–2024",
                              works=self.words.sentence())
                for o in (1, 2)
            ]  # fmt: skip
            rows["staff"] += [
                StaffRow(application=a, order=o, full_name=HEADS[o], position="учитель", works=self.words.sentence())
                for o in (1, 2, 3)
            ]
            rows["sources"] += [
                SourceRow(application=a, order=o, title=f"Методические рекомендации, ч. {o}",
                          annotation=self.words.sentence())
                for o in (1, 2)
            ]  # fmt: skip
            rows["roadmap"] += [
                RoadmapEvent(application=a, section=s, order=1, name=f"Семинар раздела {s}", timeframe="октябрь",
                             audience="педагоги района", planned_result=self.words.sentence())
                for s in (1, 2, 3)
            ]  # fmt: skip
            if a.state != S.DRAFT:
                rows["events"].append(
                    ApplicationEvent(application=a, by=a.created_by, from_state=S.DRAFT, to_state=S.SUBMITTED)
                )
        ExperienceRow.objects.bulk_create(self.count("application table rows", rows["experience"]))
        StaffRow.objects.bulk_create(self.count("application table rows", rows["staff"]))
        SourceRow.objects.bulk_create(self.count("application table rows", rows["sources"]))
        RoadmapEvent.objects.bulk_create(self.count("application table rows", rows["roadmap"]))
        ApplicationEvent.objects.bulk_create(self.count("application events", rows["events"]))
        awards = []
        for a in self.applications:
            if a.state == S.AWARDED:
                start = dt.date(int(a.call.academic_year[5:]), 9, 1)
                awards.append(
                    StatusAward(
                        institution=a.institution,
                        status_kind=a.call.status_kind,
                        theme=a.theme,
                        valid_from=start,
                        valid_to=start.replace(year=start.year + 3) - dt.timedelta(days=1),
                        decision_body="Координационный совет ОО",
                        protocol_number=str(len(awards) + 1),
                        decision_date=a.call.decision_date,
                        application=a,
                        created_by=self.methodist,
                    )
                )
        StatusAward.objects.bulk_create(self.count("status awards", awards))

    # --- expertise -------------------------------------------------------------------------

    def expertise(self, models):
        from applications.models import Application, Criterion

        S = Application.State
        models.ExpertProfile.objects.bulk_create(
            self.count(
                "expert profiles",
                [
                    models.ExpertProfile(
                        user=e, district=self.district, topics="функциональная грамотность", max_load=200
                    )
                    for e in self.experts
                ],
            )  # fmt: skip
        )
        criteria = {}
        for criterion in Criterion.objects.all():
            criteria.setdefault(criterion.call_id, []).append(criterion)
        handed_in = [a for a in self.applications if a.state in Application.HANDED_IN]
        assignments, cursor = [], 0
        experts = self.experts
        for application in handed_in:
            chosen = []
            for _attempt in range(len(experts) * 2):
                expert = experts[cursor % len(experts)]
                cursor += 1
                own = self.expert_institution[expert.pk]
                if expert not in chosen and (own is None or own.pk != application.institution_id):
                    chosen.append(expert)
                if len(chosen) == self.scale.reviews_per_application:
                    break
            decided = application.state not in Application.WAITING_CHECK
            for expert in chosen:
                assignments.append(
                    models.Assignment(
                        application=application,
                        expert=expert,
                        due_date=application.call.expertise_ends,
                        state=models.Assignment.State.COMPLETED if decided else models.Assignment.State.ASSIGNED,
                        assigned_by=self.methodist,
                    )
                )
        assignments = models.Assignment.objects.bulk_create(self.count("assignments", assignments))
        reviews = []
        for assignment in assignments:
            submitted = assignment.state == models.Assignment.State.COMPLETED
            reviews.append(
                models.Review(
                    assignment=assignment,
                    state=models.Review.State.SUBMITTED if submitted else models.Review.State.DRAFT,
                    overall_comment=self.words.paragraph(400) if submitted else "",
                    recommendation=self.rng.choice(list(models.Review.Recommendation.values)) if submitted else "",
                    submitted_at=assignment.application.call.closes_at + dt.timedelta(days=10) if submitted else None,
                )
            )
        reviews = models.Review.objects.bulk_create(self.count("reviews", reviews))
        scores = [
            models.Score(review=r, criterion=c, value=self.rng.randint(0, 3), comment=self.words.sentence())
            for r in reviews
            if r.state == models.Review.State.SUBMITTED
            for c in criteria.get(r.assignment.application.call_id, [])
        ]
        models.Score.objects.bulk_create(self.count("scores", scores))
        # A council a year deciding on that year's status applications; the last one's decisions are
        # recorded but not yet applied, so its page has a form on every agenda row.
        past = [y for y in self.years if y != self.current_year]
        for year in past:
            decided = [a for a in self.applications if a.call.academic_year == year and a.state in Application.DECIDED]
            if not decided:
                continue
            held = year == past[-1]
            meeting = models.CouncilMeeting.objects.create(
                district=self.district,
                kind=models.CouncilMeeting.Kind.EXPERT_COUNCIL,
                number=str(int(year[:4]) - 2000),
                date=decided[0].call.decision_date,
                place="ИМЦ, актовый зал",
                status=models.CouncilMeeting.Status.HELD if held else models.CouncilMeeting.Status.APPLIED,
                applied_by=None if held else self.methodist,
                applied_at=None if held else self.now,
            )
            models.CouncilMember.objects.bulk_create(
                models.CouncilMember(
                    meeting=meeting,
                    order=order,
                    user=user,
                    full_name=user.full_name,
                    role=models.CouncilMember.Role.CHAIR if order == 0 else models.CouncilMember.Role.MEMBER,
                    present=order < 7,
                )
                for order, user in enumerate(self.experts[:9])
            )
            Decision = models.AgendaItem.Decision
            models.AgendaItem.objects.bulk_create(
                self.count(
                    "agenda items",
                    [
                        models.AgendaItem(
                            meeting=meeting,
                            order=o,
                            application=a,
                            decision=Decision.AWARD if a.state == S.AWARDED else Decision.NOT_AWARD,
                            reasons=self.words.sentence(),
                            votes_for=6,
                            votes_against=1,
                        )
                        for o, a in enumerate(decided, start=1)
                    ],
                )
            )
            self.counts["council meetings"] = self.counts.get("council meetings", 0) + 1

    # --- plans -----------------------------------------------------------------------------

    def plans(self):
        from plans import services
        from plans.models import Execution, Plan, PlanAbbreviation, PlanItem, PlanItemOccurrence, PlanSection

        plans = []
        for index in range(self.scale.plans):
            year = self.years[-1 - index % len(self.years)]
            period = services.as_period(year)
            roadmap = index >= len(self.years)
            plans.append(
                Plan(
                    district=self.district,
                    title=("Дорожная карта" if roadmap else "План мероприятий по сопровождению инновационной "
                           "деятельности") + f" на {year} учебный год",
                    kind=Plan.Kind.ROADMAP if roadmap else Plan.Kind.PLAN,
                    period_label=period.label,
                    period_start=period.start,
                    period_end=period.end,
                    status=Plan.Status.PUBLISHED,
                    created_by=self.methodist,
                )
            )  # fmt: skip
        self.plan_objects = Plan.objects.bulk_create(self.count("plans", plans))
        sections = PlanSection.objects.bulk_create(
            self.count(
                "plan sections",
                [
                    PlanSection(plan=p, number=f"{s}.", title=title, order=s)
                    for p in self.plan_objects
                    for s, title in enumerate(SECTIONS[: min(5, self.scale.items_per_plan)], start=1)
                ],
            )
        )
        abbreviations = PlanAbbreviation.objects.bulk_create(
            self.count(
                "plan abbreviations",
                [PlanAbbreviation(plan=p, abbr=a, meaning=m) for p in self.plan_objects for a, m in ABBREVIATIONS],
            )
        )
        by_plan = {}
        for section in sections:
            by_plan.setdefault(section.plan_id, []).append(section)
        items = []
        for plan in self.plan_objects:
            plan_sections = by_plan[plan.pk]
            for k in range(self.scale.items_per_plan):
                section = plan_sections[k * len(plan_sections) // self.scale.items_per_plan]
                host = self.institutions[(k * 13) % len(self.institutions)] if k % 5 == 0 else None
                item = PlanItem(
                    plan=plan,
                    section=section,
                    number=f"{section.number}{k + 1}.",
                    order=k + 1,
                    title=f"Семинар «{self.words.sentence()[:120]}»",
                    timeframe_text=TIMEFRAMES[k % len(TIMEFRAMES)],
                    audience="заместители директоров по УВР, педагоги",
                    organizers_text="ОО, ИМЦ" if k % 2 else "ИМЦ, КС",
                    responsible="Методистова А. С.",
                    expected_result=self.words.sentence(),
                    host_institution=host,
                )
                services.apply_timeframe(item, plan.period_start, plan.period_end)
                items.append(item)
        items = PlanItem.objects.bulk_create(self.count("plan items", items))
        from django.db.models import F

        services.sync_occurrences(items)
        # Past plans were held: every occurrence whose window has ended is marked held on its first day
        # (a bulk update bypassing the door: the bench needs volume, not history).
        PlanItemOccurrence.objects.filter(
            item__plan__in=[p for p in self.plan_objects if p.period_end < self.today], last_day__lt=self.today
        ).update(execution=Execution.HELD, executed_on=F("first_day"), report="Проведено по плану.", participants=25)
        legend = {(a.plan_id, a.abbr): a for a in abbreviations}
        through = PlanItem.organizers.through
        links = [
            through(planitem_id=item.pk, planabbreviation_id=legend[item.plan_id, code].pk)
            for item in items
            for code in services.organizer_codes(item.organizers_text)
            if (item.plan_id, code) in legend
        ]
        through.objects.bulk_create(links)

    # --- ratings ---------------------------------------------------------------------------

    def ratings(self):
        from ratings import services
        from ratings.demo import INDICATORS
        from ratings.models import Indicator, RatingCampaign, RatingCard, RatingEntry

        Status = RatingCampaign.Status
        State = RatingCard.State
        Verification = RatingEntry.Verification
        self.campaigns = []
        for year in self.years:
            first = int(year[:4])
            current = year == self.current_year
            campaign = RatingCampaign.objects.create(
                district=self.district,
                academic_year=year,
                title="Рейтинг инновационной активности",
                data_deadline=aware(dt.date(first + 1, 5, 20), 23, 59),
                verification_starts=dt.date(first + 1, 5, 21),
                verification_ends=dt.date(first + 1, 6, 5),
                interviews_start=dt.date(first + 1, 5, 23),
                interviews_end=dt.date(first + 1, 6, 3),
                separate_groups=True,
                status=Status.VERIFYING if current else Status.PUBLISHED,
                published_at=None if current else aware(dt.date(first + 1, 6, 20)),
            )
            self.campaigns.append(campaign)
            indicators = Indicator.objects.bulk_create(
                [
                    Indicator(
                        campaign=campaign,
                        order=order,
                        code=code,
                        name=name,
                        scoring=scoring,
                        points=Decimal(points),
                        cap=Decimal(cap) if cap is not None else None,
                        source=source,
                        evidence=evidence,
                    )
                    for order, (code, name, scoring, points, cap, source, evidence) in enumerate(INDICATORS, 1)
                ]
            )
            self.count("indicators", indicators)
            cards = RatingCard.objects.bulk_create(
                [
                    RatingCard(
                        campaign=campaign,
                        institution=i,
                        state=State.VERIFIED if not current or k % 2 else State.SUBMITTED,
                        submitted_at=campaign.data_deadline,
                        submitted_by=self.coordinators[k],
                        verified_at=None if current and not k % 2 else campaign.data_deadline,
                    )
                    for k, i in enumerate(self.institutions)
                ]
            )
            self.count("rating cards", cards)
            entries = []
            manual = [i for i in indicators if not i.source]
            for card in cards:
                for indicator in manual:
                    for number in range(self.rng.choice([0, 1, 1, 2, 3])):
                        pending = card.state == State.SUBMITTED
                        verification = Verification.PENDING if pending else Verification.ACCEPTED
                        points = None
                        if not pending:
                            if indicator.scoring == Indicator.Scoring.METHODIST:
                                verification, points = Verification.ADJUSTED, Decimal(self.rng.randint(1, 5))
                            points = services.points_for(indicator, verification, points)
                        entries.append(
                            RatingEntry(
                                card=card,
                                indicator=indicator,
                                title=f"{indicator.name[:80]}: {self.words.sentence()[:200]}",
                                date=dt.date(first, 10, 1) + dt.timedelta(days=self.rng.randint(0, 220)),
                                level="district",
                                link=f"https://imc.bench.example.org/events/{card.institution_id}-{indicator.code}-{number}",
                                verification=verification,
                                points=points,
                            )
                        )
            RatingEntry.objects.bulk_create(self.count("rating entries", entries))
            if not current:
                # The published years' results, as publishing computes them (a handful of queries).
                services.compute(campaign)

    # --- publications ----------------------------------------------------------------------

    def publications(self):
        from publications.models import Article, ArticleAuthor, Collection, Series

        series = Series.objects.create(
            district=self.district, name="Инновационные процессы в системе образования Красносельского района"
        )
        collections = []
        for index in range(self.scale.collections):
            year = self.years[-1 - index % len(self.years)]
            last = (
                index == 0 and self.scale.collections > 1
            )  # the newest: being edited, its book is what the benchmark builds
            collections.append(
                Collection(
                    district=self.district,
                    series=series,
                    title="Инновационные процессы в системе образования Красносельского района",
                    year=int(year[5:]),
                    academic_year=year,
                    requirements="Статья объёмом 4–7 страниц: введение, ход работы, методы, результаты, выводы.",
                    deadline=aware(dt.date(int(year[5:]), 4, 15), 23, 59),
                    editorial_board="Методистова А. С.\nРедакторова В. П.",
                    foreword=self.words.text(1500),
                    publisher="ИМЦ Красносельского района",
                    status=Collection.Status.EDITING if last else Collection.Status.PUBLISHED,
                    published_at=None if last else aware(dt.date(int(year[5:]), 6, 1)),
                )
            )
        self.collections = Collection.objects.bulk_create(self.count("collections", collections))
        for collection in self.collections:
            collection.editors.set([self.editor])
        articles = []
        n = len(self.institutions)
        for collection in self.collections:
            for k in range(self.scale.articles_per_collection):
                institution_index = (k * 11) % n
                # ~10,000 characters of body: an article of about five A4 pages, a book of ~300.
                articles.append(
                    Article(
                        collection=collection,
                        institution=self.institutions[institution_index],
                        submitted_by=self.coordinators[institution_index],
                        title=f"Опыт инновационной площадки: {self.words.sentence()[:150].rstrip('.')}",
                        abstract=self.words.paragraph(400),
                        keywords="функциональная грамотность, проектная деятельность, сетевое взаимодействие",
                        introduction=self.words.html(2000),
                        course_of_work=self.words.html(2300),
                        methods_and_findings=self.words.html(2300),
                        results=self.words.html(2000),
                        conclusions=self.words.html(1200),
                        references="\n".join(f"{r}. Методические рекомендации. — СПб., 202{r}." for r in range(1, 6)),
                        order=k + 1,
                        state=Article.State.ACCEPTED,
                        submitted_at=collection.deadline - dt.timedelta(days=3),
                        accepted_at=collection.deadline + dt.timedelta(days=10),
                        estimated_pages=5,
                    )
                )
        articles = Article.objects.bulk_create(self.count("articles", articles))
        authors = []
        for article in articles:
            for order in range(1 + article.order % 2):
                authors.append(
                    ArticleAuthor(
                        article=article,
                        order=order + 1,
                        full_name=f"{HEADS[(article.order + order) % len(HEADS)]}",
                        position="учитель",
                        institution=article.institution,
                    )
                )
        ArticleAuthor.objects.bulk_create(self.count("article authors", authors))

    def run(self):
        from django.db import transaction

        timings = {}
        with transaction.atomic():
            for name in ("accounts", "competitions", "expertise", "plans", "ratings", "publications"):
                with Timer() as timer:
                    if name == "expertise":
                        models = expertise_models()
                        if models is None:
                            self.counts["reviews"] = "skipped: the expertise app has no models yet"
                        else:
                            self.expertise(models)
                    else:
                        getattr(self, name)()
                timings[name] = round(timer.seconds, 2)
        return timings


def generate(scale_name, force=False):
    """Make the scale's database unless it is already there for the current models; returns its marker."""
    marker = marker_path(scale_name)
    fingerprint = schema_fingerprint()
    if not force and marker.exists():
        known = json.loads(marker.read_text())
        if known.get("fingerprint") == fingerprint:
            return known
    from bench.common import setup_django

    OUT.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    recreate_database(scale_name)
    url = database_url(scale_name)
    # SQLite: the migrated empty schema is kept and copied, so three scales migrate once.
    template = OUT / f"schema-{fingerprint}.sqlite3"
    sqlite_path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
    if sqlite_path and template.exists():
        shutil.copyfile(template, sqlite_path)
    setup_django(scale_name)
    from django.core.management import call_command

    with Timer() as migrate:
        call_command("migrate", verbosity=0, interactive=False)
    if sqlite_path and not template.exists():
        for old in OUT.glob("schema-*.sqlite3"):
            old.unlink()
        shutil.copyfile(sqlite_path, template)
    scale = SCALES[scale_name]
    generator = Generator(scale)
    with Timer() as total:
        timings = generator.run()
    result = {
        "scale": scale_dict(scale),
        "database": database_url(scale_name),
        "fingerprint": fingerprint,
        "migrate_seconds": round(migrate.seconds, 2),
        "generate_seconds": round(total.seconds, 2),
        "step_seconds": timings,
        "counts": generator.counts,
        "expertise": expertise_models() is not None,
        "today": generator.today.isoformat(),
    }
    marker.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--force", action="store_true", help="regenerate even if the data is up to date")
    args = parser.parse_args()
    result = generate(args.scale, force=args.force)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

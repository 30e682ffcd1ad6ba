"""Demo expertise: the expert pool, assignments, reviews in every state, a flagged disagreement,
presentation slots, and councils — one whose decisions are applied (the registry shows it).

Everything goes through the services, and is found again on a second run, so loading twice
changes nothing.
"""

import datetime

from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.services import grant_role
from applications.models import Application

from . import services
from .models import AgendaItem, Assignment, CouncilMeeting, CouncilMember, ExpertProfile, Presentation, Review

Role = RoleAssignment.Role

# (e-mail, full name, position, institution, topics); the first three exist in the accounts demo.
EXPERTS = [
    ("expert@demo.local", "", "", "ГБОУ школа № 375", "исследовательская деятельность, проектная деятельность"),
    ("expert2@demo.local", "", "", "ГБОУ гимназия № 271", "читательская грамотность, функциональная грамотность"),
    ("expert3@demo.local", "", "", "ГБОУ школа № 200", "воспитание, инженерное мышление"),
    (
        "expert4@demo.local",
        "Морозова Татьяна Викторовна",
        "заместитель директора, член экспертного совета",
        "ГБОУ школа № 167",
        "персонализация, цифровое образование, инженерное мышление",
    ),
    (
        "expert5@demo.local",
        "Беляев Андрей Николаевич",
        "директор, член экспертного совета",
        "ГБОУ гимназия № 293",
        "управление качеством, финансовая культура",
    ),
    (
        "expert6@demo.local",
        "Ковалёва Ирина Сергеевна",
        "заведующий, член экспертного совета",
        "ГБДОУ детский сад № 15",
        "дошкольное образование, ребёнка",
    ),
]

# Scores per criterion (3 criteria, 0–3) for the reviews the demo submits.
AGREE = [(3, 3, 2), (3, 2, 3), (2, 3, 3)]
DISAGREE = [(3, 3, 3), (1, 0, 1), (2, 3, 2)]
COMMENTS = [
    "Тема соответствует приоритетам района; программа проработана.",
    "Ресурсов площадки недостаточно для заявленного объёма мероприятий.",
    "Мероприятия обоснованы, но сроки дорожной карты стоит уточнить.",
]
RECOMMENDATIONS = [
    Review.Recommendation.AWARD,
    Review.Recommendation.NOT_AWARD,
    Review.Recommendation.AWARD_AFTER_REVISION,
]


def _experts(district, by_name, users):
    from accounts.demo import DEMO_PASSWORD

    experts = []
    for email, name, position, institution, topics in EXPERTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name, position=position)
        if by_name.get(institution) is not None:
            grant_role(user, Role.EXPERT, district, by_name[institution])
        user.__dict__.pop("role_assignments", None)
        ExpertProfile.objects.get_or_create(user=user, district=district, defaults={"topics": topics, "max_load": 4})
        experts.append(user)
    return experts


def _review(assignment, scores, index, *, submit=True):
    if Review.objects.filter(assignment=assignment).exclude(state=Review.State.DRAFT).exists():
        return
    criteria = list(assignment.application.call.criteria.all())
    values = {c.pk: (scores[i % len(scores)], COMMENTS[(index + i) % len(COMMENTS)]) for i, c in enumerate(criteria)}
    services.save_review(
        assignment,
        by=assignment.expert,
        scores=values,
        overall_comment=COMMENTS[index % len(COMMENTS)],
        recommendation=RECOMMENDATIONS[index % len(RECOMMENDATIONS)] if submit else "",
    )
    if submit:
        services.submit_review(assignment, by=assignment.expert)


# Council members without a portal account (a scientist, a retired head).
GUESTS = [
    ("Соколов Павел Андреевич", "доцент кафедры педагогики, к. п. н.", "РГПУ им. А. И. Герцена"),
    ("Лебедева Нина Ивановна", "почётный работник образования, директор школы в 2001–2019 гг.", ""),
]


def seat(meeting, users, present=()):
    """The council's roster: the methodist chairs, the fifth expert keeps the minutes, two guests sit too."""
    present = set(present)
    chair, secretary = users[-1], users[4]
    rows = []
    for order, user in enumerate(users, start=1):
        name, position, organisation = services.member_details(user)
        role = CouncilMember.Role.CHAIR if user == chair else CouncilMember.Role.MEMBER
        role = CouncilMember.Role.SECRETARY if user == secretary else role
        rows.append(
            CouncilMember(
                meeting=meeting,
                order=order,
                user=user,
                full_name=name,
                position=position,
                organisation=organisation,
                role=role,
                present=user in present,
            )
        )
    for order, (name, position, organisation) in enumerate(GUESTS, start=len(users) + 1):
        rows.append(
            CouncilMember(
                meeting=meeting,
                order=order,
                full_name=name,
                position=position,
                organisation=organisation,
                present=bool(present),
            )
        )
    CouncilMember.objects.bulk_create(rows)


def load(context):
    district = context["district"]
    by_name = context["institution_by_name"]
    users = context["users"]
    methodist = users["methodist"]
    experts = _experts(district, by_name, users)
    calls = context.get("calls") or {}
    base = calls.get("base_site")
    if base is None:
        return
    today = timezone.localdate()
    if not Assignment.objects.filter(application__call=base).exists():
        services.assign_automatically(
            base, per_application=3, cap=3, due_date=today + datetime.timedelta(days=7), by=methodist
        )

    def assignments_of(short_name):
        return list(
            Assignment.objects.filter(application__call=base, application__institution__short_name=short_name)
            .select_related("application__call", "expert")
            .order_by("pk")
        )

    # ГБОУ школа № 54: three submitted reviews far apart — the disagreement flag.
    for index, assignment in enumerate(assignments_of("ГБОУ школа № 54")):
        _review(assignment, DISAGREE[index % 3], index)
    # ГБДОУ детский сад № 26: three agreeing reviews; the council awards it below (reviews then close).
    for index, assignment in enumerate(assignments_of("ГБДОУ детский сад № 26")):
        if assignment.application.state in Application.IN_EXPERTISE:
            _review(assignment, AGREE[index % 3], index)
    # ГБОУ школа № 200: one submitted, one draft, one declined and replaced by a new expert.
    school = assignments_of("ГБОУ школа № 200")
    if len(school) >= 3 and not any(a.state in Assignment.WITHDRAWN for a in school):
        _review(school[0], AGREE[0], 0)
        _review(school[1], AGREE[1], 1, submit=False)
        services.decline(
            school[2], by=school[2].expert, reason="Не смогу провести экспертизу в срок: курсы повышения квалификации."
        )
        services.assign_automatically(
            base, per_application=3, cap=4, due_date=today + datetime.timedelta(days=7), by=methodist
        )

    kindergarten = Application.objects.filter(call=base, institution__short_name="ГБДОУ детский сад № 26").first()
    for offset, name in enumerate(["ГБОУ школа № 54", "ГБДОУ детский сад № 26", "ГБОУ школа № 200"]):
        application = Application.objects.filter(call=base, institution__short_name=name).first()
        if application is not None and not Presentation.objects.filter(application=application).exists():
            starts = timezone.make_aware(
                datetime.datetime.combine(today + datetime.timedelta(days=5), datetime.time(10, 15 * offset))
            )
            services.schedule_presentation(
                application, starts_at=starts, place="ИМЦ Красносельского района, актовый зал", by=methodist
            )

    members = [*experts[:5], methodist]
    applied = CouncilMeeting.objects.filter(
        district=district, kind=CouncilMeeting.Kind.COORDINATION_COUNCIL, number="4"
    ).first()
    if applied is None:
        applied = CouncilMeeting.objects.create(
            district=district,
            kind=CouncilMeeting.Kind.COORDINATION_COUNCIL,
            number="4",
            date=today - datetime.timedelta(days=1),
            place="ИМЦ Красносельского района, каб. 12",
            invited="Представитель отдела образования администрации района",
        )
        seat(applied, members, present=members[:-1])
        if kindergarten is not None:
            services.add_to_agenda(applied, [kindergarten])
            AgendaItem.objects.filter(meeting=applied, application=kindergarten).update(
                decision=AgendaItem.Decision.AWARD,
                reasons="Заявка получила высокие согласованные оценки экспертов; программа соответствует приоритетам района.",
                votes_for=5,
            )
            services.apply_decisions(applied, by=methodist)

    upcoming = CouncilMeeting.objects.filter(
        district=district, kind=CouncilMeeting.Kind.EXPERT_COUNCIL, number="2"
    ).first()
    if upcoming is None:
        upcoming = CouncilMeeting.objects.create(
            district=district,
            kind=CouncilMeeting.Kind.EXPERT_COUNCIL,
            number="2",
            date=today + datetime.timedelta(days=12),
            place="ИМЦ Красносельского района, каб. 12",
        )
        seat(upcoming, members)
        services.add_to_agenda(
            upcoming,
            Application.objects.filter(call=base, state__in=Application.IN_EXPERTISE).order_by(
                "institution__short_name"
            ),
        )
    context["expert_users"] = experts
    context["council_meetings"] = [applied, upcoming]

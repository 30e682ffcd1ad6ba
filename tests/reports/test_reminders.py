"""Each kind of deadline reminds its people once at each offset, as time moves forward."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from applications.models import Application, Call, Extension
from notifications.models import Notification, ReminderSetting
from notifications.reminders import send_reminders
from publications.models import Article
from ratings.models import RatingCampaign, RatingCard
from tests.applications.factories import ApplicationFactory, AwardFactory, CallFactory, StatusKindFactory
from tests.plans.factories import make_item, make_plan, make_section
from tests.publications.factories import ArticleFactory, CollectionFactory
from tests.ratings.factories import CampaignFactory, CardFactory

MSK = ZoneInfo("Europe/Moscow")
DUE = datetime(2027, 4, 28, 18, 0, tzinfo=MSK)
WEEK_BEFORE, DAY_BEFORE, DAY_AFTER = DUE - timedelta(days=7), DUE - timedelta(days=1), DUE + timedelta(days=1)


def run(timeline, capture):
    """Run the hourly beat at each moment; return how many reminders each run created."""
    created = []
    for moment in timeline:
        with capture(execute=True):
            created.append(send_reminders(now=moment))
    return created


def keys_of(user):
    return sorted(Notification.objects.filter(user=user).values_list("key", flat=True))


def recipients():
    return sorted(address for letter in mail.outbox for address in letter.to)


TIMELINE = [
    DUE - timedelta(days=8),
    WEEK_BEFORE,
    WEEK_BEFORE + timedelta(hours=1),
    DUE - timedelta(days=3),
    DAY_BEFORE,
    DUE - timedelta(hours=2),
    DAY_AFTER,
    DUE + timedelta(days=5),
]
DEFAULT_COUNTS = [0, 1, 0, 0, 1, 0, 1, 0]


def status_call(world, **kwargs):
    kwargs.setdefault("technical_check_date", DUE.date() + timedelta(days=1))  # stages in order (issue 14)
    return CallFactory(
        district=world.district, closes_at=DUE, opens_at=DUE - timedelta(days=60), title="Конкурс РСП", **kwargs
    )


def test_call_closing_reminds_eligible_institutions_that_have_not_submitted(world, django_capture_on_commit_callbacks):
    call = status_call(world)
    submitted = ApplicationFactory(call=call, institution=world.other_institution)
    Application.objects.filter(pk=submitted.pk).update(state=Application.State.SUBMITTED)
    assert run(TIMELINE, django_capture_on_commit_callbacks) == DEFAULT_COUNTS
    prefix = f"reminder:call:{call.pk}:institution:{world.institution.pk}"
    assert keys_of(world.users.coordinator) == [f"{prefix}:-1", f"{prefix}:1", f"{prefix}:7"]
    assert not keys_of(world.users.other_coordinator)
    assert recipients() == ["coordinator@example.org"] * 3
    letter = mail.outbox[0]
    assert letter.subject == "Приём заявок на конкурс «Конкурс РСП» заканчивается 28 апреля 2027, 18:00"
    assert "заканчивается 28 апреля 2027, 18:00 (через 7 дней)" in letter.body
    assert f"http://127.0.0.1:8000/competitions/calls/{call.pk}/" in letter.body


def test_a_draft_does_not_stop_the_reminder_but_an_extension_moves_it(world, django_capture_on_commit_callbacks):
    call = status_call(world)
    ApplicationFactory(call=call, institution=world.institution)  # a draft is not handed in
    Extension.objects.create(call=call, institution=world.other_institution, until=DUE + timedelta(days=3))
    run([WEEK_BEFORE, DUE + timedelta(days=2)], django_capture_on_commit_callbacks)
    prefix = f"reminder:call:{call.pk}:institution:{world.institution.pk}"
    assert keys_of(world.users.coordinator) == [f"{prefix}:-1", f"{prefix}:7"]
    assert keys_of(world.users.other_coordinator) == [
        f"reminder:call:{call.pk}:institution:{world.other_institution.pk}:until:202705011800:1"
    ]


def test_a_call_with_its_own_offsets_reminds_earlier(world, django_capture_on_commit_callbacks):
    status_call(world, reminder_offsets="30, 14")
    created = run([DUE - timedelta(days=30), DUE - timedelta(days=14), WEEK_BEFORE], django_capture_on_commit_callbacks)
    assert created == [2, 2, 0]  # both coordinators, at 30 and 14 days only


def test_annual_reports_remind_current_sites_only(world, django_capture_on_commit_callbacks):
    kind = StatusKindFactory(name="Районная базовая площадка", short_name="РБП")
    AwardFactory(
        institution=world.institution, status_kind=kind, valid_from=date(2025, 9, 1), valid_to=date(2028, 8, 31)
    )
    call = CallFactory(
        district=world.district,
        purpose=Call.Purpose.ANNUAL_REPORT,
        form=Call.Form.ANNUAL_REPORT,
        status_kind=kind,
        closes_at=DUE,
        opens_at=DUE - timedelta(days=60),
        title="Ежегодные отчёты базовых площадок",
    )
    assert run(TIMELINE, django_capture_on_commit_callbacks) == DEFAULT_COUNTS
    assert Notification.objects.filter(kind="reminder.annual_report").count() == 3
    assert not keys_of(world.users.other_coordinator)
    assert (
        mail.outbox[0].subject
        == "Ежегодный отчёт площадки «Ежегодные отчёты базовых площадок»: срок 28 апреля 2027, 18:00"
    )
    assert all(key.startswith(f"reminder:call:{call.pk}:") for key in keys_of(world.users.coordinator))


def test_a_returned_application_reminds_of_its_fix_by_date(world, django_capture_on_commit_callbacks):
    call = status_call(world)
    application = ApplicationFactory(call=call, institution=world.institution)
    Application.objects.filter(pk=application.pk).update(state=Application.State.RETURNED, fix_by=date(2027, 5, 10))
    end_of_day = datetime(2027, 5, 10, 23, 59, 59, 999999, tzinfo=MSK)
    timeline = [end_of_day - timedelta(days=7), end_of_day - timedelta(days=1), end_of_day + timedelta(days=1)]
    run(timeline, django_capture_on_commit_callbacks)
    fix_keys = [k for k in keys_of(world.users.coordinator) if ":fix_by:" in k]
    assert fix_keys == [f"reminder:application:{application.pk}:fix_by:20270510:{o}" for o in ("-1", "1", "7")]
    fix_letters = [m for m in mail.outbox if m.subject.startswith("Доработайте заявку")]
    assert len(fix_letters) == 3 and "подайте снова до 10 мая 2027, 23:59 (через 7 дней)" in fix_letters[0].body


def test_the_rating_deadline_reminds_institutions_whose_card_is_not_submitted(
    world, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(
        district=world.district, academic_year="2026/2027", data_deadline=DUE, status=RatingCampaign.Status.COLLECTING
    )
    CardFactory(campaign=campaign, institution=world.other_institution, state=RatingCard.State.SUBMITTED)
    assert run(TIMELINE, django_capture_on_commit_callbacks) == DEFAULT_COUNTS
    assert keys_of(world.users.coordinator)[0].startswith(f"reminder:rating:{campaign.pk}:institution:")
    assert not keys_of(world.users.other_coordinator)
    assert mail.outbox[0].subject.startswith("Данные для рейтинга «Рейтинг инновационной активности ")


def test_a_campaign_and_a_district_set_their_own_offsets(world, django_capture_on_commit_callbacks):
    ReminderSetting.objects.create(district=world.district, kind="rating_data", offsets="10")
    campaign = CampaignFactory(district=world.district, data_deadline=DUE, status=RatingCampaign.Status.COLLECTING)
    assert run([DUE - timedelta(days=10), WEEK_BEFORE], django_capture_on_commit_callbacks) == [2, 0]
    RatingCampaign.objects.filter(pk=campaign.pk).update(reminder_offsets="3")
    assert run([DUE - timedelta(days=3)], django_capture_on_commit_callbacks) == [2]


def test_the_article_deadline_reminds_authors_of_drafts(world, django_capture_on_commit_callbacks):
    collection = CollectionFactory(district=world.district, deadline=DUE, title="Инновационные процессы")
    ArticleFactory(collection=collection, institution=world.institution)  # a draft
    ArticleFactory(collection=collection, institution=world.institution)  # a second draft: still one reminder
    ArticleFactory(collection=collection, institution=world.other_institution, state=Article.State.SUBMITTED)
    assert run(TIMELINE, django_capture_on_commit_callbacks) == DEFAULT_COUNTS
    assert not keys_of(world.users.other_coordinator)
    assert mail.outbox[0].subject == "Статьи в сборник «Инновационные процессы» принимаются до 28 апреля 2027, 18:00"


def test_an_event_hosted_by_an_institution_reminds_its_coordinators_before_only(
    world, django_capture_on_commit_callbacks
):
    plan = make_plan(world.district, period="2027/2028", title="План мероприятий на 2027/2028 учебный год")
    item = make_item(make_section(plan), title="Открытый семинар", timeframe="15.10.2027", host=world.institution)
    make_item(plan.sections.get(), title="Семинар без даты", timeframe="октябрь", host=world.institution)
    day = datetime(2027, 10, 15, 9, 0, tzinfo=MSK)
    timeline = [day - timedelta(days=8), day - timedelta(days=7), day - timedelta(days=1), day + timedelta(days=1)]
    assert run(timeline, django_capture_on_commit_callbacks) == [0, 1, 1, 0]
    assert keys_of(world.users.coordinator) == [
        f"reminder:plan_item:{item.pk}:20271015:1",
        f"reminder:plan_item:{item.pk}:20271015:7",
    ]
    assert mail.outbox[0].subject.startswith("Мероприятие на базе ")
    assert "15 октября 2027" in mail.outbox[0].subject


def test_running_the_beat_again_sends_nothing_twice(world, django_capture_on_commit_callbacks):
    status_call(world)
    CampaignFactory(district=world.district, data_deadline=DUE, status=RatingCampaign.Status.COLLECTING)
    first = run([DAY_BEFORE], django_capture_on_commit_callbacks)
    again = run([DAY_BEFORE, DAY_BEFORE + timedelta(hours=1)], django_capture_on_commit_callbacks)
    assert first == [4] and again == [0, 0]
    assert len(mail.outbox) == 4


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_each_reminder_once(world):
    # One reminder due (the other school has handed in): SQLite's shared in-memory test
    # database locks whole tables, so more writers would fail there for reasons of its own.
    call = status_call(world)
    submitted = ApplicationFactory(call=call, institution=world.other_institution)
    Application.objects.filter(pk=submitted.pk).update(state=Application.State.SUBMITTED)

    def beat():
        try:
            return send_reminders(now=DAY_BEFORE)
        finally:
            connection.close()

    # On PostgreSQL the two beats really overlap. SQLite's shared in-memory test database
    # refuses a second writer at once ("table is locked") instead of waiting, so there they
    # run one after the other: the second must still find every reminder already claimed.
    with ThreadPoolExecutor(max_workers=1 if connection.vendor == "sqlite" else 2) as pool:
        results = list(pool.map(lambda _: beat(), range(2)))
    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(kind__startswith="reminder.").count() == 1


def test_sources_read_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from tests.factories import InstitutionFactory

    for number in range(10):
        institution = InstitutionFactory(district=world.district, number=str(number), short_name=f"Школа № {number}")
        status_call(world)
        CollectionFactory(district=world.district, deadline=DUE)
        ArticleFactory(collection=CollectionFactory(district=world.district, deadline=DUE), institution=institution)
    from notifications import reminders

    with django_assert_max_num_queries(20):
        deadlines = [d for source in reminders._sources for d in source(DAY_BEFORE)]
    assert len(deadlines) >= 10 * 2


def test_offsets_are_validated_on_calls_campaigns_and_collections(world):
    campaign = CampaignFactory(district=world.district, reminder_offsets="семь")
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "Укажите целые числа дней через запятую" in str(error.value)
    call = status_call(world, reminder_offsets="7, 1")
    call.full_clean()
    collection = CollectionFactory(district=world.district, reminder_offsets="400")
    with pytest.raises(ValidationError):
        collection.full_clean()


def test_methodists_set_offsets_in_the_back_office(client, world):
    client.force_login(world.users.methodist)
    call = status_call(world)
    campaign = CampaignFactory(district=world.district)
    for url in (
        reverse("admin:applications_call_change", args=[call.pk]),
        reverse("admin:ratings_ratingcampaign_change", args=[campaign.pk]),
    ):
        page = client.get(url).content.decode()
        assert 'name="reminder_offsets"' in page and "Дни напоминаний" in page

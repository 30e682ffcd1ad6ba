"""The results of a call: ranking arithmetic by hand, flags, progress, the page and the XLSX."""

import datetime
from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, Call, Criterion
from expertise import results, selectors, services
from expertise.models import ExpertiseClosure
from tests.factories import InstitutionFactory

from .factories import application_in_expertise, assign, expert, expertise_call, scores_of

D = Decimal


def _reviewed(world, call, rows, institution=None):
    application = application_in_expertise(world, call=call, institution=institution)
    for values in rows:
        person = expert(world)
        assignment = assign(application, person)
        services.save_review(
            assignment, by=person, scores=scores_of(application, values, "довод"), recommendation="award"
        )
        services.submit_review(assignment, by=person)
    return application


def _call(world):
    call = expertise_call(world, disagreement_threshold=2)
    for criterion, weight in zip(call.criteria.all(), ("2", "1", "0.5"), strict=True):
        Criterion.objects.filter(pk=criterion.pk).update(weight=weight)
    return call


def _three(world, call):
    """Three applications of a call, totals worked out by hand (weights 2, 1, 0.5)."""
    # 3·2+2+2·0.5 = 9; 1·2+1+0 = 3; 2·2+3+2·0.5 = 8 → mean 20/3 = 6.67, median 8, spread 6,
    # sample std √(((9−20/3)² + (3−20/3)² + (8−20/3)²) / 2) = √(62/6) = 3.21.
    split = _reviewed(world, call, [(3, 2, 2), (1, 1, 0), (2, 3, 2)])
    # One review of two: 3·2+3+3·0.5 = 10.5, the second expert has only a draft.
    single = _reviewed(world, call, [(3, 3, 3)], InstitutionFactory(district=world.district))
    draft_expert = expert(world)
    services.save_review(assign(single, draft_expert), by=draft_expert, scores=scores_of(single, [0, 0, 0]))
    # 2·2+2+2·0.5 = 7 and 2·2+2+1·0.5 = 6.5 → mean = median = 6.75, spread 0.5 (under the
    # threshold), std √(2 · 0.25²) = 0.35.
    close = _reviewed(world, call, [(2, 2, 2), (2, 2, 1)], InstitutionFactory(district=world.district))
    return split, single, close


def _table(rows):
    return [(r.rank, r.application.pk, r.total, r.spread, r.std, r.disagreement) for r in rows]


def test_ranking_arithmetic_by_hand(world):
    call = _call(world)
    split, single, close = _three(world, call)
    found = selectors.call_results(call)
    # The application scored by 1 of 2 experts is not ranked with the complete ones.
    assert _table(found.rows) == [
        (1, close.pk, D("6.75"), D("0.50"), D("0.35"), False),
        (2, split.pk, D("6.67"), D("6.00"), D("3.21"), True),
    ]
    assert _table(found.incomplete) == [(None, single.pk, D("10.50"), D("0.00"), None, False)]
    assert (found.incomplete[0].counted, found.incomplete[0].expected) == (1, 2)
    split_row = found.rows[1]
    assert split_row.totals == [D("9"), D("3"), D("8")]
    assert split_row.criteria_values == [(D("2.00"), D("2.00")), (D("2.00"), D("2.00")), (D("1.33"), D("2.00"))]
    assert [r.application.pk for r in found.flagged] == [split.pk]
    assert (found.done, found.assigned) == (6, 7)


def test_the_median_of_the_experts_totals_changes_the_order(world):
    call = _call(world)
    Call.objects.filter(pk=call.pk).update(aggregation=Call.Aggregation.MEDIAN)
    call.refresh_from_db()
    split, single, close = _three(world, call)
    found = selectors.call_results(call)
    assert _table(found.rows) == [
        (1, split.pk, D("8.00"), D("6.00"), D("3.21"), True),
        (2, close.pk, D("6.75"), D("0.50"), D("0.35"), False),
    ]


def test_the_disagreement_flag_follows_the_calls_threshold(world):
    call = _call(world)
    Call.objects.filter(pk=call.pk).update(disagreement_threshold=D("6"))
    call.refresh_from_db()
    _three(world, call)
    # A spread of exactly 6 is not more than the threshold of 6.
    assert selectors.call_results(call).flagged == []


def test_closing_the_expertise_ranks_the_incomplete_with_what_they_have(world, login):
    call = _call(world)
    split, single, close = _three(world, call)
    client = login(world.users.methodist)
    url = reverse("expertise:results", args=[call.pk])
    page = client.get(url).content.decode()
    assert "оценена 1 из 2 экспертов" in page and 'id="incomplete"' in page
    # Closing needs a reason; what was typed stays.
    response = client.post(reverse("expertise:close_expertise", args=[call.pk]), {"reason": "  "})
    assert response.status_code == 200 and "Обязательное поле" in response.content.decode()
    assert not ExpertiseClosure.objects.filter(call=call).exists()
    response = client.post(
        reverse("expertise:close_expertise", args=[call.pk]), {"reason": "Эксперт заболел, совет 30 мая"}
    )
    assert response.status_code == 302
    closure = ExpertiseClosure.objects.get(call=call)
    assert (closure.closed_by, closure.reason) == (world.users.methodist, "Эксперт заболел, совет 30 мая")
    found = selectors.call_results(call)
    assert [(r.rank, r.application.pk) for r in found.rows] == [(1, single.pk), (2, close.pk), (3, split.pk)]
    assert found.incomplete == []
    page = client.get(url).content.decode()
    assert "Экспертиза закрыта" in page and "Эксперт заболел, совет 30 мая" in page
    # The draft expert can no longer change the review.
    draft = single.assignments.get(state="accepted")
    refusal = services.edit_refusal(draft)
    assert refusal and "закрыл экспертизу" in refusal


def test_the_district_office_cannot_close_the_expertise(world, login):
    call = _call(world)
    response = login(world.users.district_office).post(
        reverse("expertise:close_expertise", args=[call.pk]), {"reason": "так надо"}
    )
    assert response.status_code == 403
    assert not ExpertiseClosure.objects.exists()


def test_equal_totals_share_a_place_and_unscored_come_last():
    rows = [
        results.row_for(key, {1: D(1)}, reviews, 2)
        for key, reviews in (("a", [{1: 2}]), ("b", []), ("c", [{1: 2}]), ("d", [{1: 3}]))
    ]
    assert [(r.key, r.rank) for r in results.rank(rows)] == [("d", 1), ("a", 2), ("c", 2), ("b", None)]


def test_an_unscored_optional_criterion_counts_zero():
    assert results.expert_total({1: D(2), 2: D(1)}, {1: 3}) == D(6)


def test_overdue_reviews_are_listed(world):
    call = expertise_call(world)
    assignment = assign(application_in_expertise(world, call=call), world.users.expert, days=-1)
    found = selectors.call_results(call)
    assert found.overdue == [assignment]


def test_the_results_page_shows_the_ranking_and_the_flag(world, login):
    call = _call(world)
    _reviewed(world, call, [(3, 3, 3), (0, 0, 0)])
    assign(
        application_in_expertise(world, call=call, institution=InstitutionFactory(district=world.district)),
        world.users.expert,
        days=-2,
    )
    body = login(world.users.district_office).get(reverse("expertise:results", args=[call.pk])).content.decode()
    assert 'data-flag="disagreement"' in body and "расхождение экспертов" in body
    assert "2 из 3" in body
    assert "Просроченные экспертизы" in body


def test_the_xlsx_has_every_review_in_full(world, login):
    call = _call(world)
    application = _reviewed(world, call, [(3, 2, 2), (1, 1, 0)])
    response = login(world.users.methodist).get(reverse("expertise:results_xlsx", args=[call.pk]))
    book = load_workbook(BytesIO(response.content))
    ranking, reviews = book.worksheets
    assert ranking.title == "Рейтинг" and reviews.title == "Экспертизы"
    assert [c.value for c in ranking[2]][:6] == [1, "ГБОУ лицей № 590", application.theme, "на экспертизе", 2, 6]
    header = [c.value for c in reviews[1]]
    assert "Актуальность: балл" in header and "Актуальность: комментарий" in header
    lines = [[c.value for c in row] for row in reviews.iter_rows(min_row=2)]
    assert len(lines) == 2
    assert lines[0][4] == 9.0 and lines[0][5] == 3 and lines[0][6] == "довод"
    assert lines[0][-2:] == ["присвоить статус", None]


def test_the_expertise_end_is_a_date_the_methodist_sets(world, login):
    call = expertise_call(world)
    end = timezone.localdate() + datetime.timedelta(days=30)  # after the technical check (call_for: in 11 days)
    response = login(world.users.methodist).post(
        reverse("expertise:call_settings", args=[call.pk]),
        {"blind": "on", "aggregation": "median", "disagreement_threshold": "1.5", "expertise_ends": end.isoformat()},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.blind, call.reviews_hidden_until_submitted, call.disagreement_threshold, call.expertise_ends) == (
        True,
        False,
        D("1.5"),
        end,
    )
    assert call.aggregation == Call.Aggregation.MEDIAN


def test_a_decided_application_waits_for_no_review(world):
    call = _call(world)
    decided = application_in_expertise(world, call=call, state=Application.State.AWARDED)
    waiting = application_in_expertise(world, call=call, institution=InstitutionFactory(district=world.district))
    found = selectors.call_results(call)
    assert [(r.application.pk, r.rank) for r in found.rows] == [(decided.pk, None)]
    assert [r.application.pk for r in found.incomplete] == [waiting.pk]

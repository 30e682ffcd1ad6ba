"""The methodist reads the results with the incomplete applications apart and types in a paper score sheet."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from expertise import selectors
from expertise.models import Assignment, Review

pytestmark = pytest.mark.browser


def test_methodist_enters_a_paper_sheet_and_the_application_joins_the_ranking(demo, visit):
    today = timezone.localdate()
    candidates = Assignment.objects.filter(
        state__in=Assignment.OPEN,
        application__state__in=Application.IN_EXPERTISE,
        application__call__expertise_ends__gte=today,
        application__call__district__slug="krasnoselsky",
    ).select_related("application__call", "application__institution", "expert")
    # An application still waiting for reviews: the experts handed in paper sheets.
    assignment = candidates.order_by("pk").first()
    application, call = assignment.application, assignment.application.call
    open_ones = list(application.assignments.filter(state__in=Assignment.OPEN).select_related("expert").order_by("pk"))
    assert selectors.call_results(call).row_of(application.pk) in selectors.call_results(call).incomplete

    methodist = visit("methodist@demo.local")
    page = methodist.go(f"/expertise/calls/{call.pk}/results/")
    expect(page.locator("#incomplete")).to_contain_text(str(application.institution))
    expect(page.locator("#incomplete")).to_contain_text("оценена")
    methodist.shot("results-incomplete-apart")

    for number, sheet in enumerate(open_ones):
        page = methodist.go(f"/expertise/calls/{call.pk}/")
        page.locator(f"a[href='/expertise/assignments/{sheet.pk}/paper/']").click()
        expect(page.get_by_role("heading", name=f"Бумажный экспертный лист: {sheet.expert}")).to_be_visible()
        for criterion in call.criteria.all():
            page.locator(f"input[name='score_{criterion.pk}'][value='2']").check()
        page.select_option("select[name=recommendation]", "award")
        if number == 0:
            methodist.shot("paper-sheet")
        page.get_by_role("button", name="Внести и отправить за эксперта").click()
        page.wait_for_url(f"**/expertise/applications/{application.pk}/")
    expect(page.locator(".paper-entry").first).to_contain_text("Внесено с бумажного экспертного листа")
    methodist.shot("application-with-paper-review")

    for sheet in open_ones:
        review = Review.objects.get(assignment=sheet)
        assert (review.state, review.entered_by.email) == ("submitted", "methodist@demo.local")
    page = methodist.go(f"/expertise/calls/{call.pk}/results/")
    expect(page.locator("#ranking")).to_contain_text(str(application.institution))
    methodist.shot("results-ranked")

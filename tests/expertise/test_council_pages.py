# ruff: noqa: F811 - the `session` fixture is imported and then asked for by name
"""The council page decides a long agenda a page at a time, and no save replaces a newer one unnoticed."""

import pytest
from django.urls import reverse

from expertise import services
from expertise.models import AgendaItem
from expertise.views import councils

from .test_councils import session  # noqa: F401 - the fixture


@pytest.fixture
def short_pages(monkeypatch):
    monkeypatch.setattr(councils, "AGENDA_PAGE", 2)


def _form_data(response):
    """What the page's decisions form sends as shown (its rows, their digests, the page)."""
    formset = response.context["formset"]
    data = {"form-TOTAL_FORMS": str(len(formset.forms)), "form-INITIAL_FORMS": str(len(formset.forms))}
    data["page"] = str(response.context["page"].number)
    for index, form in enumerate(formset.forms):
        item = form.instance
        data.update(
            {
                f"form-{index}-id": item.pk,
                f"form-{index}-seen": form["seen"].value(),
                f"form-{index}-decision": item.decision,
                f"form-{index}-reasons": item.reasons,
                f"form-{index}-votes_for": item.votes_for,
                f"form-{index}-votes_against": item.votes_against,
                f"form-{index}-votes_abstained": item.votes_abstained,
            }
        )
    return data


def test_the_agenda_is_decided_a_page_at_a_time(world, login, session, short_pages):
    council = session[1]
    client = login(world.users.methodist)
    url = reverse("expertise:council", args=[council.pk])
    first = client.get(url)
    assert len(first.context["formset"].forms) == 2
    second = client.get(url + "?page=2")
    assert len(second.context["formset"].forms) == 1
    assert "Вопросы 3–3 из 3" in second.content.decode()
    data = _form_data(second)
    data.update({"form-0-decision": "not_award", "form-0-reasons": "Мало ресурсов", "form-0-votes_for": 2})
    response = client.post(reverse("expertise:council_decisions", args=[council.pk]), data)
    assert response.status_code == 302 and response.url.endswith("?page=2")
    items = list(AgendaItem.objects.filter(meeting=council).order_by("order", "pk"))
    assert [item.decision for item in items] == ["", "", "not_award"]


def test_the_council_page_reads_the_same_at_one_row_and_a_full_page(
    world,
    login,
    session,
    short_pages,
    django_assert_num_queries,
):
    council = session[1]
    client = login(world.users.methodist)
    url = reverse("expertise:council", args=[council.pk])
    client.get(url)
    with django_assert_num_queries(16) as full:
        client.get(url)
    with django_assert_num_queries(len(full)):
        client.get(url + "?page=2")


def test_a_row_saved_meanwhile_is_not_overwritten(world, login, session):
    council = session[1]
    client = login(world.users.methodist)
    shown = client.get(reverse("expertise:council", args=[council.pk]))
    data = _form_data(shown)
    # Someone else records the first row's decision after the page was shown.
    theirs = shown.context["formset"].forms[0].instance
    AgendaItem.objects.filter(pk=theirs.pk).update(decision="award", reasons="Решение коллеги", votes_for=2)
    data.update({"form-0-decision": "not_award", "form-0-reasons": "Моё решение", "form-0-votes_for": 2})
    response = client.post(reverse("expertise:council_decisions", args=[council.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "сохранил это решение после того" in page and "Моё решение" in page
    theirs.refresh_from_db()
    assert (theirs.decision, theirs.reasons) == ("award", "Решение коллеги")
    # Sent again (the page now knows their decision): it replaces it knowingly.
    form = response.context["formset"].forms[0]
    data["form-0-seen"] = form["seen"].value()
    assert data["form-0-seen"] == services.decision_fingerprint(theirs)
    assert client.post(reverse("expertise:council_decisions", args=[council.pk]), data).status_code == 302
    theirs.refresh_from_db()
    assert (theirs.decision, theirs.reasons) == ("not_award", "Моё решение")


def test_a_row_left_as_shown_keeps_the_newer_save(world, login, session):
    council = session[1]
    client = login(world.users.methodist)
    shown = client.get(reverse("expertise:council", args=[council.pk]))
    data = _form_data(shown)
    forms = shown.context["formset"].forms
    theirs, mine = forms[0].instance, forms[1].instance
    AgendaItem.objects.filter(pk=theirs.pk).update(decision="award", reasons="Решение коллеги", votes_for=2)
    data.update({"form-1-decision": "not_award", "form-1-reasons": "Моё решение", "form-1-votes_for": 2})
    assert client.post(reverse("expertise:council_decisions", args=[council.pk]), data).status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.decision, theirs.reasons) == ("award", "Решение коллеги")
    assert (mine.decision, mine.reasons) == ("not_award", "Моё решение")

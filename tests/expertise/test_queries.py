"""Every list page makes the same number of queries at 1 and at 25 rows."""

import pytest
from django.urls import reverse

from expertise import services
from tests.factories import InstitutionFactory

from .factories import application_in_expertise, assign, expert, expertise_call, meeting, scores_of


def _applications(world, rows, call=None):
    call = call or expertise_call(world)
    made = []
    for index in range(rows):
        institution = world.institution if index == 0 else InstitutionFactory(district=world.district)
        made.append(application_in_expertise(world, call=call, institution=institution))
    return call, made


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_my_assignments(world, login, django_assert_num_queries, rows):
    _call, applications = _applications(world, rows)
    for application in applications:
        assign(application, world.users.expert)
    client = login(world.users.expert)
    with django_assert_num_queries(5):
        assert client.get(reverse("expertise:mine")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_the_results(world, login, django_assert_num_queries, rows):
    call, applications = _applications(world, rows)
    people = [expert(world), expert(world)]
    for application in applications:
        for person in people:
            assignment = assign(application, person)
            services.save_review(
                assignment, by=person, scores=scores_of(application, [1, 2, 3]), recommendation="award"
            )
            services.submit_review(assignment, by=person)
    client = login(world.users.methodist)
    with django_assert_num_queries(9):
        assert client.get(reverse("expertise:results", args=[call.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_the_assignment_page(world, login, django_assert_num_queries, rows):
    call, applications = _applications(world, rows)
    for application in applications:
        assign(application, world.users.expert)
    client = login(world.users.methodist)
    with django_assert_num_queries(12):
        assert client.get(reverse("expertise:call", args=[call.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_the_calls(world, login, django_assert_num_queries, rows):
    for _ in range(rows):
        _applications(world, 1)
    client = login(world.users.methodist)
    with django_assert_num_queries(5):
        assert client.get(reverse("expertise:calls")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_the_councils(world, login, django_assert_num_queries, rows):
    for index in range(rows):
        meeting(world, number=str(index + 1), chair=world.users.methodist, members=["Соколов Павел Андреевич"])
    client = login(world.users.methodist)
    with django_assert_num_queries(6):
        assert client.get(reverse("expertise:councils")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_a_council(world, login, django_assert_num_queries, rows):
    call, applications = _applications(world, rows)
    # Members present: every agenda row offers them as «abstain for a conflict of interest».
    people = [world.users.methodist, "Соколов Павел Андреевич", "Орлова Мария Ильинична"]
    council = meeting(world, chair=world.users.methodist, members=people, present=people)
    services.add_to_agenda(council, applications)
    client = login(world.users.methodist)
    # Members with accounts: their conflicts of interest are read too (two queries, once).
    # One more than before pages: the count of the agenda for its pages.
    with django_assert_num_queries(16):
        response = client.get(reverse("expertise:council", args=[council.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Соколов Павел Андреевич") >= rows


@pytest.mark.parametrize("rows", [1, 25])
def test_queries_of_a_council_form_do_not_grow_with_its_members(world, login, django_assert_num_queries, rows):
    council = meeting(world, members=[f"Член совета {index}" for index in range(rows)])
    client = login(world.users.methodist)
    with django_assert_num_queries(9):
        response = client.get(reverse("expertise:council_edit", args=[council.pk]))
    assert response.status_code == 200
    assert f"Член совета {rows - 1}" in response.content.decode()


@pytest.mark.parametrize("calls", [1, 8])
def test_queries_of_a_council_do_not_grow_with_the_calls_on_its_agenda(world, login, django_assert_num_queries, calls):
    applications = []
    for _ in range(calls):
        applications += _applications(world, 2)[1]
    council = meeting(world)
    services.add_to_agenda(council, applications)
    client = login(world.users.methodist)
    with django_assert_num_queries(14):  # the agenda is counted for its pages
        assert client.get(reverse("expertise:council", args=[council.pk])).status_code == 200


@pytest.mark.parametrize("others", [1, 3])
def test_queries_of_the_review_page_do_not_grow_with_the_other_reviews(world, login, django_assert_num_queries, others):
    _call, (application,) = _applications(world, 1)
    for person in [expert(world) for _ in range(others)]:
        assignment = assign(application, person)
        services.save_review(assignment, by=person, scores=scores_of(application, [1, 2, 3]), recommendation="award")
        services.submit_review(assignment, by=person)
    own = assign(application, world.users.expert)
    services.save_review(own, by=world.users.expert, scores=scores_of(application, [3, 2, 1]), recommendation="award")
    services.submit_review(own, by=world.users.expert)
    client = login(world.users.expert)
    # The session, the user, their roles, the bell; the assignment with its application, the
    # document's seven tables, the criteria, the reviews and their scores, and (a submitted review
    # may still be changed) whether the call's expertise is closed.
    with django_assert_num_queries(16):
        response = client.get(reverse("expertise:review", args=[own.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="border-top pt-2 mt-2 other-review"') == others

"""The last minute before a deadline: many institutions submit to one call at once.

Each thread has its own database connection, as the portal's workers do. On PostgreSQL (CI)
200 submissions race, 50 at a time (the connection pool of a real deployment, and under the
server's connection limit). The in-memory SQLite test database refuses a second writer at
once ("table is locked") instead of waiting, so there the same submissions, double clicks and
late arrivals run one at a time: the invariants still hold: nothing lost, nothing duplicated,
nothing late accepted.
"""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationEvent
from innovation_portal.workflow import TransitionError
from tests.applications.factories import CallFactory, fill_complete
from tests.factories import InstitutionFactory, Role, UserFactory, with_role

State = Application.State


def scale():
    """(submissions, threads) for this database."""
    return (200, 50) if connection.vendor == "postgresql" else (40, 1)


def race(jobs, threads):
    """Run `jobs` (callables) on `threads` threads released together; returns {index: result or error}."""
    results = {}
    gate = threading.Barrier(threads)
    lock = threading.Lock()
    queues = [jobs[i::threads] for i in range(threads)]
    offsets = [list(range(len(jobs)))[i::threads] for i in range(threads)]

    def worker(queue, indices):
        try:
            gate.wait()
            for index, job in zip(indices, queue, strict=True):
                try:
                    outcome = job()
                except Exception as error:  # noqa: BLE001 - every outcome is recorded and asserted on
                    outcome = error
                with lock:
                    results[index] = outcome
        finally:
            connection.close()  # each thread's own connection

    pool = [threading.Thread(target=worker, args=(q, o)) for q, o in zip(queues, offsets, strict=True)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=300)
    close_old_connections()
    return results


@pytest.fixture
def crunch(transactional_db):
    submissions, threads = scale()
    closes_at = timezone.now() + timedelta(minutes=5)
    call = CallFactory(closes_at=closes_at, is_published=True)
    entries = []
    for index in range(submissions):
        institution = InstitutionFactory(district=call.district, number=str(1000 + index))
        user = with_role(UserFactory(), Role.COORDINATOR, call.district, institution)
        application = Application.objects.create(call=call, institution=institution, created_by=user)
        fill_complete(application)
        entries.append((application, user))
    with_role(UserFactory(), Role.METHODIST, call.district)
    return call, entries, threads


def test_submissions_at_the_deadline_are_neither_lost_nor_duplicated_nor_late(crunch):
    call, entries, threads = crunch
    deadline = call.closes_at
    on_time = {}
    late = {}
    jobs = []
    for index, (application, user) in enumerate(entries):
        # A quarter come a moment too late; every on-time one is also double-clicked.
        if index % 4 == 3:
            moment = deadline + timedelta(milliseconds=1 + index)
            late[application.pk] = application
        else:
            moment = deadline - timedelta(milliseconds=1 + index)
            on_time[application.pk] = application
        jobs.append(lambda a=application, u=user, m=moment: services.submit(a, by=u, now=m))
        if application.pk in on_time:
            jobs.append(
                lambda pk=application.pk, u=user, m=moment: services.submit(Application.objects.get(pk=pk), by=u, now=m)
            )

    results = race(jobs, threads)

    assert len(results) == len(jobs), "every attempt came back"
    errors = [r for r in results.values() if isinstance(r, Exception) and not isinstance(r, TransitionError)]
    assert not errors, errors[:3]
    states = dict(Application.objects.filter(call=call).values_list("pk", "state"))
    lost = [pk for pk in on_time if states[pk] != State.SUBMITTED]
    assert not lost, f"{len(lost)} on-time submissions were lost"
    accepted_late = [pk for pk in late if states[pk] != State.DRAFT]
    assert not accepted_late, f"{len(accepted_late)} late submissions were accepted"
    submitted_events = ApplicationEvent.objects.filter(application__call=call, to_state=State.SUBMITTED)
    per_application = {}
    for application_id in submitted_events.values_list("application_id", flat=True):
        per_application[application_id] = per_application.get(application_id, 0) + 1
    assert per_application == dict.fromkeys(on_time, 1), "each application is submitted exactly once"
    refused = [r for r in results.values() if isinstance(r, TransitionError)]
    # Every late one and every second click is refused, with a message for the user.
    assert len(refused) == len(late) + len(on_time)
    assert all(str(r) for r in refused)
    assert Application.objects.filter(call=call).count() == len(entries)


def test_starting_the_same_application_twice_at_once_makes_one(transactional_db):
    submissions, threads = scale()
    call = CallFactory(is_published=True)
    people = []
    for index in range(threads * 2):
        institution = InstitutionFactory(district=call.district, number=str(2000 + index))
        people.append((institution, with_role(UserFactory(), Role.COORDINATOR, call.district, institution)))
    # Two tabs per institution press «Start an application» at the same moment.
    jobs = [
        (lambda i=institution, u=user: services.start_application(call, i, by=u))
        for institution, user in people
        for _tab in range(2)
    ]
    results = race(jobs, threads)

    assert len(results) == len(jobs)
    errors = [r for r in results.values() if isinstance(r, Exception) and not isinstance(r, TransitionError)]
    assert not errors, errors[:3]
    per_institution = dict.fromkeys((i.pk for i, _u in people), 0)
    for institution_id in Application.objects.filter(call=call).values_list("institution_id", flat=True):
        per_institution[institution_id] += 1
    assert set(per_institution.values()) == {1}, "one application per institution per call"
    assert sum(isinstance(r, TransitionError) for r in results.values()) == len(people)

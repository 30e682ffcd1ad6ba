"""«Copy from an earlier application»: any earlier one of the school, withdrawn included, files copied."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, Attachment

from .factories import application_for, call_for

State = Application.State
QUERIES = 13  # the same at 1 and 25 earlier applications (the checklist is one of them)


@pytest.fixture
def coordinator(world, client, login):
    return login(world.users.coordinator)


def test_a_withdrawn_application_is_offered_and_copied_with_tables_and_files(world, coordinator):
    old = application_for(world, theme="Тема отозванной заявки")
    services.withdraw(old, by=world.users.coordinator)
    call = call_for(world, title="Новый конкурс")
    page = coordinator.get(reverse("applications:call", args=[call.pk])).content.decode()
    assert f'<option value="{old.pk}">{old.call.title}, 2026/2027, отозвана' in page

    coordinator.post(
        reverse("applications:apply", args=[call.pk]), {"institution": world.institution.pk, "copy_from": old.pk}
    )
    new = Application.objects.get(call=call)
    assert new.theme == "Тема отозванной заявки"
    assert new.experience.count() == 1 and new.staff.count() == 1 and new.sources.count() == 1
    assert new.roadmap.count() == 3
    old_file = old.attachments.get(kind=Attachment.Kind.IMMERSION_SCENARIO)
    new_file = new.attachments.get(kind=Attachment.Kind.IMMERSION_SCENARIO)
    assert new_file.file.name != old_file.file.name
    assert new_file.original_name == "Сценарий.pdf"
    with new_file.file.open("rb") as copied, old_file.file.open("rb") as original:
        assert copied.read() == original.read()
    assert new.attachments.get(kind=Attachment.Kind.VIDEO).video_url == "https://video.example.org/1"
    # The copy is the new application's own: removing it leaves the old file.
    services.remove_attachment(new_file)
    assert old_file.file.storage.exists(old_file.file.name)


def test_the_editor_copies_from_a_chosen_application(world, coordinator):
    first = application_for(world, state=State.NOT_AWARDED, programme_name="Первая программа")
    application_for(world, state=State.AWARDED, programme_name="Вторая программа")
    draft = application_for(world, call=call_for(world), complete=False)
    page = coordinator.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert f'<option value="{first.pk}">' in page
    coordinator.post(reverse("applications:copy_last", args=[draft.pk]), {"source": first.pk})
    draft.refresh_from_db()
    assert draft.programme_name == "Первая программа"
    assert draft.attachments.count() == 2


def test_another_schools_application_cannot_be_copied(world, coordinator):
    foreign = application_for(world, theme="Чужая тема")
    Application.objects.filter(pk=foreign.pk).update(institution=world.other_institution)
    call = call_for(world)
    response = coordinator.post(
        reverse("applications:apply", args=[call.pk]),
        {"institution": world.institution.pk, "copy_from": foreign.pk},
        follow=True,
    )
    assert not Application.objects.filter(call=call).exists()
    assert "Выберите одну из прежних заявок" in response.content.decode()
    draft = application_for(world, call=call_for(world), complete=False)
    coordinator.post(reverse("applications:copy_last", args=[draft.pk]), {"source": foreign.pk})
    draft.refresh_from_db()
    assert draft.theme != "Чужая тема"


@pytest.mark.parametrize("count", [1, 25])
def test_the_call_page_lists_earlier_applications_in_fixed_queries(
    world, coordinator, count, django_assert_num_queries
):
    for _ in range(count):
        application_for(world, state=State.NOT_AWARDED, complete=False)
    call = call_for(world)
    url = reverse("applications:call", args=[call.pk])
    coordinator.get(url)
    with django_assert_num_queries(QUERIES):
        response = coordinator.get(url)
    assert response.content.decode().count(", 2026/2027, статус не присвоен") == count

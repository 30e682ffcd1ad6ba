"""Data migrations of the competitions, forwards and back."""

import importlib

from django.apps import apps

from applications.models import StatusKind

role_migration = importlib.import_module("applications.migrations.0006_statuskind_role")


def test_kinds_named_training_sites_get_the_role_and_lose_it_backwards(db):
    regional = StatusKind.objects.create(name="Региональная Стажировочная площадка")
    district = StatusKind.objects.create(name="Районная стажировочная площадка")
    base = StatusKind.objects.create(name="Районная базовая площадка")
    role_migration.mark_training_sites(apps, None)
    roles = dict(StatusKind.objects.values_list("pk", "role"))
    assert roles == {regional.pk: "training_site", district.pk: "training_site", base.pk: ""}
    role_migration.unmark_training_sites(apps, None)
    assert set(StatusKind.objects.values_list("role", flat=True)) == {""}

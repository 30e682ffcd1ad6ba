"""Factories and helpers for the competitions' tests."""

import datetime
import functools
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import (
    Application,
    Attachment,
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
from tests.factories import DistrictFactory, InstitutionFactory

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(seconds, timescale=1000):
    """A minimal but valid MP4: an `ftyp` box and a `moov/mvhd` box that states the duration."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        b"\0\0\0\0"
        + struct.pack(">IIII", 0, 0, timescale, int(seconds * timescale))
        + struct.pack(">IH", 0x10000, 0x100)
        + b"\0" * 10
        + matrix
        + b"\0" * 24
        + struct.pack(">I", 2),
    )
    return ftyp + _box(b"moov", mvhd) + _box(b"free", b"")


@functools.cache
def real_mp4(seconds):
    """A real MP4 of `seconds` (one tiny black frame a second), made by Debian's ffmpeg (a test dependency)."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "the tests need ffmpeg (apt-get install ffmpeg), as CI and the Dockerfile install it"
    path = Path(tempfile.mkdtemp()) / f"{seconds}.mp4"
    subprocess.run(
        [
            ffmpeg,
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"color=c=black:s=16x16:r=1:d={seconds}",
            "-c:v",
            "mpeg4",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path.read_bytes()


class StatusKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusKind
        django_get_or_create = ("name",)

    name = "Районная стажировочная площадка"
    short_name = "РСП"
    level = StatusKind.Level.DISTRICT
    term_years = 3


class CallFactory(factory.django.DjangoModelFactory):
    """A published training-site call, open now for ten more days."""

    class Meta:
        model = Call

    district = factory.SubFactory(DistrictFactory)
    purpose = Call.Purpose.STATUS
    status_kind = factory.SubFactory(StatusKindFactory)
    academic_year = "2026/2027"
    title = factory.Sequence(lambda n: f"Конкурс на присвоение статуса № {n}")
    form = Call.Form.TRAINING_SITE
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    technical_check_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=11))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    institution = factory.SubFactory(InstitutionFactory)
    org_full_name = factory.LazyAttribute(lambda o: o.institution.full_name)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusAward

    institution = factory.SubFactory(InstitutionFactory)
    status_kind = factory.SubFactory(StatusKindFactory)
    theme = factory.Sequence(lambda n: f"Тема площадки {n}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=600))
    decision_body = "Координационный совет"
    protocol_number = "3"


def add_checklist(call):
    ChecklistItem.objects.create(call=call, order=1, text="Обязательные поля", automatic="required_fields")
    ChecklistItem.objects.create(call=call, order=2, text="Таблицы", automatic="tables")
    ChecklistItem.objects.create(call=call, order=3, text="Файлы", automatic="files")
    ChecklistItem.objects.create(call=call, order=4, text="Подпись руководителя", automatic="")
    Criterion.objects.create(call=call, order=1, name="Актуальность")


def fill_complete(application, *, programme=None):
    """Fill everything the call's form requires."""
    for name in (
        "theme",
        "org_full_name",
        "org_legal_address",
        "org_head",
        "org_phone",
        "manager_name",
        "manager_position",
        "manager_phone",
        "programme_name",
        "goal",
        "relevance",
        "consumers",
        "difficulties",
        "immersion",
        "planned_results",
        "ways",
        "demand_forecast",
        "effectiveness",
        "summary",
        "speakers",
    ):
        if not getattr(application, name):
            setattr(application, name, f"Текст поля {name}")
    application.org_email = "school@example.org"
    application.manager_email = "manager@example.org"
    application.practice_url = "https://school.example.org/practice"
    application.hours = 36
    application.district_programme = programme
    application.save()
    ExperienceRow.objects.create(application=application, project="Проект «Читаем вместе»", years="2023–2025")
    StaffRow.objects.create(application=application, full_name="Иванова Мария Петровна", position="учитель")
    SourceRow.objects.create(application=application, title="Методические рекомендации")
    for section in RoadmapEvent.Section:
        RoadmapEvent.objects.create(application=application, section=section, name=f"Событие {section.value}")
    Attachment.objects.create(
        application=application, kind=Attachment.Kind.VIDEO, video_url="https://video.example.org/1"
    )
    scenario = Attachment(
        application=application, kind=Attachment.Kind.IMMERSION_SCENARIO, original_name="Сценарий.pdf"
    )
    scenario.file.save("scenario.pdf", ContentFile(PDF), save=False)
    scenario.save()
    return application


def call_for(world, **kwargs):
    return CallFactory(district=world.district, **kwargs)


def application_for(world, state=Application.State.DRAFT, complete=True, **kwargs):
    """An application of the world's institution (the `coordinator`'s), in a given state."""
    call = kwargs.pop("call", None) or call_for(world)
    application = ApplicationFactory(
        call=call, institution=world.institution, created_by=world.users.coordinator, **kwargs
    )
    if complete:
        fill_complete(application)
    if state != Application.State.DRAFT:
        Application.objects.filter(pk=application.pk).update(state=state, submitted_at=timezone.now())
        application.refresh_from_db()
    return application

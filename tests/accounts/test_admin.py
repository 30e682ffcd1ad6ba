import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import Institution, RoleAssignment
from tests.factories import InstitutionFactory, UserFactory

HEADER = [
    "Район",
    "Тип",
    "Номер",
    "Краткое наименование",
    "Полное наименование",
    "Юридический адрес",
    "ФИО руководителя",
    "Должность руководителя",
    "Телефон",
    "E-mail",
    "Сайт",
]


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "institutions.xlsx"
    return buffer


def _csv(rows, encoding):
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in [HEADER, *rows])
    buffer = io.BytesIO(text.encode(encoding))
    buffer.name = "institutions.csv"
    return buffer


def _row(number, district="Красносельский", kind="школа", email=None):
    return [
        district,
        kind,
        number,
        f"ГБОУ школа № {number}",
        f"Школа № {number} Красносельского района",
        "198000, Санкт-Петербург",
        "Петрова Ирина Сергеевна",
        "директор",
        "+7 812 000-00-00",
        email or f"s{number}@example.org",
        "",
    ]


def _preview(client, upload, format_index):
    return client.post(
        reverse("admin:accounts_institution_import"),
        {"resource": "0", "format": str(format_index), "import_file": upload},
    )


def _confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(reverse("admin:accounts_institution_process_import"), form.initial)


@pytest.fixture
def methodist_client(client, world):
    client.force_login(world.users.methodist)
    return client


def test_methodist_reaches_the_back_office_and_coordinator_does_not(client, world):
    client.force_login(world.users.methodist)
    assert client.get(reverse("admin:index")).status_code == 200
    client.force_login(world.users.coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_methodist_sees_only_their_districts_institutions(methodist_client, world):
    InstitutionFactory(district=world.other_district, short_name="ГБОУ № 624")
    body = methodist_client.get(reverse("admin:accounts_institution_changelist")).content.decode()
    assert "ГБОУ лицей № 590" in body
    assert "ГБОУ № 624" not in body
    foreign = Institution.objects.get(short_name="ГБОУ № 624")
    assert methodist_client.get(reverse("admin:accounts_institution_change", args=[foreign.pk])).status_code == 302


def test_xlsx_import_previews_then_creates(methodist_client, world):
    preview = _preview(methodist_client, _xlsx([_row("101"), _row("102", kind="Гимназия")]), 0)
    assert preview.status_code == 200
    assert "ГБОУ школа № 101" in preview.content.decode()
    assert not Institution.objects.filter(short_name="ГБОУ школа № 101").exists()  # only a preview so far
    _confirm(methodist_client, preview)
    assert Institution.objects.get(short_name="ГБОУ школа № 102").kind == Institution.Kind.GYMNASIUM
    assert Institution.objects.get(short_name="ГБОУ школа № 101").district == world.district


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_csv_import_reads_utf8_and_windows_1251(methodist_client, world, encoding):
    preview = _preview(methodist_client, _csv([_row("201")], encoding), 1)
    assert preview.status_code == 200
    _confirm(methodist_client, preview)
    assert Institution.objects.get(short_name="ГБОУ школа № 201").head_name == "Петрова Ирина Сергеевна"


def test_import_with_an_error_names_the_row_and_imports_nothing(methodist_client, world):
    upload = _xlsx([_row("301"), _row("302", kind="университет"), _row("303", email="не-почта")])
    preview = _preview(methodist_client, upload, 0)
    body = preview.content.decode()
    assert preview.context.get("confirm_form") is None  # nothing to confirm: the file is refused whole
    result = preview.context["result"]
    # Data rows are numbered from 1 after the header, as the preview table shows them.
    assert [(row.number, sorted(row.error_dict)) for row in result.invalid_rows] == [(2, ["kind"]), (3, ["email"])]
    assert "Неизвестный тип «университет»" in body
    assert "Введите правильный адрес электронной почты" in body
    assert not Institution.objects.filter(short_name__startswith="ГБОУ школа № 30").exists()


def test_reimport_updates_instead_of_duplicating(methodist_client, world):
    for head in ("Первая Анна", "Вторая Анна"):
        row = _row("401")
        row[6] = head
        _confirm(methodist_client, _preview(methodist_client, _xlsx([row]), 0))
    assert Institution.objects.filter(short_name="ГБОУ школа № 401").count() == 1
    assert Institution.objects.get(short_name="ГБОУ школа № 401").head_name == "Вторая Анна"


def test_methodist_cannot_make_a_superuser(methodist_client, world):
    person = UserFactory(email="newbie@example.org")
    response = methodist_client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="full_name"' in page
    assert 'name="is_superuser"' not in page


def test_methodist_manages_their_districts_people_only(methodist_client, world):
    own = world.users.coordinator
    assert methodist_client.get(reverse("admin:accounts_user_change", args=[own.pk])).status_code == 200
    # A methodist of another district who is also an expert here is not ours to manage.
    from accounts.services import grant_role

    grant_role(world.users.other_methodist, RoleAssignment.Role.EXPERT, world.district, world.institution)
    response = methodist_client.get(reverse("admin:accounts_user_change", args=[world.users.other_methodist.pk]))
    assert response.status_code in (302, 403)


def test_choice_lists_offer_only_the_methodists_districts(methodist_client, world):
    foreign = InstitutionFactory(district=world.other_district, short_name="ГБОУ № 624")
    page = methodist_client.get(reverse("admin:accounts_user_add")).content.decode()
    response = methodist_client.post(
        reverse("admin:accounts_user_change", args=[world.users.coordinator.pk]),
        {
            "email": "coordinator@example.org",
            "full_name": "Координатор",
            "position": "",
            "phone": "",
            "is_active": "on",
            "date_joined_0": "01.09.2026",
            "date_joined_1": "10:00:00",
            "roles-TOTAL_FORMS": "2",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": RoleAssignment.objects.get(user=world.users.coordinator).pk,
            "roles-0-user": world.users.coordinator.pk,
            "roles-0-role": "coordinator",
            "roles-0-district": world.district.pk,
            "roles-0-institution": world.institution.pk,
            "roles-1-user": world.users.coordinator.pk,
            "roles-1-role": "coordinator",
            "roles-1-district": world.other_district.pk,
            "roles-1-institution": foreign.pk,
        },
    )
    assert "ГБОУ № 624" not in page
    assert response.status_code == 200  # refused: the other district is not a valid choice
    assert "Выберите корректный вариант" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=world.users.coordinator, institution=foreign).exists()


def test_granting_the_methodist_role_opens_the_back_office(world):
    from accounts.services import grant_role, revoke_role

    person = UserFactory(email="future@example.org")
    grant_role(person, RoleAssignment.Role.METHODIST, world.district)
    person.refresh_from_db()
    assert person.is_staff
    revoke_role(person, RoleAssignment.Role.METHODIST, world.district)
    person.refresh_from_db()
    assert not person.is_staff


def test_coordinator_role_requires_an_institution_of_the_same_district(world):
    from django.core.exceptions import ValidationError

    from accounts.services import grant_role

    person = UserFactory(email="c@example.org")
    with pytest.raises(ValidationError):
        grant_role(person, RoleAssignment.Role.COORDINATOR, world.district)
    foreign = InstitutionFactory(district=world.other_district)
    with pytest.raises(ValidationError):
        grant_role(person, RoleAssignment.Role.COORDINATOR, world.district, foreign)


def test_import_refuses_rows_of_another_district_and_writes_nothing(methodist_client, world):
    """The defect: a row naming another district rewrote that district's school and created a new one there."""
    theirs = InstitutionFactory(
        district=world.other_district, short_name="ГБОУ школа № 501", head_name="Старая Вера", email="old@example.org"
    )
    rewrite = _row("501", district="Адмиралтейский", email="new@example.org")
    rewrite[6] = "Новая Вера"
    create_there = _row("502", district="Адмиралтейский")
    preview = _preview(methodist_client, _xlsx([_row("500"), rewrite, create_there]), 0)
    body = preview.content.decode()
    assert preview.context.get("confirm_form") is None  # refused whole, nothing to confirm
    result = preview.context["result"]
    assert [row.number for row in result.invalid_rows] == [2, 3]
    assert "Адмиралтейский район" in body and "только в свои районы" in body
    theirs.refresh_from_db()
    assert (theirs.head_name, theirs.email) == ("Старая Вера", "old@example.org")
    assert not Institution.objects.filter(short_name__in=["ГБОУ школа № 500", "ГБОУ школа № 502"]).exists()


def test_import_refuses_moving_a_school_to_another_district(methodist_client, world):
    """Matching is by district and short name, so a row with another district is a new school there: refused."""
    preview = _preview(methodist_client, _xlsx([_row("590", district="Адмиралтейский")]), 0)
    assert [row.number for row in preview.context["result"].invalid_rows] == [1]


def test_superuser_imports_into_any_district(client, world):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    _confirm(client, _preview(client, _xlsx([_row("601", district="Адмиралтейский")]), 0))
    assert Institution.objects.get(short_name="ГБОУ школа № 601").district == world.other_district

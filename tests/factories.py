"""factory_boy factories shared by every app's tests."""

import factory

from accounts.models import District, Institution, RoleAssignment, User


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Район № {n}")
    short_name = factory.Sequence(lambda n: f"Район{n}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    centre_name = factory.LazyAttribute(lambda o: f"ИМЦ {o.short_name}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    district = factory.SubFactory(DistrictFactory)
    kind = Institution.Kind.SCHOOL
    number = factory.Sequence(lambda n: str(100 + n))
    short_name = factory.LazyAttribute(lambda o: f"ГБОУ школа № {o.number}")
    full_name = factory.LazyAttribute(
        lambda o: f"Государственное бюджетное общеобразовательное учреждение школа № {o.number}"
    )
    legal_address = "198000, Санкт-Петербург, пр. Ветеранов, д. 1"
    head_name = "Иванова Мария Петровна"
    head_position = "директор"
    phone = "+7 (812) 000-00-00"
    email = factory.LazyAttribute(lambda o: f"school{o.number}@example.org")
    website = factory.LazyAttribute(lambda o: f"https://school{o.number}.example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Пользователь {n}")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


def with_role(user, role, district, institution=None):
    from accounts.services import grant_role

    grant_role(user, role, district, institution)
    user.__dict__.pop("role_assignments", None)
    return user


Role = RoleAssignment.Role

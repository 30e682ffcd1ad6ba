"""Query parameters of the read API (documented in the schema by drf-spectacular)."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from plans import selectors as plan_selectors
from plans.models import PlanItem

# Record ids as the database keeps them: a larger number is refused (400), not sent to the database.
LARGEST_ID = 2**31 - 1


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=LARGEST_ID, **kwargs)


class DistrictFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__slug", help_text=_("District's address name"))


class PlanItemFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="plan__district__slug", help_text=_("District's address name"))
    month = django_filters.CharFilter(
        method="in_month",
        help_text=_("Month as 2023-10"),
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Write the month as 2023-10."))],
    )

    plan = IdFilter(field_name="plan_id")
    host_institution = IdFilter(field_name="host_institution_id")

    class Meta:
        model = PlanItem
        fields = ["understood"]

    def in_month(self, queryset, name, value):
        month = plan_selectors.parse_month(value)
        return queryset.filter(month_rows__month=month) if month else queryset.none()


class RegistryFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(
        field_name="institution__district__slug", help_text=_("District's address name")
    )
    institution = IdFilter(field_name="institution_id")


class ArticleFilter(django_filters.FilterSet):
    collection = IdFilter(field_name="collection_id")
    district = django_filters.CharFilter(
        field_name="collection__district__slug", help_text=_("District's address name")
    )

"""The district office's pages, for every role (see tests/matrix.py)."""

from django.urls import reverse

from tests.matrix import Case, statuses

# Methodists and the district office read the reports of their district; nobody else does.
READERS = statuses(403, anonymous=302, methodist=200, district_office=200)

CASES = [
    Case("reports:dashboard", lambda w: reverse("reports:dashboard"), READERS),
    Case(
        "reports:download",
        lambda w: reverse("reports:download", args=["competition-results.xlsx"]) + f"?district={w.district.pk}",
        READERS,
    ),
]

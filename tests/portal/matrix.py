from django.urls import reverse

from tests.matrix import Case, statuses

CASES = [
    # Browsers POST violation reports (JSON); anything else is refused, whoever asks.
    Case("csp_report", lambda w: reverse("csp_report"), statuses(405)),
    Case(
        "csp_report",
        lambda w: reverse("csp_report"),
        statuses(400),
        method="post",
        data=lambda w: {"not": "a report"},
        label="form data",
    ),
]

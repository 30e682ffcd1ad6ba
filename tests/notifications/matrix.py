from django.urls import reverse

from tests.matrix import PUBLIC, SIGNED_IN_ONLY, Case, statuses

CASES = [
    Case("notifications:list", lambda w: reverse("notifications:list"), SIGNED_IN_ONLY),
    Case(
        "notifications:calendar_feed",
        lambda w: reverse("notifications:calendar_feed", args=[w.users.coordinator.calendar_token]),
        PUBLIC,
    ),
    Case(
        "notifications:calendar_reset",
        lambda w: reverse("notifications:calendar_reset"),
        statuses(302),
        method="post",
        data=lambda w: {},
    ),
]

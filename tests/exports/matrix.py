from django.urls import reverse

from tests.matrix import SIGNED_IN_ONLY, Case, statuses

CASES = [
    Case("exports:list", lambda w: reverse("exports:list"), SIGNED_IN_ONLY),
    # An unknown export answers 404 for everyone signed in.
    Case(
        "exports:start",
        lambda w: reverse("exports:start"),
        statuses(404, anonymous=302),
        method="post",
        data=lambda w: {"name": "nothing"},
    ),
    Case(
        "exports:detail",
        lambda w: reverse("exports:detail", args=[_job(w).pk]),
        statuses(404, anonymous=302, methodist=200),
    ),
    Case(
        "exports:download",
        lambda w: reverse("exports:download", args=[_job(w).pk]),
        statuses(404, anonymous=302),
    ),
    # Only the owner's failed job may be retried; this one's export no longer exists: 404 for all.
    Case(
        "exports:retry",
        lambda w: reverse("exports:retry", args=[_job(w, state="failed").pk]),
        statuses(404, anonymous=302),
        method="post",
    ),
]


def _job(world, state="queued"):
    from exports.models import ExportJob

    return ExportJob.objects.create(user=world.users.methodist, name="nothing", title="x", state=state)

from django.urls import reverse

from tests.matrix import PUBLIC, SIGNED_IN_ONLY, Case, statuses

CASES = [
    Case("home", lambda w: reverse("home"), PUBLIC),
    # A signed-in user is sent on from the login page to their home page.
    Case("login", lambda w: reverse("login"), statuses(302, anonymous=200)),
    Case("logout", lambda w: reverse("logout"), statuses(302), method="post"),
    Case("accounts:profile", lambda w: reverse("accounts:profile"), SIGNED_IN_ONLY),
    Case("password_change", lambda w: reverse("password_change"), SIGNED_IN_ONLY),
    Case("password_change_done", lambda w: reverse("password_change_done"), SIGNED_IN_ONLY),
    Case("password_reset", lambda w: reverse("password_reset"), PUBLIC),
    Case("password_reset_done", lambda w: reverse("password_reset_done"), PUBLIC),
    Case(
        "password_reset_confirm",
        lambda w: reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"}),
        PUBLIC,
    ),
    Case("password_reset_complete", lambda w: reverse("password_reset_complete"), PUBLIC),
    Case(
        "set_language",
        lambda w: reverse("set_language"),
        statuses(302),
        method="post",
        data=lambda w: {"language": "ru"},
    ),
]

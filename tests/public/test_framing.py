"""Only the widgets may be framed by other sites; every other page keeps frame-ancestors 'none' and DENY."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.public.factories import public_year


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.fixture
def widget_paths(world):
    year = public_year(world)
    return [
        reverse("public:widget_statuses", args=[world.institution.pk]),
        reverse("public:widget_registry") + f"?district={world.district.slug}",
        reverse("public:widget_events"),
        reverse("public:widget_rating", args=[year["campaign"].pk]),
    ]


@pytest.mark.parametrize("second_visit", [False, True], ids=["rendered", "from the cache"])
def test_widgets_may_be_framed_by_the_allowed_sites(client, widget_paths, second_visit):
    for path in widget_paths:
        response = client.get(path)
        if second_visit:
            response = client.get(path)
        assert response.status_code == 200
        directives = _directives(response)
        assert directives["frame-ancestors"] == ["*"], path
        assert "X-Frame-Options" not in response, path
        # The rest of the policy stays as strict as anywhere.
        assert directives["script-src"] == ["'self'"] and directives["default-src"] == ["'self'"]


def test_the_allowed_sites_are_a_setting(client, widget_paths):
    with override_settings(WIDGET_FRAME_ANCESTORS=["https://imc.example.ru", "https://school590.example.ru"]):
        response = client.get(widget_paths[1])
    assert _directives(response)["frame-ancestors"] == ["https://imc.example.ru", "https://school590.example.ru"]


def test_every_other_page_refuses_to_be_framed(client, world, widget_paths):
    paths = [
        reverse("home"),
        reverse("public:institution", args=[world.institution.pk]),
        reverse("applications:registry"),
        reverse("plans:this_month"),
        reverse("api:docs"),
        reverse("api:plan-list"),
        reverse("api:schema"),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _directives(response)["frame-ancestors"] == ["'none'"], path
        assert response["X-Frame-Options"] == "DENY", path

"""The state badge and group filters every template uses instead of comparing state strings."""

from django.template import Context, Template
from django.utils import translation

from applications.models import Application
from tests.applications.factories import application_for


def render(text, **context):
    return Template(text).render(Context(context))


def test_badge_shows_the_translated_label_in_the_state_colour(world):
    application = application_for(world, state=Application.State.RETURNED)
    with translation.override("ru"):
        html = render('{{ a|state_badge:"app-state" }}', a=application)
    assert html == (
        '<span class="badge text-bg-warning" id="app-state" data-state="returned">возвращена на доработку</span>'
    )


def test_labels_are_translated_once_per_language(world):
    workflow = Application.workflow
    with translation.override("ru"):
        assert workflow.label("draft") == "черновик"
    with translation.override("en"):
        assert workflow.label("draft") == "draft"
    assert {"ru", "en"} <= set(workflow._labels)


def test_group_membership_in_templates(world):
    application = application_for(world, state=Application.State.DRAFT)
    text = '{% if a|in_group:"EDITABLE" %}edit{% endif %}{% if a|in_group:"HANDED_IN" %}in{% endif %}'
    assert render(text, a=application) == "edit"

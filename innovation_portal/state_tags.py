"""Template filters for stateful models: a state's badge and its groups (see workflow.py).

Registered as a builtin in settings.TEMPLATES, so every template can write
`{{ application|state_badge }}`, `{{ meeting|state_badge:"meeting-status" }}` (with an id),
`<span class="badge text-bg-{{ item|state_colour }}">…` and `{% if article|in_group:"EDITABLE" %}`
instead of comparing state strings by hand.
"""

from django import template
from django.utils.html import format_html

from .workflow import workflow_of

register = template.Library()


@register.filter
def state_badge(obj, element_id=""):
    """The state's label in a Bootstrap badge of the state's colour (labels cached per language)."""
    if obj is None or obj == "":
        return ""
    workflow = workflow_of(obj)
    value = workflow.state_of(obj)
    label, colour = workflow.badge(value)
    if element_id:
        return format_html(
            '<span class="badge text-bg-{}" id="{}" data-state="{}">{}</span>', colour, element_id, value, label
        )
    return format_html('<span class="badge text-bg-{}" data-state="{}">{}</span>', colour, value, label)


@register.filter
def state_label(obj):
    """The state's label as text (what get_state_display gives, from labels translated once per language)."""
    if obj is None or obj == "":
        return ""
    workflow = workflow_of(obj)
    return workflow.label(workflow.state_of(obj))


@register.filter
def state_colour(obj):
    workflow = workflow_of(obj)
    return workflow.badge(workflow.state_of(obj))[1]


@register.filter
def in_group(obj, group):
    """Whether the object's state is in the named group of its workflow (an unknown group fails loudly)."""
    if obj is None or obj == "":
        return False
    return workflow_of(obj).in_group(obj, group)

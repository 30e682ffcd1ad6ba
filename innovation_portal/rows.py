"""Template tags for long lists: what a page does once per row should cost next to nothing.

Registered as a builtin in settings.TEMPLATES. ``{% row_url "ratings:verify" card.pk %}`` is
``{% url "ratings:verify" card.pk %}`` for a row of a list: the URL is reversed once per name
(per URL configuration and script prefix) and each row only puts its own id in; a full
reverse() per row was a tenth of a 300-row page. ``{{ card.submitted_at|row_date:"j E, H:i" }}``
is ``|date`` remembered (see row_date).
"""

from functools import lru_cache

from django import forms, template
from django.template import defaultfilters
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

register = template.Library()

_SENTINEL = 987654321987654321
_patterns = {}


def row_url_for(name, pk):
    """reverse(name, args=[pk]) for an integer pk, from the name's reversed pattern."""
    key = (get_urlconf(), get_script_prefix(), name)
    pattern = _patterns.get(key)
    if pattern is None:
        url = reverse(name, args=[_SENTINEL])
        if url.count(str(_SENTINEL)) != 1:  # not a plain «…/<int:pk>/…» URL: reverse every time
            return reverse(name, args=[pk])
        pattern = _patterns[key] = tuple(url.split(str(_SENTINEL)))
    return f"{pattern[0]}{int(pk)}{pattern[1]}"


@register.simple_tag
def row_url(name, pk):
    return row_url_for(name, pk)


@register.filter(expects_localtime=True, is_safe=False)
def row_date(value, arg=None):
    """``|date`` for a row of a list: the same text, remembered per moment, format, language and
    time zone (formatting a date with its translated month name was a tenth of a 300-row page)."""
    if value in (None, ""):
        return ""
    return _formatted(value, str(getattr(value, "tzinfo", None)), arg, get_language(), get_current_timezone_name())


@lru_cache(maxsize=20_000)
def _formatted(value, tzinfo, arg, language, timezone_name):
    return defaultfilters.date(value, arg)


# --- form fields in the rows of a long list ----------------------------------------------------
# A council's agenda is a form per row (eight fields each, 160 rows a year): crispy-forms renders
# each field through half a dozen templates and took four fifths of the page. ``{% row_field
# form.decision %}`` writes the same Bootstrap markup as ``{{ form.decision|as_crispy_field }}``
# in Python; widgets it does not know are still left to crispy-forms.

_CLASSES = (
    (forms.Select, "select form-select"),
    (forms.Textarea, "textarea form-control"),
    (forms.DateInput, "dateinput form-control"),
    (forms.NumberInput, "numberinput form-control"),
    (forms.EmailInput, "emailinput form-control"),
    (forms.TextInput, "textinput form-control"),
)


def _flat(attrs):
    """flatatt() without its format_html_join: ` name="value"`, ` name` for True, nothing for False/None."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False and value is not None:
            parts.append(f' {name}="{conditional_escape(value)}"')
    return mark_safe("".join(parts))  # values escaped above; names are the code's own


def _attrs(field, css):
    widget = field.field.widget
    attrs = {"class": f"{css} is-invalid" if field.errors else css}
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.get_context(field.html_name, field.value(), attrs)["widget"]


def _control(field, css):
    widget = field.field.widget
    context = _attrs(field, css)
    if isinstance(widget, forms.Select):
        return write_select(context)
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', context["name"], _flat(context["attrs"]), context["value"] or ""
        )
    value = "" if context["value"] is None else format_html(' value="{}"', str(context["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>', context["type"], context["name"], value, _flat(context["attrs"])
    )


def write_select(context):
    """A <select> from a Select widget's context, without a template per option."""
    parts = [format_html('<select name="{}"{}>', context["name"], _flat(context["attrs"]))]
    for group_name, options, _index in context["optgroups"]:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        parts.extend(
            format_html('<option value="{}"{}>{}</option>', str(o["value"]), _flat(o["attrs"]), o["label"])
            for o in options
        )
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(parts))  # every piece is escaped by format_html


def _errors(field):
    if not field.errors:
        return ""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.auto_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)),
        ),
    )


def _help(field):
    if not field.help_text:
        return ""
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, mark_safe(field.help_text))


def _checkboxes(field):
    context = _attrs(field, "form-check-input")
    boxes = []
    for _group, options, _index in context["optgroups"]:
        for option in options:
            attrs = {**option["attrs"], "class": "form-check-input"}
            boxes.append(
                format_html(
                    '<div class="form-check"><input type="checkbox" name="{}" value="{}"{}>'
                    '<label for="{}" class="form-check-label">{}</label></div>',
                    context["name"],
                    str(option["value"]),
                    _flat(attrs),
                    attrs.get("id", ""),
                    option["label"],
                )
            )
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset><legend class="form-label fs-6">{}</legend><div>{}</div>{}{}'
        "</fieldset></div>",
        field.auto_id,
        field.label,
        mark_safe("".join(boxes)),
        _errors(field),
        _help(field),
    )


@register.simple_tag
def row_field(field):
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _checkboxes(field)
    css = next((css for kind, css in _CLASSES if isinstance(widget, kind)), None)
    if css is None or isinstance(widget, forms.SelectMultiple) or widget.is_hidden:
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    required = field.field.required
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}{}</label>{}{}{}</div>',
        field.auto_id,
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
        _control(field, css),
        _errors(field),
        _help(field),
    )

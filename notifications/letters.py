"""Writing a letter from a MailTemplate: trying a template out on save, filling it on send.

Templates are compiled by an engine of their own: Django's template language without any
loader, so a template written in the back office cannot include or extend files, and in
debug mode, so an error names its line.
"""

import logging

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.utils.translation import gettext as _

from . import kinds

log = logging.getLogger(__name__)

ENGINE = Engine(debug=True)
FIELDS = ("subject", "text", "html")


def compile_template(source):
    return ENGINE.from_string(source)


def line_of(error):
    info = getattr(error, "template_debug", None)
    return info.get("line") if info else None


def describe(error):
    """«…, строка 3»: the error and, when known, its line."""
    line = line_of(error)
    message = str(error.args[0]) if error.args else str(error)
    return _("%(error)s, line %(line)s") % {"error": message, "line": line} if line else message


def placeholders_used(template):
    """The first names of every {{ placeholder }} in a compiled template (filters' arguments aside)."""
    names = set()
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        var = node.filter_expression.var
        lookups = getattr(var, "lookups", None)
        if lookups:
            names.add(lookups[0])
    return names


def fill(template_source, values, *, autoescape):
    return compile_template(template_source).render(Context(values, autoescape=autoescape))


def render(template, values):
    """(subject, text, html) of a MailTemplate filled with plain string `values`; raises on any error."""
    subject = " ".join(fill(template.subject, values, autoescape=False).split())
    text = fill(template.text, values, autoescape=False)
    html = fill(template.html, values, autoescape=True) if template.html else ""
    return subject, text, html


def check_template(template):
    """Refuse a template that does not compile, names unknown placeholders or fails on the kind's sample data.

    Raises ValidationError with a Russian message per field (the kind, the subject, the texts).
    """
    try:
        kind = kinds.get(template.kind)
    except kinds.UnknownKind:
        raise ValidationError({"kind": _("Choose a kind of letter from the list.")}) from None
    errors = {}
    for name in FIELDS:
        source = getattr(template, name) or ""
        try:
            compiled = compile_template(source)
        except TemplateSyntaxError as error:
            errors[name] = _("Error in the template: %(error)s") % {"error": describe(error)}
            continue
        unknown = sorted(placeholders_used(compiled) - set(kind.placeholders))
        if unknown:
            errors[name] = _("Unknown placeholders: %(unknown)s. This letter knows: %(known)s.") % {
                "unknown": ", ".join("{{ " + n + " }}" for n in unknown),
                "known": ", ".join("{{ " + n + " }}" for n in kind.placeholders),
            }
            continue
        try:
            compiled.render(Context(dict(kind.examples), autoescape=name == "html"))
        except Exception as error:  # noqa: BLE001 - any failure of a written template is reported, not raised
            errors[name] = _("Error in the template: %(error)s") % {"error": describe(error)}
    if errors:
        raise ValidationError(errors)


def placeholder_help(kind_codes=None):
    """The placeholders of some kinds (all when None) with what they hold, as lines for a form's help."""
    found = {}
    for kind in kinds.all_kinds():
        if kind_codes is None or kind.code in kind_codes:
            found.update(kind.placeholders)
    return [(name, str(description)) for name, description in found.items()]

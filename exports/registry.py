"""Files made in the background: PDFs and large XLSX files that take longer than a page load.

An app registers an export once (in its `exports.py`, autodiscovered):

    @exports.register("plans.plan_pdf", label=_("Plan as PDF"))
    class PlanPdf:
        def allowed(user, params): ...          # the same rule as the page it comes from
        def title(params): ...                  # «План мероприятий … (PDF)»
        def build(params, progress): ...        # returns (filename, bytes); call progress(percent)

The user presses a button (a POST to exports:start with the name and parameters),
sees a progress bar, and downloads the file when ready; only they can download it, and only
while the rule still allows it. Files are deleted after `KEEP_DAYS`.
"""

from django.utils.module_loading import autodiscover_modules

KEEP_DAYS = 7

_registry = {}


def register(name, *, label):
    def decorator(cls):
        cls.name = name
        cls.label = label
        _registry[name] = cls
        return cls

    return decorator


def get(name):
    return _registry.get(name)


def autodiscover():
    autodiscover_modules("exports")


def int_param(params, name):
    """A whole-number parameter of an export (they arrive as form strings); None when missing or bad."""
    try:
        return int(str(params.get(name, "")).strip())
    except ValueError:
        return None

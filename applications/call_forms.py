"""The back office's forms of a call: score labels typed one per line, the call's own form."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Criterion

# «0 — не соответствует», «0 - не соответствует», «0: не соответствует», «0. не соответствует».
LABEL_LINE = re.compile(r"^\s*(-?\d+)\s*(?:—|–|-|:|\.|\))?\s*(.*?)\s*$")


class ScoreLabelsField(forms.CharField):
    """What each score means, typed one per line («0 — не соответствует»); stored as {"0": "…"}."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("labels of scores"))
        kwargs.setdefault(
            "help_text", _("One score per line: the score, a dash and what it means, e.g. «0 — не соответствует».")
        )
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            ordered = sorted(value.items(), key=lambda item: int(item[0]) if str(item[0]).lstrip("-").isdigit() else 0)
            return "\n".join(f"{score} — {text}" for score, text in ordered)
        return value

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        labels, problems = {}, []
        for number, line in enumerate(str(value or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = LABEL_LINE.match(line)
            if match is None or not match.group(2):
                problems.append(
                    _("line %(number)d («%(line)s»): write the score, a dash and its meaning")
                    % {"number": number, "line": line.strip()}
                )
                continue
            score, text = str(int(match.group(1))), match.group(2)
            if score in labels:
                problems.append(
                    _("line %(number)d: the score %(score)s is already described") % {"number": number, "score": score}
                )
                continue
            labels[score] = text
        if problems:
            raise forms.ValidationError(_("Check the labels: %(problems)s.") % {"problems": "; ".join(problems)})
        return labels

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial or {}) != self.to_python(data or "")
        except forms.ValidationError:
            return True


class CriterionForm(forms.ModelForm):
    labels = ScoreLabelsField()

    class Meta:
        model = Criterion
        fields = ("order", "name", "description", "scale_min", "scale_max", "weight", "required", "labels")

    def clean(self):
        data = super().clean()
        labels, low, high = data.get("labels") or {}, data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None:
            outside = sorted(int(score) for score in labels if not low <= int(score) <= high)
            if outside:
                self.add_error(
                    "labels",
                    _("Scores %(scores)s are outside the scale from %(low)d to %(high)d.")
                    % {"scores": ", ".join(map(str, outside)), "low": low, "high": high},
                )
        return data

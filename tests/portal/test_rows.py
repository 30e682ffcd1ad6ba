"""The cheap per-row helpers of long lists give exactly what Django's own tags and widgets give."""

import datetime
import zoneinfo

from django import forms
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone, translation

from innovation_portal.choices import FastSelect
from innovation_portal.rows import row_url_for
from ratings.models import RatingCard


def _render(source, **context):
    return Template(source).render(Context(context))


def test_row_url_is_the_reversed_url():
    for name in ("applications:detail", "ratings:verify", "expertise:review", "publications:article_detail"):
        for pk in (1, 7, 12345):
            assert row_url_for(name, pk) == reverse(name, args=[pk])
    assert _render('{% row_url "ratings:verify" pk %}', pk=42) == reverse("ratings:verify", args=[42])


def test_row_date_is_the_date_filter_in_the_language_and_time_zone_of_the_page():
    moment = datetime.datetime(2026, 3, 9, 21, 30, tzinfo=datetime.UTC)
    source = '{{ moment|row_date:"j E Y, H:i" }}|{{ moment|date:"j E Y, H:i" }}|{{ day|row_date:"j E Y" }}'
    for language in ("ru", "en"):
        for zone in ("Europe/Moscow", "Asia/Vladivostok"):
            with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
                remembered, django, day = _render(source, moment=moment, day=moment.date()).split("|")
                assert remembered == django
                assert day == _render('{{ day|date:"j E Y" }}', day=moment.date())
    with translation.override("ru"), timezone.override(zoneinfo.ZoneInfo("Europe/Moscow")):
        assert _render('{{ moment|row_date:"j E Y, H:i" }}', moment=moment) == "10 марта 2026, 00:30"
        assert _render("{{ nothing|row_date:'j E Y'|default:'—' }}", nothing=None) == "—"


def test_state_label_is_the_states_display():
    card = RatingCard(state=RatingCard.State.SUBMITTED)
    with translation.override("ru"):
        assert _render("{{ card|state_label }}", card=card) == card.get_state_display()


def test_a_fast_select_is_the_same_select():
    class Form(forms.Form):
        plain = forms.ChoiceField(choices=[("", "—"), ("a", "Один & два"), ("Группа", [("b", "<Б>"), ("c", "В")])])
        fast = forms.ChoiceField(
            choices=[("", "—"), ("a", "Один & два"), ("Группа", [("b", "<Б>"), ("c", "В")])],
            widget=FastSelect(attrs={"class": "form-select"}),
        )

    form = Form(initial={"plain": "b", "fast": "b"})
    plain = str(form["plain"]).replace('name="plain"', 'name="fast"').replace('id="id_plain"', 'id="id_fast"')
    plain = plain.replace("<select ", '<select class="form-select" ', 1)
    assert parse_html(str(form["fast"])) == parse_html(plain)
    assert "&lt;Б&gt;" in str(form["fast"])


def test_a_row_field_is_the_crispy_field():
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from innovation_portal.rows import row_field

    class Form(forms.Form):
        decision = forms.ChoiceField(label="Решение", required=False, choices=[("", "—"), ("award", "присвоить")])
        reasons = forms.CharField(label="Обоснование", widget=forms.Textarea(attrs={"rows": 2}))
        fix_by = forms.DateField(label="Доработать до", required=False, help_text="До «даты».", widget=forms.DateInput)
        votes = forms.IntegerField(label="За", min_value=0)
        recused = forms.MultipleChoiceField(
            label="Воздерживаются",
            required=False,
            choices=[("1", "Иванова"), ("2", "Петров")],
            widget=forms.CheckboxSelectMultiple,
        )

    blank = Form(initial={"decision": "award", "votes": 3, "recused": ["2"]}, prefix="form-0")
    wrong = Form({"form-0-votes": "-1", "form-0-fix_by": "вчера"}, prefix="form-0")
    for form in (blank, wrong):
        for name in form.fields:
            assert parse_html(row_field(form[name])) == parse_html(as_crispy_field(form[name])), name
    assert "is-invalid" in row_field(wrong["votes"])

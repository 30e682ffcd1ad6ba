"""The back office speaks Russian to a methodist: no English words, no raw codes.

Every admin page a methodist can open (each model's list, add page and the change page of a
record of their district, as tests/backoffice/test_matrix.py makes them) is read in the ru
locale. The visible text (text nodes, buttons' values, titles and placeholders; not scripts,
styles, URLs or what the test's own random data put there) must hold no Latin word outside a
short whitelist, and no value of any TextChoices of our apps where its label should stand.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.db import models
from django.urls import NoReverseMatch, reverse
from model_bakery import baker

from innovation_portal import boundary
from innovation_portal.workflow import StateChange
from notifications import kinds
from tests.backoffice.objects import make_in
from tests.backoffice.test_matrix import MODELS, _make, registered

# Latin words a Russian back office may show: abbreviations, formats and the names of things.
WHITELIST = {
    "ID",
    "id",
    "URL",
    "HTML",
    "PDF",
    "XLSX",
    "CSV",
    "ICS",
    "JSON",
    "E-mail",
    "e-mail",
    "email",
    "Email",
    "Django",
    "TSV",
    "ODS",
    "XLS",
    "YAML",
    "ISBN",
    "Word",
    "Excel",
    # Django's own Russian hint under a multiple choice list names the keys.
    "Control",
    "Command",
    "Mac",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")
SKIPPED_TAGS = {"script", "style", "code", "noscript", "textarea", "option", "select"}
ATTRIBUTES = {"title", "placeholder", "aria-label"}


class VisibleText(HTMLParser):
    """The text a person reads on the page, with the tag each piece stands in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.pieces = []
        self.options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}:
            self.stack.append(tag)
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.pieces.append((tag, attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.pieces.append((tag, attrs["value"]))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if not data.strip():
            return
        if "option" in self.stack:
            self.options.append(data.strip())
        if set(self.stack) & SKIPPED_TAGS:
            return
        self.pieces.append((self.stack[-1] if self.stack else "", data.strip()))


def enum_values():
    """{raw value: label} of every TextChoices in our apps whose value differs from its label."""
    found = {}
    for model in boundary.portal_models():
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if not choices or not isinstance(field, models.CharField):
                continue
            for value, label in field.flatchoices:
                if value and str(value) != str(label) and LATIN_WORD.fullmatch(str(value).replace("_", "-")):
                    found[str(value)] = str(label)
    return found


RAW_VALUES = {**enum_values(), **{kind.code: str(kind.name) for kind in kinds.all_kinds()}}


def _real_states(change):
    """A history row moved between two real states of its object (random text proves nothing)."""
    values = [value for value, _label in change.states().choices]
    change.from_state, change.to_state = values[0], values[1]
    change.save()


def realistic(record):
    """Give the record what random values cannot: real states in its history, a real kind of letter."""
    if isinstance(record, StateChange):
        _real_states(record)
    for relation in record._meta.related_objects:
        if relation.one_to_many and issubclass(relation.related_model, StateChange):
            _real_states(baker.make(relation.related_model, **{relation.field.name: record}))
    if record._meta.label in ("notifications.Notification", "notifications.MailTemplate"):
        record.kind = "rating_published"
        record.save()
    if record._meta.label == "ratings.RatingResult":
        record.points = {"status": 5.0}
        record.save()
        baker.make("ratings.Indicator", campaign=record.campaign, code="status", name="Имеет статус")
    if record._meta.label == "applications.TechnicalCheck":
        record.results = [{"item": 1, "text": "Заявка подписана", "ok": True, "automatic": False}]
        record.save()
    return record


def typed_values():
    """Every text the records hold (the test's random data): shown as typed, not the portal's own words.

    Real states and kinds are not typed: they must be shown by their labels.
    """
    typed = []
    for model in boundary.portal_models():
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        for row in model._default_manager.values_list(*names) if names else ():
            typed.extend(str(value) for value in row if value and str(value) not in RAW_VALUES)
    return "\n".join(typed)


def _is_data(text):
    """Text that is stored data shown raw (JSON), not words."""
    if not text.startswith(("{", "[")):
        return False
    try:
        return isinstance(json.loads(text), dict | list)
    except ValueError:
        return False


def problems_on(html, typed, model=None):
    parser = VisibleText()
    parser.feed(html)
    found = []
    names = {str(model._meta.verbose_name), str(model._meta.verbose_name_plural)} if model else set()
    for tag, text in parser.pieces:
        if _is_data(text):
            found.append(f"raw data in <{tag}>: {text!r}")
            continue
        # Django's «Выберите %s», «Добавить %s» with the model's name in the nominative.
        for name in names:
            for verb in ("Выберите", "Добавить", "Изменить", "Просмотреть"):
                if f"{verb} {name}" in text:
                    found.append(f"nominative after «{verb}» in <{tag}>: {text!r}")
        if text in typed:
            continue
        stripped = re.sub(r"\S+@\S+|https?://\S+|/[\w/.-]+|\{\{[^}]*\}\}", " ", text)
        words = [w for w in LATIN_WORD.findall(stripped) if w not in WHITELIST and w not in typed]
        if text in RAW_VALUES:
            found.append(f"raw value in <{tag}>: {text!r} (label: {RAW_VALUES[text]!r})")
            continue
        if words:
            found.append(f"English in <{tag}>: {text!r}")
    for text in parser.options:
        if text in RAW_VALUES:
            found.append(f"raw value in a choice list: {text!r}")
    return found


def _pages(model, record):
    app, name = model._meta.app_label, model._meta.model_name
    yield "list", reverse(f"admin:{app}_{name}_changelist")
    yield "add", reverse(f"admin:{app}_{name}_add")
    yield "change", reverse(f"admin:{app}_{name}_change", args=[record.pk])
    try:
        yield "history", reverse(f"admin:{app}_{name}_history", args=[record.pk])
    except NoReverseMatch:
        pass


def test_the_back_office_index_is_russian(client, world):
    client.force_login(world.users.methodist)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert problems_on(response.content.decode(), "") == []


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_admin_page_is_russian(name, client, world):
    model, _model_admin = registered()[name]
    record = realistic(_make(model, world.district))
    typed = typed_values()
    client.force_login(world.users.methodist)
    found = {}
    for page, url in _pages(model, record):
        response = client.get(url, headers={"accept-language": "en"})
        if response.status_code != 200:
            continue
        problems = problems_on(response.content.decode(), typed, model)
        if problems:
            found[page] = problems
    assert not found, "\n".join(f"{page}: {problem}" for page, problems in found.items() for problem in problems)


def test_a_rating_result_shows_its_points_as_a_table_of_indicators(client, world):
    from ratings.models import Indicator, RatingResult

    result = baker.make(RatingResult, campaign__district=world.district, points={"status": 5.0, "gone": 1.5})
    Indicator.objects.create(campaign=result.campaign, order=1, code="status", name="Имеет инновационный статус")
    client.force_login(world.users.methodist)
    page = client.get(reverse("admin:ratings_ratingresult_change", args=[result.pk])).content.decode()
    assert "<td>Имеет инновационный статус</td><td>5</td>" in page
    assert "<td>показатель «gone» (удалён)</td><td>1,5</td>" in page
    assert '{"status"' not in page and "{&quot;status" not in page


def test_headings_name_the_model_in_the_nominative(client, world):
    client.force_login(world.users.methodist)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "<h1>Пользователи</h1>" in page
    assert "Выберите пользователь" not in page
    page = client.get(reverse("admin:applications_call_add")).content.decode()
    assert "<h1>Конкурс: новая запись</h1>" in page
    call = make_in("applications.call", world.district)
    page = client.get(reverse("admin:applications_call_change", args=[call.pk])).content.decode()
    assert "<h1>Конкурс: изменение</h1>" in page
    event = realistic(make_in("applications.applicationevent", world.district))
    page = client.get(reverse("admin:applications_applicationevent_change", args=[event.pk])).content.decode()
    assert "<h1>Запись истории: просмотр</h1>" in page

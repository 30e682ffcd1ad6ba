"""Every counted phrase of the Russian catalogues agrees with its number: 1 балл, 2 балла, 5 баллов, 11 баллов, 21 балл."""

from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import ngettext, npgettext

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(p for p in ROOT.glob("*/locale/ru/LC_MESSAGES/django.po") if ".venv" not in p.parts) + [
    ROOT / "locale/ru/LC_MESSAGES/django.po"
]
PLURALS = [
    pytest.param(entry, id=f"{path.parent.parent.parent.parent.name}:{entry.msgid[:40]}")
    for path in CATALOGUES
    if path.exists()
    for entry in polib.pofile(str(path))
    if entry.msgid_plural
]
# Russian: form 0 for 1 and 21, form 1 for 2–4 (and 22), form 2 for 5–20 (and 11).
EXPECTED_FORM = {1: 0, 2: 1, 5: 2, 11: 2, 21: 0}


def test_there_are_counted_phrases():
    assert len(PLURALS) >= 10


@pytest.mark.parametrize("entry", PLURALS)
def test_a_counted_phrase_takes_the_form_of_its_number(entry):
    with translation.override("ru"):
        for number, form in EXPECTED_FORM.items():
            if entry.msgctxt:
                text = npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, number)
            else:
                text = ngettext(entry.msgid, entry.msgid_plural, number)
            expected = entry.msgstr_plural[form]
            assert text == expected, (number, text, expected)
            # Each form is Russian, filled, and keeps the placeholders of the English text.
            assert text and text != entry.msgid and text != entry.msgid_plural
            for placeholder in ("%(count)s", "%(counter)s", "%(n)s", "%(number)s"):
                if placeholder in entry.msgid_plural:
                    assert placeholder in text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1, "1 балл"), (3, "3 балла"), (5, "5 баллов"), (11, "11 баллов"), (21, "21 балл"), ("2.50", "2,5 балла")],
)
def test_points_agree_with_their_number(value, text):
    from innovation_portal.words import points

    with translation.override("ru"):
        assert points(value) == text


def test_an_experts_progress_reads_in_russian(world, client):
    from django.urls import reverse

    from tests.expertise.factories import world_assignment

    assignment = world_assignment(world)
    client.force_login(assignment.expert)
    body = client.get(reverse("expertise:mine")).content.decode()
    assert "сдано 0 из 1 экспертизы" in body

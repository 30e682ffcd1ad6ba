"""Every kind of letter, written with its sample data, reads as one letter: one greeting, one link, the facts.

Each registered kind is sent through notify() and the mail task exactly as the portal sends it:
from the installation's default template where there is one (the reminders), else in the
plain wording. The subject repeats no word («Доработайте заявку: Доработайте…»).
"""

import re
from collections import Counter

import pytest
from django.core import mail

from notifications import kinds
from notifications.notify import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COMMON = {"user", "title", "body", "link"}


def doubled_words(subject, names=()):
    """Words the subject says twice, leaving aside the names it quotes (a school «Цифровая школа»)."""
    for name in names:
        subject = subject.replace(str(name), " ")
    words = [word.lower() for word in re.findall(r"[А-Яа-яЁёA-Za-z]{4,}", subject)]
    return sorted(word for word, count in Counter(words).items() if count > 1)


@pytest.mark.parametrize("kind", kinds.all_kinds(), ids=lambda kind: kind.code)
def test_every_kind_of_letter_reads_as_one_letter(kind, django_capture_on_commit_callbacks):
    examples = kind.examples
    user = UserFactory(full_name=examples["user"], email="coordinator@example.org")
    link = "/competitions/applications/1/"
    context = {name: value for name, value in examples.items() if name not in COMMON}
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], kind=kind.code, title=examples["title"], body=examples["body"], url=link, context=context)
    (letter,) = mail.outbox
    text, (html, _mime) = letter.body, letter.alternatives[0]
    address = re.search(r"https?://\S+?/competitions/applications/1/", text).group(0)

    assert text.count("Здравствуйте") == 1, text
    assert html.count("Здравствуйте") == 1, html
    assert text.count(address) == 1, text
    assert html.count(f'href="{address}"') == 1, html
    assert letter.subject.strip() and not doubled_words(letter.subject, context.values()), letter.subject
    for fact in kind.facts:
        assert str(examples[fact]).split("\n")[0] in text, (fact, text)


def test_the_fix_by_reminder_subject_names_the_call_once(django_capture_on_commit_callbacks):
    kind = kinds.get("reminder.fix_by")
    user = UserFactory(email="coordinator@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user],
            kind=kind.code,
            title="Доработайте возвращённую заявку: Инновационная площадка 2025 — ГБОУ школа № 287",
            url="/x/",
            context={
                "call": "Инновационная площадка 2025",
                "institution": "ГБОУ школа № 287",
                "deadline": "20 мая 2025, 18:00",
                "offset": "через 7 дней",
            },
        )
    assert mail.outbox[0].subject == "Доработайте заявку на конкурс «Инновационная площадка 2025» до 20 мая 2025, 18:00"
    assert "подайте снова до 20 мая 2025, 18:00 (через 7 дней)" in mail.outbox[0].body

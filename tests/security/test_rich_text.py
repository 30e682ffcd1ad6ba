"""User text that becomes HTML comes out harmless, wherever it is shown.

The only user HTML printed with `|safe` is an article's body (sanitised on save by
publications.sanitize): it is checked here where it is *shown*, on the article page and in
the book's HTML. Every other user text is escaped by the templates; letters written from
methodists' HTML templates escape the values filled in.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from applications.models import Application
from notifications.models import MailTemplate
from notifications.notify import notify
from publications import book, services
from publications.models import Article
from tests.applications.factories import application_for
from tests.publications.factories import article_for
from tests.publications.test_sanitize import XSS
from tests.ratings.factories import CardFactory, EntryFactory, IndicatorFactory
from tests.ratings.matrix import campaign

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;"


class ActiveContent(HTMLParser):
    """Collects whatever could run inside the elements with a given class."""

    def __init__(self, container_class):
        super().__init__(convert_charrefs=True)
        self.container_class = container_class
        self.depth = 0
        self.found = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif self.container_class in classes:
            self.depth = 1
            return
        if not self.depth:
            return
        if tag in {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "input", "meta", "base"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in {"style", "formaction", "background"}:
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src"} and not (
                value.startswith(("https://", "http://", "/publications/", "#")) or value.startswith("data:image/png")
            ):
                if value.startswith(("data:image/jpeg", "data:image/gif", "data:image/webp")):
                    continue
                self.found.append(f"{tag}[{name}={value[:40]}]")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def active_content(html, container_class):
    parser = ActiveContent(container_class)
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", XSS)
def test_an_article_body_is_harmless_on_its_page_and_in_the_book(payload, world, login):
    article = article_for(world)
    services.save_article(
        article, by=world.users.coordinator, fields={"introduction": f"<p>Введение</p>{payload}", "results": payload}
    )
    article = Article.objects.get(pk=article.pk)
    page = login(world.users.coordinator).get(reverse("publications:article_detail", args=[article.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Введение" in html
    assert active_content(html, "article-body") == [], payload
    printed = book.article_alone_html(article)
    assert active_content(printed, "article") == [], payload


def test_plain_text_fields_are_escaped_on_every_page_that_shows_them(world, login):
    application = application_for(world, state=Application.State.SUBMITTED, theme=SCRIPT)
    Application.objects.filter(pk=application.pk).update(speakers=SCRIPT, org_head=SCRIPT)
    article = article_for(world, title=SCRIPT, abstract=SCRIPT)
    card = CardFactory(campaign=campaign(world), institution=world.institution)
    EntryFactory(card=card, indicator=IndicatorFactory(campaign=card.campaign), title=SCRIPT, link="")
    notify(
        [world.users.coordinator],
        kind="application_returned",
        title=SCRIPT,
        body=f"{SCRIPT}\nвторая строка",
        mail=False,
    )
    client = login(world.users.coordinator)
    pages = [
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:mine"),
        reverse("publications:article_detail", args=[article.pk]),
        reverse("publications:my_articles"),
        reverse("ratings:card", args=[card.pk]),
        reverse("notifications:list"),
    ]
    for path in pages:
        html = client.get(path).content.decode()
        assert '<script>alert("xss")' not in html, path
        assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), path
        assert ESCAPED in html, path
    methodist = login(world.users.methodist)
    html = methodist.get(reverse("applications:manage_call", args=[application.call_id])).content.decode()
    assert '<script>alert("xss")' not in html and ESCAPED in html


def test_letters_from_an_html_template_escape_the_values_filled_in(world):
    MailTemplate.objects.create(
        kind="application_submitted",
        subject="{{ title }}",
        text="{{ body }}",
        html="<p>Здравствуйте, {{ user }}!</p><p>{{ title }}</p><p>{{ body }}</p><p>{{ institution }}</p>",
    )
    (note,) = notify(
        [world.users.coordinator],
        kind="application_submitted",
        title=SCRIPT,
        body=SCRIPT,
        context={"institution": SCRIPT},
    )
    assert "<script" not in note.body_html and "<img" not in note.body_html
    assert note.body_html.count(ESCAPED) == 3

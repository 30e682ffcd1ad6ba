from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from innovation_portal.workflow import TransitionError
from publications import services
from publications.models import Article, ArticleEvent, Collection, EditorComment, Reopening

from .factories import article_for, collection_for

S = Article.State


@pytest.fixture
def collection(world):
    collection = collection_for(world)
    collection.editors.add(world.users.editor)
    return collection


@pytest.fixture
def article(world, collection):
    return article_for(world, collection)


def submit(article, by, **kwargs):
    return services.submit_article(article, by=by, **kwargs)


def test_submit_sends_the_article_to_the_editor_with_mail(world, article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(article, world.users.coordinator)
    article.refresh_from_db()
    assert article.state == S.SUBMITTED
    assert article.submitted_at is not None
    assert [m.to for m in mail.outbox] == [[world.users.editor.email]]
    assert article.title in mail.outbox[0].subject
    event = ArticleEvent.objects.get(article=article)
    assert (event.from_state, event.to_state, event.by) == (S.DRAFT, S.SUBMITTED, world.users.coordinator)


def test_full_review_round_mails_the_author_at_each_step(world, article, django_capture_on_commit_callbacks):
    editor, coordinator = world.users.editor, world.users.coordinator
    with django_capture_on_commit_callbacks(execute=True):
        submit(article, coordinator)
        services.take_for_review(article, by=editor)
        services.request_revisions(article, by=editor, comment="Сократите введение.", section="introduction")
    article.refresh_from_db()
    assert article.state == S.REVISIONS_REQUESTED
    assert article.is_editable
    assert EditorComment.objects.get(article=article).text == "Сократите введение."
    to_author = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert len(to_author) == 2
    assert "Сократите введение." in to_author[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        submit(article, coordinator)
        services.accept_article(article, by=editor)
    article.refresh_from_db()
    assert article.state == S.ACCEPTED
    assert article.accepted_at is not None
    assert list(article.events.values_list("to_state", flat=True)) == [
        S.SUBMITTED, S.IN_REVIEW, S.REVISIONS_REQUESTED, S.RESUBMITTED, S.ACCEPTED,
    ]  # fmt: skip
    assert "accepted" in mail.outbox[-1].subject or "принята" in mail.outbox[-1].subject


def test_reject_needs_a_reason_and_tells_the_author(world, article, django_capture_on_commit_callbacks):
    submit(article, world.users.coordinator)
    with pytest.raises(TransitionError):
        services.reject_article(article, by=world.users.editor, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_article(article, by=world.users.editor, reason="Не соответствует структуре.")
    article.refresh_from_db()
    assert article.state == S.REJECTED
    assert mail.outbox[-1].to == [world.users.coordinator.email]
    assert "Не соответствует структуре." in mail.outbox[-1].body


def test_revisions_need_a_comment(world, article):
    submit(article, world.users.coordinator)
    with pytest.raises(TransitionError):
        services.request_revisions(article, by=world.users.editor, comment="")
    article.refresh_from_db()
    assert article.state == S.SUBMITTED


def test_a_draft_cannot_be_accepted_and_an_accepted_article_cannot_be_withdrawn(world, article):
    with pytest.raises(TransitionError):
        services.accept_article(article, by=world.users.editor)
    submit(article, world.users.coordinator)
    services.accept_article(article, by=world.users.editor)
    with pytest.raises(TransitionError):
        services.withdraw_article(article, by=world.users.coordinator)
    article.refresh_from_db()
    assert article.state == S.ACCEPTED
    assert not ArticleEvent.objects.filter(to_state=S.WITHDRAWN).exists()


def test_an_incomplete_article_cannot_be_submitted(world, collection):
    article = article_for(world, collection, results="", conclusions="<p><br></p>")
    article.conclusions = ""
    with pytest.raises(TransitionError, match="Результаты|Results"):
        submit(article, world.users.coordinator)


def test_text_cannot_change_while_with_the_editor(world, article):
    submit(article, world.users.coordinator)
    with pytest.raises(TransitionError):
        services.save_article(article, by=world.users.coordinator, fields={"title": "Новое"})


def test_withdrawing_a_submitted_article_tells_the_editors(world, article, django_capture_on_commit_callbacks):
    submit(article, world.users.coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_article(article, by=world.users.coordinator)
    assert Article.objects.get(pk=article.pk).state == S.WITHDRAWN
    assert mail.outbox[0].to == [world.users.editor.email]


def test_without_named_editors_the_districts_editors_are_told(world, django_capture_on_commit_callbacks):
    article = article_for(world)
    with django_capture_on_commit_callbacks(execute=True):
        submit(article, world.users.coordinator)
    assert [m.to for m in mail.outbox] == [[world.users.editor.email]]


# --- Deadline ------------------------------------------------------------------------------


def test_submission_one_second_before_the_deadline_is_accepted(world, article):
    deadline = article.collection.deadline
    submit(article, world.users.coordinator, now=deadline - timedelta(seconds=1))
    assert Article.objects.get(pk=article.pk).state == S.SUBMITTED


def test_submission_at_the_deadline_itself_is_accepted(world, article):
    submit(article, world.users.coordinator, now=article.collection.deadline)
    assert Article.objects.get(pk=article.pk).state == S.SUBMITTED


def test_submission_one_second_after_the_deadline_is_refused(world, article):
    with pytest.raises(TransitionError, match="(?i)срок|deadline"):
        submit(article, world.users.coordinator, now=article.collection.deadline + timedelta(seconds=1))
    assert Article.objects.get(pk=article.pk).state == S.DRAFT


def _past_deadline(world):
    return collection_for(world, deadline=timezone.now() - timedelta(days=1))


def test_reopening_for_the_article_lets_it_in_and_tells_the_author(world, django_capture_on_commit_callbacks):
    collection = _past_deadline(world)
    article = article_for(world, collection)
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_deadline(
            collection, by=world.users.editor, article=article, until=timezone.now() + timedelta(days=3)
        )
    assert mail.outbox[-1].to == [world.users.coordinator.email]
    submit(article, world.users.coordinator)
    assert Article.objects.get(pk=article.pk).state == S.SUBMITTED


def test_reopening_for_one_article_does_not_open_another(world):
    collection = _past_deadline(world)
    reopened, other = article_for(world, collection), article_for(world, collection)
    services.reopen_deadline(
        collection, by=world.users.editor, article=reopened, until=timezone.now() + timedelta(days=3)
    )
    with pytest.raises(TransitionError):
        submit(other, world.users.coordinator)


def test_reopening_ends_at_its_date(world):
    collection = _past_deadline(world)
    article = article_for(world, collection)
    until = timezone.now() + timedelta(days=2)
    services.reopen_deadline(collection, by=world.users.editor, user=world.users.coordinator, until=until)
    submit(article, world.users.coordinator, now=until)
    late = article_for(world, collection)
    with pytest.raises(TransitionError):
        submit(late, world.users.coordinator, now=until + timedelta(seconds=1))


def test_a_new_article_after_the_deadline_needs_a_reopening(world):
    collection = _past_deadline(world)
    with pytest.raises(TransitionError):
        services.start_article(collection, institution=world.institution, by=world.users.coordinator, title="Поздно")
    services.reopen_deadline(
        collection, by=world.users.editor, user=world.users.coordinator, until=timezone.now() + timedelta(days=1)
    )
    article = services.start_article(
        collection, institution=world.institution, by=world.users.coordinator, title="Вовремя"
    )
    assert article.authors.get().full_name == world.users.coordinator.full_name
    assert Reopening.objects.count() == 1


def test_revisions_may_be_resubmitted_after_the_deadline(world, article):
    submit(article, world.users.coordinator)
    services.request_revisions(article, by=world.users.editor, comment="Добавьте выводы.")
    submit(article, world.users.coordinator, now=article.collection.deadline + timedelta(days=10))
    assert Article.objects.get(pk=article.pk).state == S.RESUBMITTED


# --- Collection ------------------------------------------------------------------------------


def test_publishing_needs_a_built_book(world, collection):
    services.change_collection_status(collection, Collection.Status.EDITING, by=world.users.editor)
    services.change_collection_status(collection, Collection.Status.ASSEMBLED, by=world.users.editor)
    with pytest.raises(TransitionError):
        services.change_collection_status(collection, Collection.Status.PUBLISHED, by=world.users.editor)
    assert Collection.objects.get(pk=collection.pk).status == Collection.Status.ASSEMBLED


def test_a_closed_collection_accepts_no_articles(world, collection):
    article = article_for(world, collection)
    Collection.objects.filter(pk=collection.pk).update(status=Collection.Status.ASSEMBLED)
    article.collection.refresh_from_db()
    with pytest.raises(TransitionError):
        submit(article, world.users.coordinator)


def test_a_save_from_a_second_tab_cannot_undo_a_submission(world):
    from publications import services
    from publications.models import Article
    from tests.publications.factories import article_for

    article = article_for(world)
    stale = Article.objects.get(pk=article.pk)
    services.submit_article(article, by=world.users.coordinator)
    with pytest.raises(TransitionError):
        services.save_article(stale, by=world.users.coordinator, fields={"title": "Другое название"})
    article.refresh_from_db()
    assert article.state == Article.State.SUBMITTED
    assert article.title != "Другое название"


def test_an_unsent_draft_is_invisible_to_the_editor(world, client):
    from django.urls import reverse

    from publications import services
    from tests.publications.factories import article_for

    article = article_for(world)
    client.force_login(world.users.editor)
    review = reverse("publications:article_review", args=[article.pk])
    assert client.get(reverse("publications:article_detail", args=[article.pk])).status_code == 404
    assert client.post(review, {"action": "comment", "comment": "Сократите введение"}).status_code == 404
    assert not article.events.exists()
    services.submit_article(article, by=world.users.coordinator)
    assert client.get(reverse("publications:article_detail", args=[article.pk])).status_code == 200

"""Who may do what with collections and articles.

A coordinator writes and submits the articles of their own institution; an editor (the
district's editor role, or a methodist) runs the review and assembles the book. Pages
fetch objects from `selectors.articles_visible_to(user)`, so another school's article is a
404 before any of these is asked.
"""

import rules

from accounts.rules import (
    is_coordinator,
    is_coordinator_of,
    is_editor,
    is_editor_of,
    is_methodist,
    is_methodist_of,
    is_superuser,
)


@rules.predicate
def article_is_editable(user, article):
    return article is not None and article.is_editable


@rules.predicate
def article_is_with_author(user, article):
    return article is not None and article.state in {article.State.DRAFT, article.State.REVISIONS_REQUESTED}


@rules.predicate
def article_can_be_withdrawn(user, article):
    return article is not None and article.state in article.WITHDRAWABLE


@rules.predicate
def article_is_handed_in(user, article):
    """A draft is the author's own business until it is sent to the editor."""
    return article is not None and article.state != article.State.DRAFT


edits_collections = is_superuser | is_editor_of | is_methodist_of

rules.add_perm("publications.use_desk", is_superuser | is_editor | is_methodist)
rules.add_perm("publications.write_articles", is_coordinator)
rules.add_perm("publications.manage_collection", edits_collections)
rules.add_perm("publications.review_article", edits_collections & article_is_handed_in)
rules.add_perm("publications.open_article", is_coordinator_of | (edits_collections & article_is_handed_in))
rules.add_perm("publications.edit_article", is_coordinator_of & article_is_editable)
rules.add_perm("publications.submit_article", is_coordinator_of & article_is_with_author)
rules.add_perm("publications.withdraw_article", is_coordinator_of & article_can_be_withdrawn)

# The back office (Django admin) follows the same vocabulary.
back_office = is_superuser | is_methodist
for model in (
    "series",
    "collection",
    "collectionsection",
    "article",
    "articleauthor",
    "articleevent",
    "editorcomment",
    "reopening",
    "bookbuild",
    "articlepdf",
):
    for action in ("view", "change", "add", "delete"):
        rules.set_perm(f"publications.{action}_{model}", back_office)
rules.set_perm("publications", back_office)

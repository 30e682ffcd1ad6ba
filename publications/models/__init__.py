"""Collections of articles: the call, the articles and their review, the book."""

from .article import Article, ArticleAuthor, ArticleEvent, EditorComment, Reopening
from .book import ArticlePdf, BookBuild
from .collection import Collection, CollectionSection, Series

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleEvent",
    "ArticlePdf",
    "BookBuild",
    "Collection",
    "CollectionSection",
    "EditorComment",
    "Reopening",
    "Series",
]

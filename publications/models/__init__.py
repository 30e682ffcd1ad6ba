"""Collections of articles: the call, the articles and their review, the book."""

from .article import Article, ArticleAuthor, ArticleEvent, EditorComment, Reopening, WordImport
from .book import ArticlePdf, BookBuild
from .collection import Collection, CollectionEvent, CollectionSection, Series

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleEvent",
    "ArticlePdf",
    "BookBuild",
    "Collection",
    "CollectionEvent",
    "CollectionSection",
    "EditorComment",
    "Reopening",
    "Series",
    "WordImport",
]

"""The book's layout: one HTML document rendered by WeasyPrint in one pass.

The same print CSS lays out the whole book and a single article on its own, so the page
estimate an author sees is counted on the book's own pages. The table of contents and the
index of authors get their page numbers from WeasyPrint (`target-counter`), and the
pages of each article are read back from the rendered document's anchors to cut the
per-article PDFs with pypdf.
"""

import io
from collections import defaultdict

from django.conf import settings
from django.db.models import F, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from innovation_portal.pdf import font_face_css, measure_html, weasy_html

from .models import Article, ArticleAuthor, Collection


def book_css(page_size):
    return render_to_string("publications/book/book.css", {"font_faces": font_face_css(), "page_size": page_size})


def _weasy_html(html):
    return weasy_html(html)


def article_alone_html(article, page_size=None):
    page_size = page_size or article.collection.page_size
    return render_to_string("publications/book/article_alone.html", {"article": article, "css": book_css(page_size)})


def count_pages(article):
    """How many pages the article takes in the book (it always starts on a new page)."""
    return len(_weasy_html(article_alone_html(article)).render().pages)


def measure(article):
    """{"pages": …, "length": pages to a tenth} of the article alone, laid out in this process."""
    return measure_html(article_alone_html(article))


def book_articles(collection):
    """The accepted articles in book order, with their authors and sections, in three queries."""
    authors = ArticleAuthor.objects.select_related("institution").order_by("order", "pk")
    return list(
        Article.objects.filter(collection=collection, state=Article.State.ACCEPTED)
        .select_related("section", "institution")
        .prefetch_related(Prefetch("authors", queryset=authors))
        .order_by(F("section__order").asc(nulls_first=True), "section__pk", "order", "pk")
    )


def _parts(articles):
    """Group articles by section, articles without a section first."""
    parts = []
    for article in sorted(articles, key=lambda a: a.section is not None):
        if not parts or parts[-1]["section"] != article.section:
            parts.append({"section": article.section, "articles": []})
        parts[-1]["articles"].append(article)
    return parts


def _author_index(articles):
    by_name = defaultdict(list)
    for article in articles:
        for author in article.authors.all():
            if article.pk not in by_name[author.index_name]:
                by_name[author.index_name].append(article.pk)
    return sorted(by_name.items(), key=lambda item: item[0].lower())


def book_html(collection, articles=None):
    """The whole book as one HTML document (also what bench/ renders to time WeasyPrint alone)."""
    collection = Collection.objects.select_related("district", "series").get(pk=collection.pk)
    articles = book_articles(collection) if articles is None else articles
    year = collection.year or (collection.published_at or timezone.now()).year
    with translation.override(settings.LANGUAGE_CODE):
        return _render_book_template(collection, articles, year)


def _render_book_template(collection, articles, year):
    return render_to_string(
        "publications/book/book.html",
        {
            "collection": collection,
            "css": book_css(collection.page_size),
            "parts": _parts(articles),
            "author_index": _author_index(articles),
            "year": year,
            "foreword_paragraphs": [p.strip() for p in collection.foreword.split("\n") if p.strip()],
        },
    )


def anchor_pages(document):
    """{anchor id: page number (1-based)} of a rendered WeasyPrint document."""
    pages = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def article_page_ranges(articles, anchors, page_count):
    """{article id: (first, last)}: an article runs until the next one (or the index) begins."""
    starts = [(anchors[f"article-{a.pk}"], a.pk) for a in articles if f"article-{a.pk}" in anchors]
    ends = [start - 1 for start, _pk in starts[1:]] + [anchors.get("author-index", page_count + 1) - 1]
    return {pk: (start, max(start, end)) for (start, pk), end in zip(starts, ends, strict=True)}


def render_book(collection, progress=lambda percent, message: None):
    """Lay out and write the book; returns (pdf bytes, page count, {article id: (first, last)})."""
    articles = book_articles(collection)
    html = book_html(collection, articles)
    progress(30, "html")
    document = _weasy_html(html).render()
    progress(75, "layout")
    anchors = anchor_pages(document)
    ranges = article_page_ranges(articles, anchors, len(document.pages))
    pdf = document.write_pdf()
    progress(90, "pdf")
    return pdf, len(document.pages), ranges


def split_articles(pdf, ranges):
    """Yield (article id, PDF bytes) for each article's pages, reading the book once."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    for pk, (first, last) in ranges.items():
        writer = PdfWriter()
        for index in range(first - 1, last):
            writer.add_page(reader.pages[index])
        out = io.BytesIO()
        writer.write(out)
        yield pk, out.getvalue()

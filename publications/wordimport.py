"""A Word article converted to the call's five parts.

mammoth turns the .docx into clean HTML (images embedded as data URIs, so the article
stays one self-contained record); the headings the call prescribes are then recognised
in the seed's wording and its usual variants, and the text under each goes to its part.
The head of the document (title, authors, affiliation, abstract, keywords: see wordhead)
goes to the article's own fields; other text before the first recognised heading goes to
the introduction, and the author is told.

`convert_docx` is the pure conversion; the upload runs it through `convert_docx_path` in a
limited child process (innovation_portal.safe_office), never in a web request.
"""

import re
from dataclasses import asdict, dataclass, field

import mammoth
from lxml import html as lxml_html

from .sanitize import clean_html, plain_text
from .wordhead import read_head

# (field, pattern over the heading's lower-cased text). Order matters: «Методы и
# результаты исследования» is a methods heading, not a results one.
HEADINGS = [
    ("introduction", re.compile(r"^(\d+[.)]?\s*)?введени[ея]\b")),
    ("course_of_work", re.compile(r"^(\d+[.)]?\s*)?(краткое\s+)?(описание\s+)?ход[а-я]*\s+(опытно[- ]практической\s+|инновационной\s+|экспериментальной\s+)?работ")),
    ("methods_and_findings", re.compile(r"^(\d+[.)]?\s*)?(описание\s+)?метод[а-я]*\b")),
    ("results", re.compile(r"^(\d+[.)]?\s*)?(характеристика\s+)?результат[а-я]*\b")),
    ("conclusions", re.compile(r"^(\d+[.)]?\s*)?(выводы?|заключение)\b")),
    ("references", re.compile(r"^(\d+[.)]?\s*)?(список\s+(использованной\s+)?литературы|литература|список\s+источников)\b")),
    ("abstract", re.compile(r"^аннотация\b")),
]  # fmt: skip
KEYWORDS_LINE = re.compile(r"^ключевые\s+слова\s*[:.\-–—]\s*(.+)$", re.IGNORECASE)
# A paragraph may serve as a heading when it is short and wholly bold.
MAX_HEADING_LENGTH = 120
DEMOTE = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h5", "h6": "h5"}


@dataclass
class ConvertedArticle:
    title: str = ""
    authors: list = field(default_factory=list)  # [{"full_name", "position", "institution_name"}]
    abstract: str = ""
    keywords: str = ""
    references: str = ""
    sections: dict = field(default_factory=dict)
    unrecognised: bool = False  # text before the first known heading was put in the introduction
    found: list = field(default_factory=list)  # the parts whose headings were found
    messages: list = field(default_factory=list)  # mammoth's warnings


def _heading_text(element):
    text = " ".join(element.text_content().split()).strip(" :.")
    if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        return text
    if element.tag == "p" and 0 < len(text) <= MAX_HEADING_LENGTH:
        bold = "".join(b.text_content() for b in element.iter("strong", "b"))
        if " ".join(bold.split()).strip(" :.") == text:
            return text
    return None


def _match_heading(text):
    lowered = text.lower().replace("ё", "е")
    for name, pattern in HEADINGS:
        if pattern.search(lowered):
            return name
    return None


# Word's Title style and «All caps» runs are marked so the head can be told from the body
# (the classes are dropped by the sanitiser afterwards).
STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='Заголовок'] => h1.doc-title:fresh
p[style-name='Название'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p:fresh
all-caps => span.caps
"""


def convert_docx(file):
    """Convert an uploaded .docx into the article's parts (sanitised HTML)."""
    result = mammoth.convert_to_html(file, convert_image=mammoth.images.data_uri, style_map=STYLE_MAP)
    return split_html(result.value, messages=[m.message for m in result.messages])


def convert_docx_path(path):
    """`convert_docx` of a file on disk, as a JSON-able dict (for safe_office.run_limited)."""
    with open(path, "rb") as file:
        return asdict(convert_docx(file))


def _plain(element):
    return " ".join(element.text_content().split())


def split_html(source_html, messages=()):
    article = ConvertedArticle(messages=list(messages))
    if not source_html.strip():
        return article
    root = lxml_html.fragment_fromstring(source_html, create_parent="div")
    elements = list(root)
    head = read_head(elements, _plain, lambda el: bool((text := _heading_text(el)) and _match_heading(text)))
    article.title, article.authors = head.title, head.authors
    article.abstract, article.keywords = head.abstract, head.keywords
    chunks = {"introduction": []}
    current = None
    for element in elements[head.consumed :]:
        heading = _heading_text(element)
        name = _match_heading(heading) if heading else None
        if name:
            current = name
            chunks.setdefault(name, [])
            article.found.append(name)
            continue
        text = " ".join(element.text_content().split())
        keywords = KEYWORDS_LINE.match(text)
        if keywords and not article.keywords:
            article.keywords = keywords.group(1).strip().rstrip(".")
            continue
        if current is None and text or current is None and element.find(".//img") is not None:
            article.unrecognised = True
        # The book prints the title as h1 and the parts as h2: the author's headings go below.
        if element.tag in DEMOTE:
            element.tag = DEMOTE[element.tag]
        chunks.setdefault(current or "introduction", []).append(lxml_html.tostring(element, encoding="unicode"))
    for name, parts in chunks.items():
        html = "".join(parts)
        if name == "abstract":
            article.abstract = plain_text(html) or article.abstract
        elif name == "references":
            root_refs = lxml_html.fragment_fromstring(html or "<p></p>", create_parent="div")
            lines = [" ".join(el.text_content().split()) for el in root_refs.iter("p", "li")]
            article.references = "\n".join(line for line in lines if line)
        else:
            article.sections[name] = clean_html(html)
    return article

"""The head of a Word article: its title, authors and affiliation, before the text begins.

Authors write the head in many ways; the usual ones, all handled here:

    ФОРМИРОВАНИЕ ФУНКЦИОНАЛЬНОЙ ГРАМОТНОСТИ НА УРОКАХ ГЕОГРАФИИ   (caps, bold, Title or Heading 1)
    Иванова А. А., учитель географии ГБОУ СОШ № 5                  (name, position, institution)
    Петров Борис Викторович, заместитель директора по УВР         (one line per author...)
    Иванова А. А., Петров Б. В.                                     (...or several on one line)
    ГБОУ СОШ № 5 Красносельского района Санкт-Петербурга           (the affiliation on its own line)
    Аннотация. В статье …   /   Ключевые слова: …

The head ends at the first line that is none of these (the body's first paragraph or a
heading of the call's parts); a document that does not start with a title or an author
keeps everything in the body.
"""

import re
from dataclasses import dataclass, field

UPPER = "А-ЯЁ"
LOWER = "а-яё"
SURNAME = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?"
INITIALS = rf"[{UPPER}]\.\s?(?:[{UPPER}]\.)?"
PATRONYMIC = rf"[{UPPER}][{LOWER}]+(?:вич|вна|ична|чна|ич|оглы|кызы)"
NAME = re.compile(
    rf"(?:{SURNAME}\s+{INITIALS}"  # Иванова А. А.
    rf"|{INITIALS}\s?{SURNAME}"  # А. А. Иванова
    rf"|{SURNAME}\s+[{UPPER}][{LOWER}]+\s+{PATRONYMIC})"  # Иванова Анна Александровна
)
# Where an institution's name begins inside «учитель географии ГБОУ СОШ № 5».
INSTITUTION = re.compile(
    r"(?:\b(?:[ГМ]?Б?[ГМ]?[ДО]?ОУ|ГБУ\s?ДО|ГБНОУ|ГАОУ|АНО|ОДОД|СОШ|ООШ|ДДТ|ДДЮТ|ЦДЮТТ|ИМЦ|ЦПМСС|ГБУ|ГОУ|ЧОУ)\b"
    r"|\b(?:школ|гимнази|лице|детск(?:ий|ого) сад|дом[а]? детского|центр|колледж|университет|институт"
    r"|академи|прогимнази)[а-яё]*)",
    re.IGNORECASE,
)
INSTITUTION_LINE = re.compile(INSTITUTION.pattern + r"|санкт-петербург|район[а-яё]*\b", re.IGNORECASE)
POSITION_START = re.compile(
    r"^(?:учител|заместител|директор|педагог|методист|воспитател|старш|преподавател|руководител|заведующ|"
    r"социальн|логопед|дефектолог|тьютор|психолог|инструктор|музыкальн|канд|доктор|студент|аспирант|библиотекар|"
    r"советник|концертмейстер|специалист)",
    re.IGNORECASE,
)
ABSTRACT_LINE = re.compile(r"^(?:аннотация|abstract)\s*[:.\-–—]\s*(.+)$", re.IGNORECASE)
KEYWORDS_LINE = re.compile(r"^(?:ключевые\s+слова|keywords)\s*[:.\-–—]\s*(.+)$", re.IGNORECASE)
SKIP_LINE = re.compile(r"^(?:УДК|ББК|DOI)\b|@|^e-?mail", re.IGNORECASE)
MAX_TITLE = 300
MAX_HEAD_LINE = 400
MAX_HEAD_ELEMENTS = 25


@dataclass
class Head:
    title: str = ""
    authors: list = field(default_factory=list)  # [{"full_name", "position", "institution_name"}]
    affiliation: str = ""
    abstract: str = ""
    keywords: str = ""
    consumed: int = 0  # how many of the document's first elements the head took

    @property
    def found(self):
        return bool(self.title or self.authors)


def _letters(text):
    return [c for c in text if c.isalpha()]


def is_caps(text):
    letters = _letters(text)
    return len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) >= 0.9


def looks_like_title(element, text):
    """A short line the author set apart: a heading, the Title style, all caps or wholly bold."""
    if not text or len(text) > MAX_TITLE or text.endswith(":"):
        return False
    if element.tag in {"h1", "h2"} or "doc-title" in (element.get("class") or ""):
        return True
    if is_caps(text):
        return True
    marked = "".join(b.text_content() for b in element.iter("strong", "b", "span") if _marked(b))
    return " ".join(marked.split()) == text and len(_letters(text)) >= 8


def _marked(element):
    return element.tag in {"strong", "b"} or "caps" in (element.get("class") or "")


def split_position(rest):
    """«учитель географии ГБОУ СОШ № 5» → («учитель географии», «ГБОУ СОШ № 5»)."""
    rest = rest.strip(" ,;.")
    match = INSTITUTION.search(rest)
    if match is None:
        return rest, ""
    return rest[: match.start()].strip(" ,;"), rest[match.start() :].strip(" ,;.")


def parse_author_line(text):
    """The authors named on one line with their positions, or [] when the line names nobody first."""
    text = text.strip()
    if NAME.match(text) is None:
        return []
    authors = []
    for part in re.split(r"\s*;\s*", text):
        names = list(NAME.finditer(part))
        if not names or names[0].start() != 0:
            if authors and part:  # «…; учитель географии» belongs to the previous author
                authors[-1]["position"] = authors[-1]["position"] or part
            continue
        # Names follow each other separated by commas or «и»; what follows the last is shared.
        end = 0
        group = []
        for match in names:
            if group and not re.fullmatch(r"\s*(?:,|и)\s*", part[end : match.start()]):
                break
            group.append(" ".join(match.group(0).split()))
            end = match.end()
        position, institution = split_position(part[end:])
        for name in group:
            authors.append({"full_name": name, "position": position, "institution_name": institution})
    return authors


def _classify(element, text, head):
    """(kind, value) of one line of the head, or None where the head ends."""
    if keywords := KEYWORDS_LINE.match(text):
        return "keywords", keywords.group(1).strip().rstrip(".")
    if abstract := ABSTRACT_LINE.match(text):
        return "abstract", abstract.group(1).strip()
    if SKIP_LINE.search(text) and len(text) < 150:
        return "skip", None
    if authors := parse_author_line(text):
        return "authors", authors
    if head.authors and POSITION_START.match(text) and not head.authors[-1]["position"]:
        return "position", split_position(text)
    if (head.authors or head.title) and INSTITUTION_LINE.search(text) and len(text) < 250:
        return "affiliation", text.strip(" ,;.")
    if not head.title and looks_like_title(element, text):
        return "title", text
    return None


def read_head(elements, text_of, is_heading):
    """Read the head off the document's first elements.

    `text_of(element)` gives an element's plain text; `is_heading(element)` says whether it is
    a heading of the call's parts (where the head surely ends).
    """
    head = Head()
    title_lines, strong_title = [], False
    consumed = 0
    tentative = False  # an affiliation line before any author: head only if an author follows
    for index, element in enumerate(elements[:MAX_HEAD_ELEMENTS]):
        text = text_of(element)
        if not text:
            if element.find(".//img") is not None:
                break
            continue
        if is_heading(element) or len(text) > MAX_HEAD_LINE:
            break
        kind = _classify(element, text, head)
        if kind is None or (tentative and kind[0] != "authors"):
            break
        kind, value = kind
        if kind != "title" and title_lines and not head.title:
            head.title = " ".join(title_lines)
        if kind == "title":
            if len(title_lines) == 3:  # a title spans a line or two, not a page of bold text
                break
            title_lines.append(text)
            strong_title = strong_title or _strong_title(element, text)
        elif kind == "keywords":
            head.keywords = value
        elif kind == "abstract":
            head.abstract = value
        elif kind == "authors":
            head.authors.extend(value)
            tentative = False
        elif kind == "position":
            head.authors[-1]["position"] = value[0]
            head.authors[-1]["institution_name"] = head.authors[-1]["institution_name"] or value[1]
        elif kind == "affiliation":
            if not head.authors:
                head.affiliation = value
                tentative = True
                continue
            for author in head.authors:
                author["institution_name"] = author["institution_name"] or value
        consumed = index + 1
    if title_lines and not head.title:
        head.title = " ".join(title_lines)
    for author in head.authors:
        author["institution_name"] = author["institution_name"] or head.affiliation
    # A bold first line alone may be the body's own subheading; it is a title only with authors.
    if not head.authors and not strong_title:
        head.title = ""
    if not head.found:
        return Head()
    head.consumed = consumed
    return head


def _strong_title(element, text):
    return element.tag in {"h1", "h2"} or "doc-title" in (element.get("class") or "") or is_caps(text)

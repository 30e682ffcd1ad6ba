"""Office files built to stall whoever opens them, made in the test (nothing stored in the repository).

Each is small on the wire. `zip_bomb_docx` and `zip_bomb_xlsx` are real documents whose main part
is padded with one long repeated string (20 MB that pack into a few dozen KB, the size of the
file that held a worker for 120 s); `many_parts_docx` has 20,000 members; `slow_docx` and
`slow_xlsx` are honest-looking tables so long that reading them takes many seconds of CPU
while every archive limit holds (their parts pack about 30 times, like any XML).
"""

import io
import re
import zipfile

from docx import Document
from openpyxl import Workbook

MB = 1024 * 1024
PLAN_HEADER = ["№", "Наименование мероприятия", "Сроки проведения"]


def _members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data, compresslevel=9)
    return out.getvalue()


def plan_docx(rows=(("1.", "Семинар для заместителей директоров", "октябрь"),), title="План мероприятий ИМЦ"):
    """A small Word plan the reader accepts: a title and a table (№, event, timeframe)."""
    document = Document()
    document.add_paragraph(title)
    table = document.add_table(rows=0, cols=3)
    for values in (PLAN_HEADER, *rows):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_xlsx(rows=(("1.", "Семинар", "октябрь"),)):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["План мероприятий ИМЦ"])
    sheet.append(PLAN_HEADER)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _padded(data, part, padding, before):
    """`data` (an Office file) with `padding` inserted in `part` before the last `before`."""
    members = []
    for name, content in _members(data):
        if name == part:
            at = content.rindex(before)
            content = content[:at] + padding + content[at:]
        members.append((name, content))
    return _zip(members)


def zip_bomb_docx(size=20 * MB):
    """A Word plan with one paragraph repeated to 20 MB after its table: about 60 KB packed."""
    paragraph = "<w:p><w:r><w:t>план</w:t></w:r></w:p>".encode()
    return _padded(plan_docx(), "word/document.xml", paragraph * (size // len(paragraph)), b"<w:sectPr")


def zip_bomb_xlsx(size=20 * MB):
    """A workbook whose sheet carries one string repeated to 20 MB (in a comment): about 35 KB packed."""
    return _padded(plan_xlsx(), "xl/worksheets/sheet1.xml", b"<!--" + b"plan " * (size // 5) + b"-->", b"</worksheet>")


def many_parts_docx(count=20000):
    return _zip([*_members(plan_docx()), *((f"customXml/extra{i}.xml", b"<a/>") for i in range(count))])


_ROW = (
    '<w:tr><w:tc><w:p><w:r><w:t>{n}.</w:t></w:r></w:p></w:tc>'
    "<w:tc><w:p><w:r><w:t>Семинар № {n} для педагогов района</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>октябрь</w:t></w:r></w:p></w:tc></w:tr>"
)  # fmt: skip


def slow_docx(rows=60000):
    """A plan table of `rows` rows: about 500 KB packed, 14 MB unpacked, 10 s of CPU to read."""
    members = []
    for name, content in _members(plan_docx()):
        if name == "word/document.xml":
            xml = content.decode()
            end = xml.rindex("</w:tbl>")
            xml = xml[:end] + "".join(_ROW.format(n=n) for n in range(2, rows + 2)) + xml[end:]
            content = xml.encode()
        members.append((name, content))
    return _zip(members)


def slow_xlsx(rows=9500, columns=80):
    """A sheet of `rows` × `columns` text cells (within the import's row cap), seconds of CPU to read."""
    cells = "".join(f'<c t="inlineStr"><is><t>значение {{n}}-{c}</t></is></c>' for c in range(columns))
    body = "".join(f"<row>{cells.format(n=n)}</row>" for n in range(rows))
    header = "".join(f'<c t="inlineStr"><is><t>Колонка {c}</t></is></c>' for c in range(columns))
    members = []
    for name, content in _members(plan_xlsx(rows=())):
        if name == "xl/worksheets/sheet1.xml":
            xml = content.decode()
            start, end = xml.index("<sheetData"), xml.index("</sheetData>") + len("</sheetData>")
            xml = xml[:start] + f"<sheetData><row>{header}</row>{body}</sheetData>" + xml[end:]
            # No stored dimension: a reader must find the rows by reading them.
            xml = re.sub(r"<dimension [^>]*/>", "", xml)
            content = xml.encode()
        members.append((name, content))
    return _zip(members)

"""The application as a document: its sections with filled values, for the page and the PDF."""

from django.utils.translation import gettext_lazy as _

from .layouts import layout_for
from .models import RoadmapEvent

TABLE_COLUMNS = {
    "experience": [("project", _("Project")), ("years", _("Years")), ("works", _("Kinds of work"))],
    "staff": [
        ("full_name", _("Full name, position, academic degree and title")),
        ("works", _("Work done in the programme")),
    ],
    "sources": [("title", _("Title of the source")), ("annotation", _("Annotation of the source"))],
    "roadmap": [
        ("name", _("Event")),
        ("timeframe", _("Timeframe")),
        ("audience", _("Target audience")),
        ("planned_result", _("Planned result")),
    ],
}


def column_label(layout, table, field):
    """A table's column heading as the official form words it, in the editor and in the PDF alike."""
    default = dict(TABLE_COLUMNS[table])[field]
    return layout.column_labels.get(f"{table}.{field}", default)


def _value(application, name):
    if name == "district_programme":
        return str(application.district_programme) if application.district_programme_id else ""
    value = getattr(application, name)
    return "" if value is None else str(value)


def _cells(key, row):
    if key == "staff":
        person = ", ".join(p for p in (row.full_name, row.position, row.degree) if p)
        return [person, row.works]
    return [getattr(row, field) for field, _label in TABLE_COLUMNS[key]]


def document(application):
    """{"header": [(label, value)], "sections": [...]} in the order of the official form."""
    layout = layout_for(application.call)
    attachments = list(application.attachments.all())
    sections = []
    for section in layout.sections:
        tables = []
        for table in section.tables:
            columns = [column_label(layout, table.key, field) for field, _label in TABLE_COLUMNS[table.key]]
            if table.key == "roadmap":
                events = list(application.roadmap.all())
                groups = [
                    (label, [_cells("roadmap", e) for e in events if e.section == value])
                    for value, label in RoadmapEvent.Section.choices
                ]
                tables.append({"key": "roadmap", "title": table.title, "columns": columns, "groups": groups})
            else:
                rows = [_cells(table.key, row) for row in getattr(application, table.key).all()]
                tables.append({"key": table.key, "title": table.title, "columns": columns, "rows": rows})
        sections.append(
            {
                "number": section.number,
                "title": section.title,
                "fields": [(spec.label_for(), _value(application, spec.name)) for spec in section.fields],
                "tables": tables,
                "attachments": [a for a in attachments if a.kind in {s.kind for s in section.attachments}],
            }
        )
    listed = {a.pk for s in sections for a in s["attachments"]}
    answers = {a.question_id: a for a in application.answers.all()}
    questions = [(q, answers.get(q.pk)) for q in application.call.questions.all()]
    return {
        "header": [(spec.label_for(), _value(application, spec.name)) for spec in layout.header_fields],
        "sections": sections,
        "other_attachments": [a for a in attachments if a.pk not in listed],
        "questions": questions,
        "next_number": len(sections) + 1,
    }

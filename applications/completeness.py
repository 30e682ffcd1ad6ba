"""What an application still lacks: the completeness indicator and the automatic technical check."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .layouts import layout_for
from .models import Attachment, ChecklistItem, RoadmapEvent

Automatic = ChecklistItem.Automatic


@dataclass(frozen=True)
class Missing:
    check: str  # a ChecklistItem.Automatic key
    text: str


def _is_empty(application, name):
    value = getattr(application, f"{name}_id" if name == "district_programme" else name)
    return value is None or (isinstance(value, str) and not value.strip())


def missing_items(application):
    """Everything required that is not there yet, in the order of the form.

    Reads the application's tables, attachments and answers through their related
    managers, so a caller that prefetched them pays no extra queries.
    """
    layout = layout_for(application.call)
    found = []
    for spec in layout.fields:
        if spec.required and _is_empty(application, spec.name):
            found.append(Missing(Automatic.REQUIRED_FIELDS, _("Field «%s» is empty.") % spec.label_for()))
    for table in layout.tables:
        if not table.required:
            continue
        if table.key == "roadmap":
            sections = {event.section for event in application.roadmap.all()}
            for section in RoadmapEvent.Section:
                if section.value not in sections:
                    found.append(
                        Missing(Automatic.TABLES, _("The roadmap has no events in section «%s».") % section.label)
                    )
        elif not list(getattr(application, table.key).all()):
            found.append(Missing(Automatic.TABLES, _("Table «%s» has no rows.") % table.title))
    attachments = list(application.attachments.all())
    for spec in layout.attachments:
        if spec.required and not any(a.kind == spec.kind for a in attachments):
            found.append(Missing(Automatic.FILES, _("«%s» is not attached.") % spec.title))
    for attachment in attachments:
        if attachment.kind == Attachment.Kind.VIDEO and attachment.file and not video_length_ok(attachment):
            found.append(Missing(Automatic.VIDEO_LENGTH, _("The video is longer than 3 minutes.")))
    answers = {a.question_id: a for a in application.answers.all()}
    for question in application.call.questions.all():
        answer = answers.get(question.pk)
        if question.required and (answer is None or answer.is_empty):
            found.append(Missing(Automatic.QUESTIONS, _("Question «%s» is not answered.") % question.text))
    return found


def video_length_ok(attachment):
    """Not too long, as far as the portal knows (an unmeasured video is «не проверено», not a problem)."""
    return attachment.duration_seconds is None or attachment.duration_seconds <= Attachment.MAX_VIDEO_SECONDS


def automatic_results(application, missing=None):
    """{automatic key: (ok, [texts])} for the technical check page.

    `ok` is True when the portal checked and found everything, False when it found problems,
    and None when it could not check at all (a video given as a link: its length cannot be
    read): such a line is never shown as checked, the methodist looks at it themselves.
    """
    missing = missing_items(application) if missing is None else missing
    results = {}
    for key in Automatic.values:
        problems = [m.text for m in missing if m.check == key]
        results[key] = (not problems, problems)
    videos = [a for a in application.attachments.all() if a.kind == Attachment.Kind.VIDEO]
    ok, _problems = results[Automatic.VIDEO_LENGTH]
    if ok and any(a.is_link for a in videos):
        text = _("Not checked: the video is given as a link, the portal cannot read its length. Watch it yourself.")
        results[Automatic.VIDEO_LENGTH] = (None, [text])
    elif ok and any(a.file and a.duration_seconds is None for a in videos):
        text = _("Not checked: the portal could not measure the video's length here. Watch it yourself.")
        results[Automatic.VIDEO_LENGTH] = (None, [text])
    return results

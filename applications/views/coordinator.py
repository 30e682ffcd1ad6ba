"""The coordinator's pages: open calls, my applications, the editor, submission, attachments, PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Institution
from innovation_portal.files import serve
from innovation_portal.limits import accepts_upload, limit_uploads
from innovation_portal.pdf import render_pdf
from innovation_portal.permissions import require
from innovation_portal.workflow import TransitionError

from .. import conflicts, selectors, services
from ..completeness import missing_items
from ..document import document
from ..forms import ApplicationForm, AttachmentForm, ExtensionRequestForm, QuestionsForm, table_formsets
from ..layouts import heading_for, layout_for
from ..models import Application, CallFile, ExtensionRequest, RoadmapEvent
from .common import get_application, get_call, visible_calls


@login_required
def calls(request):
    """Calls open now for the user's district; a coordinator sees where their institution stands."""
    user = request.user
    if user.coordinated_institution_ids:
        open_calls = list(selectors.calls_for_coordinator(user))
    else:
        now = timezone.now()
        open_calls = list(visible_calls(user).filter(is_published=True, opens_at__lte=now, closes_at__gte=now))
    mine = {}
    for application in Application.objects.filter(
        call__in=[c.pk for c in open_calls], institution_id__in=user.coordinated_institution_ids
    ).exclude(state=Application.State.WITHDRAWN):
        mine[application.call_id] = application
    rows = [(call, mine.get(call.pk)) for call in open_calls]
    return render(request, "applications/calls.html", {"rows": rows})


@login_required
def call_detail(request, pk):
    call = get_call(request, pk)
    institutions = list(Institution.objects.filter(pk__in=request.user.coordinated_institution_ids))
    eligible = selectors.eligible_institution_ids(call) if institutions else set()
    now = timezone.now()
    earlier = {}
    for application in selectors.earlier_applications([i.pk for i in institutions]):
        earlier.setdefault(application.institution_id, []).append(application)
    requests = {}
    for item in ExtensionRequest.objects.filter(call=call, institution__in=institutions).order_by("created_at", "pk"):
        requests[item.institution_id] = item  # the latest one wins
    offers = []
    for institution in institutions:
        existing = call.applications.filter(institution=institution).exclude(state=Application.State.WITHDRAWN).first()
        deadline = selectors.deadline_for(call, institution)
        offers.append(
            {
                "institution": institution,
                "application": existing,
                "deadline": deadline,
                "earlier": earlier.get(institution.pk, []),
                "late": now > deadline and (existing is None or existing.is_editable),
                "request": requests.get(institution.pk),
                "can_start": existing is None
                and institution.pk in eligible
                and call.is_published
                and call.opens_at <= now <= deadline,
            }
        )
    return render(
        request,
        "applications/call_detail.html",
        {
            "call": call,
            "files": call.files.all(),
            "criteria": call.criteria.all(),
            "checklist": call.checklist.order_by("order", "pk"),
            "offers": offers,
            "layout": layout_for(call),
        },
    )


@login_required
def ask_extension(request, pk):
    """After the deadline: ask the methodology centre for a later one, with the reason."""
    call = get_call(request, pk)
    require(request.user, "applications.apply")
    institutions = Institution.objects.filter(pk__in=request.user.coordinated_institution_ids)
    form = ExtensionRequestForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_extension(
                call, form.cleaned_data["institution"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request has been sent to the methodology centre."))
            return redirect("applications:call", pk=call.pk)
    return render(request, "applications/ask_extension.html", {"call": call, "form": form})


@login_required
def call_file(request, pk, file_pk):
    call = get_call(request, pk)
    document = get_object_or_404(CallFile, call=call, pk=file_pk)
    return serve(document.file, document.original_name or None)


@login_required
@require_POST
def apply(request, pk):
    call = get_call(request, pk)
    require(request.user, "applications.apply")
    chosen = request.POST.get("institution", "")
    institution = get_object_or_404(
        Institution, pk=int(chosen) if chosen.isdecimal() else None, pk__in=request.user.coordinated_institution_ids
    )
    source = None
    if request.POST.get("copy_from"):
        source = _earlier_application(request.POST["copy_from"], institution.pk)
        if source is None:
            messages.error(request, _("Choose one of your institution's earlier applications to copy from."))
            return redirect("applications:call", pk=call.pk)
    try:
        application = services.start_application(call, institution, by=request.user, copy_from=source)
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("applications:call", pk=call.pk)
    messages.success(request, _("A draft is open. It is saved each time you press «Save»."))
    return redirect("applications:edit", pk=application.pk)


def _earlier_application(value, institution_id, exclude=None):
    """The institution's application with this id (any call, any state), or None."""
    if not str(value).isdecimal():  # «²» is a digit, but not a number
        return None
    return selectors.earlier_applications([institution_id]).exclude(pk=exclude).filter(pk=value).first()


@login_required
def my_applications(request):
    require(request.user, "applications.apply")
    return render(
        request, "applications/my_applications.html", {"applications": selectors.applications_of(request.user)}
    )


def _document_context(application):
    missing = missing_items(application)
    return {
        "application": application,
        "call": application.call,
        "layout": layout_for(application.call),
        "heading": heading_for(application.call),
        "doc": document(application),
        "missing": missing,
    }


@login_required
def detail(request, pk):
    application = get_application(
        request, pk, queryset=selectors.with_contents(selectors.visible_applications(request.user))
    )
    user = request.user
    context = _document_context(application)
    resubmitted, changes = selectors.resubmission_changes(application)
    context.update(
        {
            "can_take_back": user.has_perm("applications.take_back_application", application)
            and services.take_back_refusal(application) is None,
            "resubmitted": resubmitted,
            "changes": changes,
            "can_edit": user.has_perm("applications.edit_application", application),
            "can_withdraw": user.has_perm("applications.withdraw_application", application),
            "can_check": user.has_perm("applications.check_application", application)
            and application.state in Application.WAITING_CHECK,
            "deadline": selectors.submission_deadline(application) if application.is_editable else None,
            "events": application.events.all(),
        }
    )
    return render(request, "applications/detail.html", context)


def _editor_context(application, form, formsets, questions_form, attachment_form):
    layout = layout_for(application.call)
    sections = []
    for section in layout.sections:
        tables = []
        for table in section.tables:
            if table.key == "roadmap":
                tables.extend(
                    {"key": f"roadmap{value}", "title": label, "formset": formsets[f"roadmap{value}"]}
                    for value, label in RoadmapEvent.Section.choices
                )
            else:
                tables.append({"key": table.key, "title": table.title, "formset": formsets[table.key]})
        sections.append(
            {
                "number": section.number,
                "title": section.title,
                "fields": [form[f.name] for f in section.fields],
                "tables": tables,
                "attachments": section.attachments,
            }
        )
    return {
        "application": application,
        "call": application.call,
        "heading": heading_for(application.call),
        "header_fields": [form[f.name] for f in layout.header_fields],
        "sections": sections,
        "form": form,
        "questions_form": questions_form,
        "attachment_form": attachment_form,
        "attachments": list(application.attachments.all()),
        "missing": missing_items(application),
        "deadline": selectors.submission_deadline(application),
        "earlier": list(services.earlier_applications(application)),
    }


def _editable_application(request, pk):
    application = get_application(
        request, pk, queryset=selectors.with_contents(selectors.visible_applications(request.user))
    )
    if not request.user.has_perm("applications.edit_application", application):
        if (
            request.user.has_perm("applications.open_application", application)
            and application.institution_id in request.user.coordinated_institution_ids
        ):
            return application, redirect("applications:detail", pk=application.pk)
        raise PermissionDenied
    return application, None


def _wants_attachment(request):
    return bool(request.FILES.get("attach-file") or request.POST.get("attach-video_url", "").strip())


def _table_titles(context):
    return {table["key"]: table["title"] for section in context["sections"] for table in section["tables"]}


def _revision(request):
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else None


@login_required
@accepts_upload()
@limit_uploads
def edit(request, pk):
    """The application editor: every section of the form, its tables and attachments, on one page.

    «Save» keeps a draft whatever is missing; «Submit» saves and then hands it in. Nothing
    typed is lost: on an error the page comes back with what was sent. A save based on an older
    revision than the stored one (another tab, another coordinator) writes nothing and shows
    both versions of everything that differs, to keep either, field by field.
    """
    application, refusal = _editable_application(request, pk)
    if refusal:
        messages.info(request, _("The application has been submitted and can no longer be edited."))
        return refusal
    if request.method == "POST" and request.POST.getlist("delete-attachment"):
        # Files removed in the editor whose undo window was still open (uploads.js): gone
        # whether or not the rest of the form is valid, as uploads are kept either way.
        services.remove_attachments(application, request.POST.getlist("delete-attachment"))
    questions = application.call.questions.all()
    answers = {a.question_id: a for a in application.answers.all()}
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ApplicationForm(data, instance=application)
    formsets = table_formsets(application, data)
    questions_form = QuestionsForm(data, files, questions=questions, answers=answers)
    wants_attachment = data is not None and _wants_attachment(request)
    attachment_form = AttachmentForm(
        data if wants_attachment else None,
        files if wants_attachment else None,
        application=application,
        prefix="attach",
    )
    conflict = None
    if request.method == "POST":
        # Validate every part (no short-circuit), so that all errors show at once.
        tables_valid = [formset.is_valid() for formset in formsets.values()]
        forms_valid = form.is_valid() & all(tables_valid) & questions_form.is_valid()
        attachment_valid = not attachment_form.is_bound or attachment_form.is_valid()
        keys, chosen = conflicts.choices_from(request.POST)
        if forms_valid and attachment_valid and len(chosen) < len(keys):
            conflict = _conflict(application, form, formsets, questions_form, chosen)
            messages.error(request, _("Choose which version to keep for each difference, then save again."))
        elif forms_valid and attachment_valid:
            answer_values = questions_form.answer_values()
            saved_formsets = dict(formsets)
            if chosen:
                _keep_theirs(application, form, saved_formsets, answer_values, chosen)
            try:
                _save(
                    application,
                    form=form,
                    formsets=saved_formsets,
                    questions_form=questions_form,
                    answers=answer_values,
                    based_on=_revision(request),
                    by=request.user,
                )
                if attachment_form.is_bound:
                    services.add_attachment(
                        application,
                        kind=attachment_form.cleaned_data["kind"],
                        by=request.user,
                        upload=attachment_form.cleaned_data.get("file"),
                        video_url=attachment_form.cleaned_data.get("video_url") or "",
                        duration=attachment_form.duration,
                    )
            except conflicts.EditConflict as error:
                conflict = _conflict(error.current, form, formsets, questions_form, {})
                messages.error(
                    request, _("Nothing was saved: the application was saved elsewhere. Choose below what to keep.")
                )
            except TransitionError as error:
                messages.error(request, str(error))
                return redirect("applications:detail", pk=application.pk)
            else:
                if "submit" in request.POST:
                    return _submit(request, Application.objects.get(pk=application.pk))
                messages.success(request, _("Saved."))
                return redirect("applications:edit", pk=application.pk)
        else:
            messages.error(request, _("Nothing was saved yet: correct the fields marked in red and save again."))
    context = _editor_context(application, form, formsets, questions_form, attachment_form)
    context["revision"] = conflict["revision"] if conflict else (_revision(request) or application.revision)
    if request.method == "GET":
        context["revision"] = application.revision
    context["conflict"] = conflict
    return render(request, "applications/edit.html", context, status=409 if conflict else 200)


def _save(application, *, form, formsets, questions_form, based_on, **kwargs):
    """services.save_draft(); a revision moved on only by saves of this same text is no conflict.

    (An autosave of this page that arrived just before its «Save», or a second tab that saved
    exactly what this one holds.)
    """
    try:
        return services.save_draft(application, form=form, formsets=formsets, based_on=based_on, **kwargs)
    except conflicts.EditConflict as error:
        found = conflicts.differences(
            error.current, form=form, formsets=formsets, questions_form=questions_form, titles={}
        )
        if found:
            raise
        return services.save_draft(application, form=form, formsets=formsets, based_on=error.current.revision, **kwargs)


def _conflict(stored, form, formsets, questions_form, chosen):
    """The conflict panel: what is stored now against what this page sent."""
    stored = Application.objects.select_related("saved_by").get(pk=stored.pk)
    layout_context = _editor_context(stored, form, formsets, questions_form, None)
    found = conflicts.differences(
        stored, form=form, formsets=formsets, questions_form=questions_form, titles=_table_titles(layout_context)
    )
    for difference in found:
        difference.choice = chosen.get(difference.key, "")
    who = stored.saved_by.get_full_name() if stored.saved_by else ""
    when = date_format(timezone.localtime(stored.updated_at), "j E, H:i")
    if who:
        message = _(
            "While you were editing, the application was saved by %(who)s at %(when)s. Your changes are not "
            "saved yet: for each difference below choose which text to keep, then save."
        ) % {"who": who, "when": when}
    else:
        message = _(
            "While you were editing, the application was saved elsewhere at %(when)s. Your changes are not "
            "saved yet: for each difference below choose which text to keep, then save."
        ) % {"when": when}
    return {"differences": found, "revision": stored.revision, "message": message}


def _keep_theirs(application, form, formsets, answer_values, chosen):
    """Apply «keep the saved one» choices: the stored value stays for those fields, tables and answers."""
    stored = Application.objects.get(pk=application.pk)
    for key, choice in chosen.items():
        if choice != conflicts.THEIRS:
            continue
        if key.startswith("table:"):
            formsets.pop(key.removeprefix("table:"), None)
        elif key.startswith("q") and key[1:].isdigit():
            for question in list(answer_values):
                if question.pk == int(key[1:]):
                    del answer_values[question]
        elif key in form.cleaned_data:
            form.cleaned_data[key] = getattr(stored, key)


def _submit(request, application):
    try:
        # The moment the request reached the portal counts, not when its turn to be processed came.
        services.submit(application, by=request.user, now=getattr(request, "arrived_at", None))
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("applications:edit", pk=application.pk)
    messages.success(request, _("The application has been submitted. The methodology centre has been told."))
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
def autosave(request, pk):
    """Save in the background everything the page holds that is valid, and say what is not saved.

    Answers {saved, message, revision, tables: {prefix: [row id per form]}, unsaved: [...]}.
    A page based on an older revision saves nothing (409): the person saves with the button
    and chooses between the versions.
    """
    application, refusal = _editable_application(request, pk)
    if refusal:
        return JsonResponse({"saved": False, "message": _("The application can no longer be edited.")}, status=409)
    if request.POST.getlist("conflict"):
        return JsonResponse(
            {"saved": False, "conflict": True, "message": _("Choose which version to keep, then press «Save».")},
            status=409,
        )
    form = ApplicationForm(request.POST, instance=application)
    formsets = table_formsets(application, request.POST)
    questions_form = QuestionsForm(request.POST, None, questions=application.call.questions.all(), answers={})
    form.is_valid()
    questions_form.is_valid()
    unsaved = [
        f"«{part.fields[name].label}»: {' '.join(errors)}"
        for part in (form, questions_form)
        for name, errors in part.errors.items()
        if name in part.fields
    ]
    titles = _table_titles(_editor_context(application, form, formsets, questions_form, None))
    valid_tables = {}
    for key, formset in formsets.items():
        if formset.is_valid():
            valid_tables[key] = formset
        else:
            unsaved.append(
                _("table «%(table)s»: %(errors)s") % {"table": titles.get(key, key), "errors": _formset_errors(formset)}
            )
    answers = {
        question: value
        for question, value in questions_form.answer_values().items()
        if f"q{question.pk}" not in questions_form.errors
    }
    try:
        saved = _save(
            application,
            form=form,
            formsets=valid_tables,
            questions_form=questions_form,
            answers=answers,
            based_on=_revision(request),
            by=request.user,
            fields=[name for name in form.fields if name not in form.errors],
        )
    except conflicts.EditConflict as error:
        stored = error.current
        who = stored.saved_by.get_full_name() if stored.saved_by else _("someone else")
        return JsonResponse(
            {
                "saved": False,
                "conflict": True,
                "message": _(
                    "Not saved: %(who)s saved this application at %(when)s after you opened it. Press «Save» to "
                    "compare the versions and choose what to keep."
                )
                % {"who": who, "when": date_format(timezone.localtime(stored.updated_at), "H:i")},
            },
            status=409,
        )
    except TransitionError:  # submitted in another tab while this save was on its way
        return JsonResponse({"saved": False, "message": _("The application can no longer be edited.")}, status=409)
    when = date_format(timezone.localtime(), "H:i")
    if unsaved:
        message = _("Saved automatically at %(when)s, except: %(what)s") % {"when": when, "what": "; ".join(unsaved)}
    else:
        message = _("Saved automatically at %s") % when
    return JsonResponse(
        {
            "saved": True,
            "message": message,
            "unsaved": unsaved,
            "revision": Application.objects.only("revision").get(pk=application.pk).revision,
            "tables": {key: [pk or "" for pk in ids] for key, ids in saved.items()},
        }
    )


def _formset_errors(formset):
    parts = [" ".join(formset.non_form_errors())] if formset.non_form_errors() else []
    number = 0
    for form in formset.forms:
        if formset._should_delete_form(form):
            continue
        number += 1
        if form.errors:
            texts = [
                f"{form.fields[name].label if name in form.fields else ''} — {' '.join(errors)}"
                for name, errors in form.errors.items()
            ]
            parts.append(_("row %(number)s: %(errors)s") % {"number": number, "errors": "; ".join(texts)})
    return "; ".join(parts)


@login_required
@require_POST
def submit(request, pk):
    application = get_application(request, pk)
    require(request.user, "applications.submit_application", application)
    return _submit(request, application)


def _typed(request, name, limit):
    """A short text from the form as the database can keep it: PostgreSQL refuses a NUL byte in text."""
    return request.POST.get(name, "").replace("\x00", "")[:limit]


@login_required
@require_POST
def withdraw(request, pk):
    application = get_application(request, pk)
    require(request.user, "applications.withdraw_application", application)
    try:
        services.withdraw(application, by=request.user, reason=_typed(request, "reason", 1000))
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application has been withdrawn."))
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
def take_back(request, pk):
    """«Забрать на исправление»: back to a draft with everything in it, to correct and submit again."""
    application = get_application(request, pk)
    require(request.user, "applications.take_back_application", application)
    try:
        services.take_back(application, by=request.user, reason=_typed(request, "reason", 1000))
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("applications:detail", pk=application.pk)
    messages.success(
        request, _("The application is a draft again with everything in it: correct it and submit it again.")
    )
    return redirect("applications:edit", pk=application.pk)


@login_required
@require_POST
def copy_last(request, pk):
    application, refusal = _editable_application(request, pk)
    if refusal:
        return refusal
    try:
        if request.POST.get("source"):
            source = _earlier_application(request.POST["source"], application.institution_id, exclude=application.pk)
            if source is None:
                raise TransitionError(_("Choose one of your institution's earlier applications to copy from."))
            services.copy_into(application, source, by=request.user)
        else:
            source = services.copy_from_last(application, by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("applications:edit", pk=application.pk)
    if source is None:
        messages.info(request, _("Your institution has no earlier application to copy from."))
    else:
        messages.success(
            request, _("Empty fields, tables and files were filled from the application to «%s».") % source.call
        )
    return redirect("applications:edit", pk=application.pk)


@login_required
def pdf(request, pk):
    application = get_application(
        request, pk, queryset=selectors.with_contents(selectors.visible_applications(request.user))
    )
    content = render_pdf("applications/pdf/application.html", _document_context(application))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="application-{application.pk}.pdf"'
    return response


@login_required
def attachment(request, pk, attachment_pk):
    application = get_application(request, pk)
    item = get_object_or_404(application.attachments, pk=attachment_pk)
    if item.is_link:
        return redirect(item.video_url)
    return serve(item.file, item.original_name or None)


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    application, refusal = _editable_application(request, pk)
    if refusal:
        return refusal
    item = get_object_or_404(application.attachments, pk=attachment_pk)
    services.remove_attachment(item)
    messages.success(request, _("The file has been removed."))
    return redirect("applications:edit", pk=application.pk)


@login_required
def answer_file(request, pk, question_pk):
    application = get_application(request, pk)
    answer = get_object_or_404(application.answers, question_id=question_pk)
    return serve(answer.file, answer.original_name or None)

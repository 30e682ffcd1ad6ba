"""The expert's pages: my assignments, the application with the score form, declining, files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.document import document
from applications.layouts import heading_for, layout_for
from applications.selectors import content_prefetches
from innovation_portal.files import serve
from innovation_portal.permissions import require
from innovation_portal.workflow import TransitionError

from .. import selectors, services
from ..forms import DeclineForm, ReviewForm
from ..models import Assignment, Review

# What identifies the applicant: hidden from experts of a blind call.
ORGANISATION_FIELDS = {"org_full_name", "org_legal_address", "org_head", "org_website", "manager_name"}


def _require_expert(request):
    require(request.user, "expertise.review")


def get_assignment(request, pk, queryset=None):
    """The expert's own assignment (never of their institution's application), else 404 for anyone."""
    return get_object_or_404(queryset if queryset is not None else selectors.visible_assignments(request.user), pk=pk)


def expert_document(application):
    """The application as the official form, without the organisation block in a blind call."""
    doc = document(application)
    if application.call.blind:
        layout = layout_for(application.call)
        doc["sections"] = [
            section
            for spec, section in zip(layout.sections, doc["sections"], strict=True)
            if not {f.name for f in spec.fields} & ORGANISATION_FIELDS
        ]
    return doc


@login_required
def mine(request):
    _require_expert(request)
    assignments = list(selectors.my_assignments(request.user))
    progress = selectors.progress_by_call(assignments)
    done = sum(p.done for _call, p in progress)
    total = sum(p.total for _call, p in progress)
    return render(
        request,
        "expertise/mine.html",
        {"assignments": assignments, "progress": progress, "done": done, "total": total, "today": timezone.localdate()},
    )


@login_required
def review(request, pk):
    """The application in its official layout beside the score form; save, submit, or save and go on."""
    # The assignment with its application, call and institution in one row; the document's
    # tables next (not the application's history, which this page does not show).
    assignment = get_assignment(
        request,
        pk,
        selectors.visible_assignments(request.user).select_related(
            "application__call__district", "application__call__status_kind", "application__district_programme"
        ),
    )
    application = assignment.application
    prefetch_related_objects([application], *content_prefetches())
    call = application.call
    criteria = list(call.criteria.all())
    # The expert's own review and the others' in one query, their scores in one more.
    reviews = selectors.reviews_beside(assignment)
    current = next((r for r in reviews if r.assignment_id == assignment.pk), None)
    refusal = services.edit_refusal(assignment)
    form = ReviewForm(request.POST or None, criteria=criteria, review=current, disabled=bool(refusal))
    if request.method == "POST" and not refusal and form.is_valid():
        action = request.POST.get("action", "save")
        try:
            services.save_review(
                assignment,
                by=request.user,
                scores=form.scores(),
                overall_comment=form.cleaned_data["overall_comment"],
                recommendation=form.cleaned_data["recommendation"],
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            submitted = True
            if action == "submit" and (current is None or current.state == Review.State.DRAFT):
                try:
                    services.submit_review(assignment, by=request.user)
                except TransitionError as error:
                    submitted = False
                    form.add_error(None, str(error))
                    messages.info(request, _("Your scores are saved as a draft."))
            if submitted:
                messages.success(
                    request, _("The review is submitted.") if action == "submit" else _("The review is saved.")
                )
                if action == "next":
                    following = selectors.next_open_assignment(request.user, assignment)
                    if following is not None:
                        return redirect("expertise:review", pk=following.pk)
                    return redirect("expertise:mine")
                return redirect("expertise:review", pk=assignment.pk)
    if request.method == "POST":
        current = Review.objects.filter(assignment=assignment).first()
    own_submitted = current is not None and current.is_counted
    show_others = own_submitted or not call.reviews_hidden_until_submitted
    return render(
        request,
        "expertise/review.html",
        {
            "assignment": assignment,
            "application": application,
            "call": call,
            "heading": heading_for(call),
            "doc": expert_document(application),
            "form": form,
            "review": current,
            "refusal": refusal,
            "others": [r for r in reviews if r.assignment_id != assignment.pk] if show_others else None,
            "others_hidden": not show_others,
            "can_decline": assignment.is_open and not own_submitted,
        },
    )


@login_required
def decline(request, pk):
    assignment = get_assignment(
        request, pk, selectors.visible_assignments(request.user).filter(state__in=Assignment.OPEN)
    )
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline(
                assignment,
                by=request.user,
                reason=form.cleaned_data["reason"],
                conflict=form.cleaned_data["kind"] == DeclineForm.CONFLICT,
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The methodology centre has been told; the application is off your list."))
            return redirect("expertise:mine")
    return render(request, "expertise/decline.html", {"assignment": assignment, "form": form})


@login_required
def attachment(request, pk, attachment_pk):
    assignment = get_assignment(request, pk)
    item = get_object_or_404(assignment.application.attachments, pk=attachment_pk)
    if item.is_link:
        return redirect(item.video_url)
    return serve(item.file, item.original_name or None)


@login_required
def answer_file(request, pk, question_pk):
    assignment = get_assignment(request, pk)
    answer = get_object_or_404(assignment.application.answers, question_id=question_pk)
    return serve(answer.file, answer.original_name or None)


@login_required
def my_presentations(request):
    require(request.user, "expertise.see_presentations")
    return render(
        request, "expertise/my_presentations.html", {"presentations": selectors.my_presentations(request.user)}
    )

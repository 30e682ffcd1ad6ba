"""Pages of the publications app: thin, they parse input, call a service and render."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovation_portal.caching import cache_for_anonymous
from innovation_portal.files import serve
from innovation_portal.limits import limit_uploads
from innovation_portal.permissions import require
from innovation_portal.workflow import TransitionError

from . import selectors, services
from .forms import (
    ArticleForm,
    AuthorFormSet,
    CollectionForm,
    FrontMatterForm,
    LengthExceptionForm,
    NewArticleForm,
    ReopenForm,
    ReviewForm,
    SectionForm,
    WordUploadForm,
)
from .models import Article, ArticleAuthor, BookBuild, Collection, Series, WordImport
from .models.article import MAX_PAGES, MIN_PAGES

log = logging.getLogger(__name__)


def _managed_collection(request, pk):
    collection = get_object_or_404(selectors.collections_managed_by(request.user), pk=pk)
    require(request.user, "publications.manage_collection", collection)
    return collection


def _visible_article(request, pk):
    return get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)


def _length_message(request, article):
    article.refresh_from_db(fields=["page_length", "length_version", "content_version"])
    if article.length_out_of_range:
        low, high = article.page_limits
        messages.warning(
            request,
            _("The article takes %(length)s in the book; the call asks for %(min)d–%(max)d.")
            % {"length": article.length_display, "min": low, "max": high},
        )


# --- Public --------------------------------------------------------------------------------


def index(request):
    return render(request, "publications/index.html", {"collections": selectors.published_collections()})


def _published(pk):
    return get_object_or_404(
        Collection.objects.select_related("series", "district", "published_build"),
        pk=pk,
        status=Collection.Status.PUBLISHED,
    )


# Articles share their table with the drafts being written: an author's save still renews the page.
@cache_for_anonymous(
    "publications.Collection",
    "publications.Series",
    "publications.CollectionSection",
    "publications.Article",
    "publications.ArticleAuthor",
    "publications.BookBuild",
    "publications.ArticlePdf",
    "accounts.Institution",
    "accounts.District",
)
def collection_public(request, pk):
    collection = _published(pk)
    return render(
        request,
        "publications/collection_public.html",
        {"collection": collection, "articles": selectors.published_articles(collection)},
    )


def book_public(request, pk):
    collection = _published(pk)
    build = collection.published_build
    if build is None:
        raise Http404
    return serve(build.pdf, f"{collection.title[:80]}.pdf", inline=True)


def article_pdf_public(request, pk, article_pk):
    collection = _published(pk)
    if collection.published_build is None:  # its build was deleted after publishing
        raise Http404
    item = get_object_or_404(collection.published_build.article_pdfs.all(), article_id=article_pk)
    return serve(item.pdf, f"article-{article_pk}.pdf", inline=True)


# --- Authors (coordinators) ----------------------------------------------------------------


@login_required
def my_articles(request):
    require(request.user, "publications.write_articles")
    calls = list(selectors.open_calls_for(request.user))
    reopened = selectors.reopenings_for(request.user, calls)
    now = timezone.now()
    for collection in calls:
        collection.reopened_until = reopened.get(collection.pk)
    # Only collections this author can still write for: before the deadline, or reopened for them.
    calls = [c for c in calls if c.deadline >= now or c.reopened_until]
    return render(
        request, "publications/my_articles.html", {"calls": calls, "articles": selectors.my_articles(request.user)}
    )


@login_required
def article_create(request, pk):
    require(request.user, "publications.write_articles")
    collection = get_object_or_404(selectors.open_calls_for(request.user), pk=pk)
    institutions = [
        a.institution
        for a in request.user.role_assignments
        if a.institution_id
        and a.institution_id in request.user.coordinated_institution_ids
        and a.institution.district_id == collection.district_id
    ]
    form = NewArticleForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.start_article(
                collection,
                institution=form.cleaned_data["institution"],
                by=request.user,
                title=form.cleaned_data["title"],
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is created. Write the article or upload it from Word."))
            return redirect("publications:article_edit", article.pk)
    return render(request, "publications/article_create.html", {"collection": collection, "form": form})


def _detail_context(request, article, review_form=None):
    article = (
        Article.objects.select_related("collection", "institution", "submitted_by", "section")
        .prefetch_related(
            Prefetch("authors", queryset=ArticleAuthor.objects.select_related("institution")),
            "comments__author",
            "events__by",
        )
        .get(pk=article.pk)
    )
    user = request.user
    return {
        "article": article,
        "review_form": review_form or ReviewForm(),
        "can_review": user.has_perm("publications.review_article", article),
        "can_edit": user.has_perm("publications.edit_article", article),
        "can_submit": user.has_perm("publications.submit_article", article),
        "can_withdraw": user.has_perm("publications.withdraw_article", article),
        "missing": services.missing_parts(article) if article.is_editable else [],
        "awaiting_editor": article.state in Article.AWAITING_EDITOR,
        "can_take": article.state in {Article.State.SUBMITTED, Article.State.RESUBMITTED},
        "min_pages": MIN_PAGES,
        "max_pages": MAX_PAGES,
        "length_refusal": services.length_refusal(article) if article.is_editable else "",
    }


@login_required
def article_detail(request, pk):
    article = _visible_article(request, pk)
    require(request.user, "publications.open_article", article)
    return render(request, "publications/article_detail.html", _detail_context(request, article))


def _author_initial(article):
    return [
        {
            "full_name": a.full_name,
            "position": a.position,
            "institution": a.institution_id,
            "institution_name": a.institution_name,
        }
        for a in article.authors.all()
    ]


@login_required
def article_edit(request, pk):
    article = _visible_article(request, pk)
    if article.institution_id in request.user.coordinated_institution_ids and not request.user.has_perm(
        "publications.edit_article", article
    ):
        # The author followed an old link or bookmark: show the article, say why it is not editable.
        messages.info(
            request,
            _("The article is «%(state)s» and cannot be changed now; here it is as it was sent.")
            % {"state": article.get_state_display()},
        )
        return redirect("publications:article_detail", article.pk)
    require(request.user, "publications.edit_article", article)
    district = article.collection.district_id
    form = ArticleForm(request.POST or None, instance=article)
    formset = AuthorFormSet(
        request.POST or None, initial=_author_initial(article), prefix="authors", form_kwargs={"district": district}
    )
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.save_article(article, by=request.user, fields=fields, authors=formset.authors())
            except TransitionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The article is saved."))
                _length_message(request, article)
                return redirect("publications:article_detail", article.pk)
        else:
            messages.error(request, _("The article is not saved: correct the fields marked below."))
    return render(
        request,
        "publications/article_edit.html",
        {"article": article, "form": form, "formset": formset, "min_pages": MIN_PAGES, "max_pages": MAX_PAGES},
    )


@login_required
@limit_uploads
def article_upload(request, pk):
    article = _visible_article(request, pk)
    require(request.user, "publications.edit_article", article)
    form = WordUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Only kept and queued here: the checks and the conversion run in the background.
            job = services.start_word_import(article, by=request.user, upload=upload)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            return redirect("publications:word_import", article.pk, job.pk)
    return render(request, "publications/article_upload.html", {"article": article, "form": form, "job": None})


@login_required
def word_import(request, pk, job_pk):
    """The upload's progress: the whole page, or (htmx polling) its progress block."""
    article = _visible_article(request, pk)
    require(request.user, "publications.open_article", article)
    if article.institution_id not in request.user.coordinated_institution_ids:
        raise Http404
    job = get_object_or_404(article.word_imports.all(), pk=job_pk)
    if not job.is_finished:
        services.expire_stale_imports(WordImport.objects.filter(pk=job.pk))
        job.refresh_from_db()
    context = {"article": article, "job": job, "form": WordUploadForm()}
    if request.htmx:
        return render(request, "publications/_word_import.html", context)
    return render(request, "publications/article_upload.html", context)


@login_required
def article_length(request, pk):
    """The page estimate of the article (htmx polls it while the length is being measured)."""
    article = _visible_article(request, pk)
    require(request.user, "publications.open_article", article)
    return render(
        request,
        "publications/_article_length.html",
        {"article": article, "length_refusal": services.length_refusal(article) if article.is_editable else ""},
    )


@login_required
@require_POST
def article_submit(request, pk):
    article = _visible_article(request, pk)
    require(request.user, "publications.submit_article", article)
    try:
        services.submit_article(article, by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The article is sent to the editor."))
    return redirect("publications:article_detail", article.pk)


@login_required
@require_POST
def article_withdraw(request, pk):
    article = _visible_article(request, pk)
    require(request.user, "publications.withdraw_article", article)
    try:
        services.withdraw_article(article, by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The article is withdrawn."))
    return redirect("publications:article_detail", article.pk)


# --- Editors -------------------------------------------------------------------------------


@login_required
@require_POST
def article_review(request, pk):
    article = _visible_article(request, pk)
    require(request.user, "publications.review_article", article)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("publications:article_detail", article.pk)
    action, comment, section = form.cleaned_data["action"], form.cleaned_data["comment"], form.cleaned_data["section"]
    try:
        if action == "take":
            services.take_for_review(article, by=request.user)
        elif action == "comment":
            services.add_comment(article, by=request.user, text=comment, section=section)
        elif action == "revise":
            services.request_revisions(article, by=request.user, comment=comment, section=section)
        elif action == "accept":
            services.accept_article(article, by=request.user, comment=comment)
        else:
            services.reject_article(article, by=request.user, reason=comment)
    except TransitionError as error:
        # Show the page again with what the editor typed, and the reason it was refused.
        messages.error(request, str(error))
        return render(request, "publications/article_detail.html", _detail_context(request, article, form))
    messages.success(request, _("Done."))
    return redirect("publications:article_detail", article.pk)


@login_required
def desk(request):
    require(request.user, "publications.use_desk")
    return render(request, "publications/desk.html", {"collections": selectors.desk_collections(request.user)})


@login_required
def collection_create(request):
    require(request.user, "publications.use_desk")
    districts = request.user.district_ids(*selectors.EDITOR_ROLES)
    series = Series.objects.filter(district__in=districts) if not request.user.is_superuser else Series.objects.all()
    district = series.first().district if series.exists() else None
    if district is None:
        messages.error(request, _("No series of collections exists yet: a methodist adds one in the back office."))
        return redirect("publications:desk")
    form = CollectionForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        collection = form.save(commit=False)
        collection.district = collection.series.district
        collection.save()
        form.save_m2m()
        messages.success(request, _("The collection is created and its call for articles is open."))
        return redirect("publications:collection_dashboard", collection.pk)
    return render(request, "publications/collection_form.html", {"form": form, "collection": None})


@login_required
def collection_dashboard(request, pk):
    collection = _managed_collection(request, pk)
    articles = list(selectors.collection_articles(collection))
    return render(
        request,
        "publications/collection_dashboard.html",
        {
            "collection": collection,
            "articles": articles,
            "reopen_form": ReopenForm(collection=collection),
            "exception_form": LengthExceptionForm(collection=collection),
            "min_pages": MIN_PAGES,
            "max_pages": MAX_PAGES,
            "exceptions": selectors.without_texts(collection.articles.filter(length_exception_at__isnull=False))
            .select_related("length_exception_by")
            .order_by("-length_exception_at"),
            "reopenings": collection.reopenings.select_related("article", "user").order_by("-until"),
            "moves": [
                (status, label)
                for status, label in Collection.Status.choices
                if Collection.workflow.can_move(collection.status, status)
            ],
        },
    )


@login_required
def collection_edit(request, pk):
    collection = _managed_collection(request, pk)
    form = CollectionForm(request.POST or None, instance=collection, district=collection.district)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The collection is saved."))
        return redirect("publications:collection_dashboard", collection.pk)
    return render(request, "publications/collection_form.html", {"form": form, "collection": collection})


@login_required
def front_matter(request, pk):
    collection = _managed_collection(request, pk)
    form = FrontMatterForm(request.POST or None, instance=collection)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The front matter is saved."))
        return redirect("publications:book", collection.pk)
    return render(request, "publications/front_matter.html", {"form": form, "collection": collection})


@login_required
@require_POST
def collection_status(request, pk):
    collection = _managed_collection(request, pk)
    try:
        services.change_collection_status(collection, request.POST.get("status", ""), by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The collection's status is changed."))
    return redirect("publications:collection_dashboard", collection.pk)


@login_required
@require_POST
def reopen(request, pk):
    collection = _managed_collection(request, pk)
    form = ReopenForm(request.POST, collection=collection)
    if form.is_valid():
        try:
            services.reopen_deadline(
                collection,
                by=request.user,
                until=form.cleaned_data["until"],
                article=form.cleaned_data["article"],
                user=form.cleaned_data["user"],
                reason=form.cleaned_data["reason"],
            )
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The deadline is reopened."))
            return redirect("publications:collection_dashboard", collection.pk)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("publications:collection_dashboard", collection.pk)


@login_required
@require_POST
def length_exception(request, pk):
    collection = _managed_collection(request, pk)
    form = LengthExceptionForm(request.POST, collection=collection)
    if form.is_valid():
        try:
            services.allow_length_exception(
                form.cleaned_data["article"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The article may be sent whatever its length; the author is told."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("publications:collection_dashboard", collection.pk)


def _ids(text):
    return [int(part) for part in (text or "").split(",") if part.strip().isdigit()]


@login_required
def ordering(request, pk):
    collection = _managed_collection(request, pk)
    if request.method == "POST":
        placement = {None: _ids(request.POST.get("section-none"))}
        for key, value in request.POST.items():
            if key.startswith("section-") and key[8:].isdigit():
                placement[int(key[8:])] = _ids(value)
        services.save_order(collection, section_ids=_ids(request.POST.get("sections")), placement=placement)
        messages.success(request, _("The order of the book is saved."))
        return redirect("publications:ordering", collection.pk)
    articles = selectors.book_order(collection)
    sections = list(collection.sections.all())
    by_section = {s.pk: [] for s in sections}
    loose = []
    for article in articles:
        by_section.get(article.section_id, loose).append(article)
    return render(
        request,
        "publications/ordering.html",
        {
            "collection": collection,
            "loose": loose,
            "sections": [(s, by_section[s.pk]) for s in sections],
            "section_form": SectionForm(),
        },
    )


@login_required
@require_POST
def section_add(request, pk):
    collection = _managed_collection(request, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        services.add_section(collection, title=form.cleaned_data["title"])
        messages.success(request, _("The section is added."))
    else:
        messages.error(request, _("Type the section's title."))
    return redirect("publications:ordering", collection.pk)


@login_required
@require_POST
def section_delete(request, pk, section_pk):
    collection = _managed_collection(request, pk)
    section = get_object_or_404(collection.sections.all(), pk=section_pk)
    services.delete_section(section)
    messages.success(request, _("The section is removed; its articles stay in the book."))
    return redirect("publications:ordering", collection.pk)


@login_required
def book(request, pk):
    collection = _managed_collection(request, pk)
    if request.method == "POST":
        try:
            services.request_build(collection, by=request.user)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The book is being built."))
        return redirect("publications:book", collection.pk)
    builds = list(selectors.builds_of(collection))
    return render(request, "publications/book.html", {"collection": collection, "builds": builds})


def _managed_build(request, pk):
    build = get_object_or_404(
        BookBuild.objects.select_related("collection").filter(
            collection__in=selectors.collections_managed_by(request.user)
        ),
        pk=pk,
    )
    require(request.user, "publications.manage_collection", build.collection)
    return build


@login_required
def build_status(request, pk):
    build = _managed_build(request, pk)
    return render(request, "publications/_build_progress.html", {"build": build})


@login_required
def build_download(request, pk):
    build = _managed_build(request, pk)
    if build.state != BookBuild.State.DONE:
        raise Http404
    return serve(build.pdf, f"{build.collection.title[:80]}-v{build.version}.pdf")

from django import forms
from django.contrib import admin

from innovation_portal.admin import DistrictScopedAdmin, ScopedTabularInline, StateLabelsMixin

from .models import Article, ArticleAuthor, ArticleEvent, BookBuild, Collection, CollectionSection, Reopening, Series
from .models.article import BODY_FIELDS
from .sanitize import clean_html


@admin.register(Series)
class SeriesAdmin(DistrictScopedAdmin):
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", "district"]


class SectionInline(ScopedTabularInline):
    model = CollectionSection
    extra = 0


@admin.register(Collection)
class CollectionAdmin(DistrictScopedAdmin):
    list_display = ["title", "series", "academic_year", "deadline", "status"]
    list_filter = ["status", "series", "district"]
    search_fields = ["title"]
    autocomplete_fields = ["editors"]
    inlines = [SectionInline]
    # Status and the published book change only through the editorial services (which
    # require a finished build, keep history and tell the authors): see the editor's desk.
    readonly_fields = ["status", "published_build", "published_at"]


class AuthorInline(ScopedTabularInline):
    model = ArticleAuthor
    extra = 0
    raw_id_fields = ["institution"]


class EventInline(StateLabelsMixin, ScopedTabularInline):
    model = ArticleEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "by", "reason", "at"]

    def has_add_permission(self, request, obj=None):
        return False


class ArticleAdminForm(forms.ModelForm):
    """The article body is sanitised here exactly as when authors save it in the portal."""

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin decides which fields it shows

    def clean(self):
        data = super().clean()
        for name in BODY_FIELDS:
            if name in data:
                data[name] = clean_html(data[name] or "")
        return data


@admin.register(Article)
class ArticleAdmin(DistrictScopedAdmin):
    form = ArticleAdminForm
    list_display = ["title", "institution", "collection", "state", "estimated_pages"]
    list_filter = ["state", "collection"]
    search_fields = ["title", "institution__short_name"]
    # The state moves only through the editorial workflow (services), never by hand here.
    readonly_fields = ["state", "state_changed_at", "submitted_at", "accepted_at", "estimated_pages"]
    raw_id_fields = ["submitted_by", "institution", "section"]
    autocomplete_fields = ["collection", "length_exception_by"]
    inlines = [AuthorInline, EventInline]


@admin.register(Reopening)
class ReopeningAdmin(DistrictScopedAdmin):
    list_display = ["collection", "article", "user", "until"]
    raw_id_fields = ["article", "user", "created_by"]
    autocomplete_fields = ["collection"]


@admin.register(BookBuild)
class BookBuildAdmin(DistrictScopedAdmin):
    list_display = ["collection", "version", "state", "progress", "page_count", "finished_at"]
    readonly_fields = ["state", "progress", "message", "started_at", "finished_at", "page_count", "article_pages"]
    autocomplete_fields = ["collection", "requested_by"]

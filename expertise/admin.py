"""Back office: the expert pool, assignments, conflicts, reviews (read-only), presentations, councils."""

from django.contrib import admin

from innovation_portal.admin import DistrictScopedAdmin, RowsLoadedOnceMixin, ScopedTabularInline, StateLabelsMixin

from .models import (
    AgendaItem,
    Assignment,
    ConflictDeclaration,
    CouncilMeeting,
    CouncilMember,
    ExpertProfile,
    Presentation,
    Review,
    ReviewEvent,
    Score,
)


@admin.register(ExpertProfile)
class ExpertProfileAdmin(DistrictScopedAdmin):
    list_display = ["user", "district", "topics", "max_load", "is_active"]
    list_filter = ["district", "is_active"]
    list_editable = ["max_load", "is_active"]
    search_fields = ["user__full_name", "user__email", "topics"]
    autocomplete_fields = ["user"]


class ReviewEventInline(StateLabelsMixin, ScopedTabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ["at", "subject", "from_state", "to_state", "by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(DistrictScopedAdmin):
    list_display = ["expert", "application", "due_date", "state", "assigned_at"]
    list_filter = ["state", "application__call"]
    search_fields = ["expert__full_name", "application__institution__short_name"]
    readonly_fields = ["application", "expert", "state", "state_changed_at", "decline_reason", "assigned_by"]
    inlines = [ReviewEventInline]
    list_select_related = ["expert", "application__institution", "application__call"]

    def has_add_permission(self, request):
        # Assignments are made on the expertise pages, where the conflict rule is checked.
        return False


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(DistrictScopedAdmin):
    list_display = ["expert", "institution", "declared_at"]
    search_fields = ["expert__full_name", "institution__short_name"]
    autocomplete_fields = ["expert", "institution"]
    raw_id_fields = ["application"]


class ScoreInline(ScopedTabularInline):
    model = Score
    extra = 0
    can_delete = False
    fields = ["criterion", "value", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(DistrictScopedAdmin):
    list_display = ["assignment", "state", "recommendation", "submitted_at"]
    list_filter = ["state", "recommendation"]
    readonly_fields = ["assignment", "state", "overall_comment", "recommendation", "submitted_at"]
    autocomplete_fields = ["entered_by"]
    inlines = [ScoreInline]
    list_select_related = [
        "assignment__expert",
        "assignment__application__institution",
        "assignment__application__call",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Presentation)
class PresentationAdmin(DistrictScopedAdmin):
    list_display = ["application", "starts_at", "place"]
    list_filter = ["call"]
    raw_id_fields = ["application"]
    autocomplete_fields = ["call"]


class CouncilMemberInline(RowsLoadedOnceMixin, ScopedTabularInline):
    model = CouncilMember
    extra = 0
    fields = ["order", "full_name", "position", "organisation", "user", "role", "present"]
    autocomplete_fields = ["user"]
    row_select_related = ["user"]


class AgendaInline(RowsLoadedOnceMixin, ScopedTabularInline):
    """The agenda of a meeting (160 applications a year): its queries do not grow with its rows."""

    model = AgendaItem
    extra = 0
    fields = ["order", "application", "title", "decision", "votes_for", "votes_against", "votes_abstained"]
    fields += ["override_reason"]
    # Every application of the district could be picked (1,200 at full scale): an autocomplete.
    autocomplete_fields = ["application"]
    row_select_related = ["application__institution", "application__call"]


@admin.register(CouncilMeeting)
class CouncilMeetingAdmin(DistrictScopedAdmin):
    list_display = ["__str__", "district", "date", "status"]
    list_filter = ["district", "kind", "status"]
    readonly_fields = ["status", "applied_by", "applied_at"]
    inlines = [CouncilMemberInline, AgendaInline]

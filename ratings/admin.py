from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rules.contrib.admin import ObjectPermissionsStackedInline

from innovation_portal.admin import AuditAdmin, DistrictScopedAdmin, ScopedChoicesMixin

from . import services, sources
from .models import Indicator, InterviewSlot, RatingCampaign, RatingCard, RatingEntry, RatingHistory, RatingResult


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ("order", "code", "name", "description", "scoring", "points", "cap", "evidence", "source")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The source is a choice among the sources the portal has now, or entered by hand.
        choices = [("", _("entered by the institution")), *sources.choices()]
        current = self.instance.source
        if current and current not in dict(choices):
            choices.append((current, _("%(key)s (not available now)") % {"key": current}))
        self.fields["source"] = forms.ChoiceField(label=_("source"), required=False, choices=choices)


class IndicatorInline(ScopedChoicesMixin, ObjectPermissionsStackedInline):
    model = Indicator
    form = IndicatorForm
    extra = 0
    fields = (("order", "code"), "name", "description", ("scoring", "points", "cap"), "evidence", "source")


@admin.register(RatingCampaign)
class RatingCampaignAdmin(DistrictScopedAdmin):
    list_display = ("academic_year", "district", "status", "data_deadline", "separate_groups", "published_at")
    list_filter = ("district", "status")
    readonly_fields = ("status", "published_at", "computed_at")
    inlines = [IndicatorInline]
    actions = ["copy_from_previous"]
    fieldsets = (
        (None, {"fields": ("district", "academic_year", "title", "status", "separate_groups")}),
        (
            _("Dates"),
            {
                "fields": (
                    "data_deadline",
                    "reminder_offsets",
                    ("verification_starts", "verification_ends"),
                    "appeal_until",
                    ("interviews_start", "interviews_end"),
                    "publish_on",
                    ("published_at", "computed_at"),
                )
            },
        ),
    )

    @admin.action(description=_("Copy the indicators of the previous campaign"))
    def copy_from_previous(self, request, queryset):
        for campaign in queryset:
            if not request.user.has_perm("ratings.change_ratingcampaign", campaign):
                continue
            previous = services.previous_campaign(campaign)
            if previous is None:
                self.message_user(
                    request, _("%(campaign)s: there is no earlier campaign.") % {"campaign": campaign}, messages.WARNING
                )
                continue
            count = services.copy_indicators(previous, campaign)
            self.message_user(
                request,
                ngettext(
                    "%(campaign)s: %(count)d indicator copied.",
                    "%(campaign)s: %(count)d indicators copied.",
                    count,
                )
                % {"campaign": campaign, "count": count},
            )


@admin.register(RatingCard)
class RatingCardAdmin(DistrictScopedAdmin):
    list_display = ("institution", "campaign", "state", "submitted_at", "verified_at")
    list_filter = ("campaign__district", "campaign__academic_year", "state")
    list_select_related = ("institution", "campaign__district")
    search_fields = ("institution__short_name",)
    readonly_fields = ("state", "submitted_at", "submitted_by", "verified_at", "appealed_at")


@admin.register(InterviewSlot)
class InterviewSlotAdmin(DistrictScopedAdmin):
    list_display = ("starts_at", "ends_at", "place", "booked_by", "campaign")
    list_filter = ("campaign__district", "campaign__academic_year")
    list_select_related = ("booked_by", "campaign__district")
    readonly_fields = ("booked_by", "booked_at")


@admin.register(RatingResult)
class RatingResultAdmin(DistrictScopedAdmin):
    list_display = ("rank", "institution", "total", "group", "group_rank", "campaign")
    list_filter = ("campaign__district", "campaign__academic_year", "group")
    list_select_related = ("institution", "campaign__district")
    # The points per indicator are stored as data (code → points): shown as a table of the indicators.
    exclude = ("points",)
    readonly_fields = ("points_table",)

    @admin.display(description=_("points per indicator"))
    def points_table(self, obj):
        points = obj.points if isinstance(obj.points, dict) else {}
        indicators = list(obj.campaign.indicators.order_by("order", "pk")) if obj.campaign_id else []
        rows = [(indicator.name, points.get(indicator.code, 0)) for indicator in indicators]
        known = {indicator.code for indicator in indicators}
        rows += [
            (_("indicator «%(code)s» (removed)") % {"code": code}, value)
            for code, value in points.items()
            if code not in known
        ]
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("indicator"),
            _("points"),
            format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", ((name, _points(value)) for name, value in rows)),
        )


def _points(value):
    return f"{value:g}".replace(".", ",") if isinstance(value, int | float) else value


@admin.register(RatingHistory)
class RatingHistoryAdmin(AuditAdmin):
    list_display = ("at", "campaign", "card", "from_state", "to_state", "by")
    list_select_related = ("campaign__district", "card__institution", "by")


@admin.register(RatingEntry)
class RatingEntryAdmin(DistrictScopedAdmin):
    list_display = ("title", "card", "indicator", "verification", "points", "automatic")
    list_filter = ("verification", "automatic", "may_count_again")
    list_select_related = ("card__institution", "card__campaign__district", "indicator")

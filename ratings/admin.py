from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rules.contrib.admin import ObjectPermissionsStackedInline

from innovation_portal.admin import AuditAdmin, DistrictScopedAdmin, ScopedChoicesMixin
from innovation_portal.workflow import TransitionError

from . import services, sources
from .models import (
    Indicator,
    InterviewSlot,
    RatingCampaign,
    RatingCard,
    RatingEntry,
    RatingHistory,
    RatingResult,
    SharedEvent,
)


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
    search_fields = ("academic_year", "title", "district__name")
    inlines = [IndicatorInline]
    actions = ["copy_from_previous", "copy_from_district"]
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

    @admin.action(description=_("Copy the indicators of another district's campaign"))
    def copy_from_district(self, request, queryset):
        """A new district starts from another district's indicators: choose the campaign on the next page."""
        campaign = queryset.first()
        if campaign is None or not request.user.has_perm("ratings.change_ratingcampaign", campaign):
            return None
        if queryset.count() > 1:
            self.message_user(request, _("Choose one campaign to copy indicators into."), messages.WARNING)
            return None
        return redirect("admin:ratings_ratingcampaign_copy_from_district", campaign.pk)

    def get_urls(self):
        view = self.admin_site.admin_view(self.copy_from_district_view)
        return [path("<int:pk>/copy-from-district/", view, name="ratings_ratingcampaign_copy_from_district")] + (
            super().get_urls()
        )

    def copy_from_district_view(self, request, pk):
        campaign = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, campaign):
            raise PermissionDenied
        form = CopyFromDistrictForm(request.POST or None, campaign=campaign)
        if request.method == "POST" and form.is_valid():
            source = form.cleaned_data["source"]
            try:
                count = services.copy_indicators(source, campaign)
            except TransitionError as error:
                form.add_error("source", str(error))
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(campaign)s: %(count)d indicator copied from %(source)s.",
                        "%(campaign)s: %(count)d indicators copied from %(source)s.",
                        count,
                    )
                    % {"campaign": campaign, "count": count, "source": source},
                )
                return redirect(reverse("admin:ratings_ratingcampaign_change", args=[campaign.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy the indicators of another district's campaign"),
            "opts": self.model._meta,
            "campaign": campaign,
            "form": form,
        }
        return render(request, "admin/ratings/copy_from_district.html", context)


class CopyFromDistrictForm(forms.Form):
    """Another district's campaign whose indicators a new district starts from.

    Indicators are the rating's public rules, not a district's private data, so every
    district's campaigns are offered here (the rest of the back office stays within the
    methodist's districts).
    """

    source = forms.ModelChoiceField(label=_("copy the indicators of"), queryset=RatingCampaign.objects.none())

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            RatingCampaign.objects.exclude(district_id=campaign.district_id)
            .select_related("district")
            .order_by("district__name", "-academic_year")
        )


class SharedEventForm(forms.ModelForm):
    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = SharedEvent
        fields = ("campaign", "indicator", "title", "date", "level", "link", "institutions")

    def clean(self):
        data = super().clean()
        campaign, indicator = data.get("campaign"), data.get("indicator")
        if campaign and indicator and indicator.campaign_id != campaign.pk:
            self.add_error("indicator", _("Choose an indicator of this campaign."))
        institutions = data.get("institutions")
        if campaign and institutions is not None:
            foreign = [str(i) for i in institutions if i.district_id != campaign.district_id]
            if foreign:
                self.add_error(
                    "institutions",
                    _("Not institutions of the campaign's district: %(names)s.") % {"names": ", ".join(foreign)},
                )
        return data


@admin.register(SharedEvent)
class SharedEventAdmin(DistrictScopedAdmin):
    """A methodist records an event once; it appears as an entry on each participant's card."""

    form = SharedEventForm
    list_display = ("title", "date", "indicator", "campaign", "participants")
    list_filter = ("campaign__district", "campaign__academic_year")
    list_select_related = ("indicator", "campaign__district")
    autocomplete_fields = ("campaign", "institutions", "created_by")
    search_fields = ("title",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("institutions")

    @admin.display(description=_("participating institutions"))
    def participants(self, obj):
        return ", ".join(i.short_name for i in obj.institutions.all())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        count = services.sync_shared_event(form.instance)
        self.message_user(
            request,
            ngettext(
                "The event is on %(count)d institution's card.", "The event is on %(count)d institutions' cards.", count
            )
            % {"count": count},
        )


@admin.register(RatingCard)
class RatingCardAdmin(DistrictScopedAdmin):
    list_display = ("institution", "campaign", "state", "submitted_at", "verified_at")
    list_filter = ("campaign__district", "campaign__academic_year", "state")
    list_select_related = ("institution", "campaign__district")
    search_fields = ("institution__short_name",)
    readonly_fields = ("state", "submitted_at", "submitted_by", "verified_at", "appealed_at")
    autocomplete_fields = ("campaign", "institution")


@admin.register(InterviewSlot)
class InterviewSlotAdmin(DistrictScopedAdmin):
    list_display = ("starts_at", "ends_at", "place", "booked_by", "campaign")
    list_filter = ("campaign__district", "campaign__academic_year")
    list_select_related = ("booked_by", "campaign__district")
    readonly_fields = ("booked_by", "booked_at")
    autocomplete_fields = ("campaign",)


@admin.register(RatingResult)
class RatingResultAdmin(DistrictScopedAdmin):
    list_display = ("rank", "institution", "total", "group", "group_rank", "campaign")
    list_filter = ("campaign__district", "campaign__academic_year", "group")
    list_select_related = ("institution", "campaign__district")
    # The points per indicator are stored as data (code → points): shown as a table of the indicators.
    exclude = ("points",)
    readonly_fields = ("points_table",)
    autocomplete_fields = ("campaign", "institution")

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
    # The indicator has no list of its own to search (it is a campaign's inline): its id.
    autocomplete_fields = ("card", "shared_event", "verified_by")
    raw_id_fields = ("indicator",)

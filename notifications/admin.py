from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from innovation_portal.admin import DistrictScopedAdmin

from . import reminders
from .models import MailTemplate, Notification, ReminderSetting


class ReminderSettingForm(forms.ModelForm):
    class Meta:
        model = ReminderSetting
        fields = ("district", "kind", "offsets")
        widgets = {"kind": forms.Select(choices=[(k, v) for k, v in reminders.KINDS.items()])}

    def clean_offsets(self):
        try:
            values = reminders.parse_offsets(self.cleaned_data["offsets"])
        except ValueError:
            raise forms.ValidationError(
                _("Write whole numbers of days separated by commas, e.g. «7, 1, -1» (at most 365).")
            ) from None
        return ", ".join(str(v) for v in values)


@admin.register(ReminderSetting)
class ReminderSettingAdmin(DistrictScopedAdmin):
    form = ReminderSettingForm
    list_display = ("kind", "offsets", "district")
    list_filter = ("district",)


@admin.register(MailTemplate)
class MailTemplateAdmin(DistrictScopedAdmin):
    list_display = ("kind", "description", "subject", "is_active")
    search_fields = ("kind", "subject", "text")

    def get_queryset(self, request):
        # Letters' wording is shared by the whole installation.
        return admin.ModelAdmin.get_queryset(self, request)


@admin.register(Notification)
class NotificationAdmin(DistrictScopedAdmin):
    list_display = ("title", "user", "kind", "created_at", "mail_status", "mail_attempts", "read_at")
    list_filter = ("mail_status", "kind")
    search_fields = ("title", "user__email", "user__full_name")
    list_select_related = ("user",)
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from innovation_portal.admin import DistrictScopedAdmin, methodist_district_ids

from . import kinds, letters, reminders, services
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


class MailTemplateForm(forms.ModelForm):
    """The kind as a list of Russian names; the placeholders of the letter listed as help.

    The model's clean() compiles the template and tries it on the kind's sample data, so a
    template that would fail is refused here with the error and its line.
    """

    kind = forms.ChoiceField(label=_("kind of letter"), choices=())

    class Meta:
        model = MailTemplate
        fields = ("district", "kind", "description", "subject", "text", "html", "is_active")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if "text" not in self.fields:
            return  # read-only (the installation's default, for a methodist): nothing to offer
        self.fields["kind"].choices = [("", "---------"), *kinds.choices()]
        codes = {self.instance.kind} if self.instance.pk else None
        help_lines = format_html_join(
            mark_safe("<br>"), "<code>{{{{ {} }}}}</code> — {}", letters.placeholder_help(codes)
        )
        self.fields["text"].help_text = format_html("{}<br>{}", _("Placeholders:"), help_lines)
        if request is not None and not request.user.is_superuser:
            # A methodist writes their district's wording; the installation's default is a superuser's.
            self.fields["district"].required = True
            self.fields["district"].empty_label = None


class KindFilter(admin.SimpleListFilter):
    """The kinds of letter by their Russian names (the field stores the code)."""

    title = _("kind of letter")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class KindNameMixin:
    @admin.display(description=_("kind of letter"), ordering="kind")
    def kind_name(self, obj):
        return kinds.name_of(obj.kind)


@admin.register(MailTemplate)
class MailTemplateAdmin(KindNameMixin, DistrictScopedAdmin):
    """Methodists see the installation's defaults (read-only for them) and their districts' own templates."""

    form = MailTemplateForm
    list_display = ("kind_name", "description", "district", "subject", "is_active")
    list_filter = ("is_active", ("district", admin.EmptyFieldListFilter), KindFilter)
    list_select_related = ("district",)
    search_fields = ("kind", "subject", "text")
    actions = ["copy_for_my_district"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithRequest(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return WithRequest

    def get_changeform_initial_data(self, request):
        """`?copy=<pk>`: a new template prefilled from an existing one (the default, usually)."""
        initial = super().get_changeform_initial_data(request)
        source = self.get_queryset(request).filter(pk=request.GET.get("copy") or 0).first()
        if source is not None:
            initial.update(
                {field: getattr(source, field) for field in MailTemplateForm.Meta.fields if field != "district"}
            )
            district_ids = sorted(methodist_district_ids(request.user))
            if district_ids:
                initial["district"] = district_ids[0]
        return initial

    @admin.action(description=_("Create the district's template based on this one"), permissions=["add"])
    def copy_for_my_district(self, request, queryset):
        district_ids = methodist_district_ids(request.user)
        if not district_ids:
            self.message_user(request, _("You are not a methodist of any district."), messages.WARNING)
            return None
        made = services.copy_for_districts(list(queryset), district_ids)
        if len(made) == 1:
            return redirect("admin:notifications_mailtemplate_change", made[0].pk)
        self.message_user(request, _("Templates created: %(count)d.") % {"count": len(made)}, messages.SUCCESS)
        return None


@admin.register(Notification)
class NotificationAdmin(KindNameMixin, DistrictScopedAdmin):
    list_display = ("title", "user", "kind_name", "created_at", "mail_status", "mail_attempts", "read_at")
    # Read-only; the kind by its name, the sending's bookkeeping (claims, dedup keys) left out.
    fields = (
        "user",
        "kind_name",
        "title",
        "body",
        "url",
        "created_at",
        "read_at",
        "mail_status",
        "mail_attempts",
        "mail_sent_at",
        "mail_error",
        "template_error",
    )
    readonly_fields = ("kind_name", "template_error")
    autocomplete_fields = ("user",)
    list_filter = ("mail_status", KindFilter)
    search_fields = ("title", "user__email", "user__full_name")
    list_select_related = ("user",)
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

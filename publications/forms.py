from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Institution, RoleAssignment, User
from innovation_portal.choices import FastSelect
from innovation_portal.files import FileValidator

from .models import Article, Collection, Series
from .models.article import BODY_SECTIONS
from .selectors import without_texts


class RichTextWidget(forms.Textarea):
    """A textarea the page turns into a Quill editor (static/publications/editor.js)."""

    def __init__(self, attrs=None):
        super().__init__({"class": "form-control rich-text", "rows": 8, **(attrs or {})})


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "abstract", "keywords", *[name for name, _label in BODY_SECTIONS], "references"]
        widgets = {
            **{name: RichTextWidget() for name, _label in BODY_SECTIONS},
            "abstract": forms.Textarea(attrs={"rows": 3}),
            "references": forms.Textarea(attrs={"rows": 4}),
        }


class AuthorForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    institution_name = forms.CharField(label=_("Institution (as printed)"), max_length=300, required=False)

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(district=district, is_active=True)


class BaseAuthorFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not rows:
            raise forms.ValidationError(_("Name at least one author."))
        for row in rows:
            if not row.get("institution") and not row.get("institution_name"):
                raise forms.ValidationError(
                    _("For %(name)s choose an institution or type its name.") % {"name": row["full_name"]}
                )

    def authors(self):
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


AuthorFormSet = formset_factory(AuthorForm, formset=BaseAuthorFormSet, extra=1, can_delete=True, max_num=12)


class NewArticleForm(forms.Form):
    title = forms.CharField(label=_("Title of the article"), max_length=400)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=[i.pk for i in institutions])
        if len(institutions) == 1:
            self.fields["institution"].initial = institutions[0].pk
            self.fields["institution"].widget = forms.HiddenInput()


class WordUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Word file (.docx)"),
        validators=[FileValidator("document", max_mb=20)],
        help_text=_("Headings «Введение», «Ход работы», «Методы и результаты», «Результаты», «Выводы» split the text."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("Upload a .docx file (Word 2007 or later)."))
        return file


class ReviewForm(forms.Form):
    ACTIONS = [
        ("take", _("Take for review")),
        ("comment", _("Comment")),
        ("revise", _("Request revisions")),
        ("accept", _("Accept")),
        ("reject", pgettext_lazy("article", "Decline")),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    section = forms.ChoiceField(
        label=_("Part of the article"), choices=[("", _("the whole article"))] + BODY_SECTIONS, required=False
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class CollectionForm(forms.ModelForm):
    deadline = forms.DateTimeField(
        label=_("Deadline for articles"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Moscow time."),
    )

    class Meta:
        model = Collection
        fields = ["series", "title", "year", "issue_number", "academic_year", "requirements", "deadline", "editors", "page_size"]  # fmt: skip
        widgets = {"requirements": forms.Textarea(attrs={"rows": 8}), "editors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = Series.objects.filter(district=district)
        self.fields["editors"].queryset = User.objects.filter(
            roles__district=district, roles__role__in=[RoleAssignment.Role.EDITOR, RoleAssignment.Role.METHODIST]
        ).distinct()


class FrontMatterForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["editorial_board", "foreword", "publisher", "isbn", "udk", "bbk"]
        widgets = {"editorial_board": forms.Textarea(attrs={"rows": 5}), "foreword": forms.Textarea(attrs={"rows": 10})}


class ReopenForm(forms.Form):
    # Every coordinator of the district may be picked (300 at a district's scale): FastSelect.
    article = forms.ModelChoiceField(
        label=_("Article"), queryset=Article.objects.none(), required=False, widget=FastSelect
    )
    user = forms.ModelChoiceField(
        label=_("Author (for a new article)"), queryset=User.objects.none(), required=False, widget=FastSelect
    )
    until = forms.DateTimeField(
        label=_("Open until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, collection, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices name the articles: their texts are not read (most of each row).
        self.fields["article"].queryset = without_texts(collection.articles.filter(state=Article.State.DRAFT))
        self.fields["user"].queryset = User.objects.filter(
            roles__district=collection.district_id, roles__role=RoleAssignment.Role.COORDINATOR
        ).distinct()

    def clean(self):
        data = super().clean()
        if not data.get("article") and not data.get("user"):
            raise forms.ValidationError(_("Choose the article or the author to reopen the deadline for."))
        return data


class LengthExceptionForm(forms.Form):
    article = forms.ModelChoiceField(label=_("Article"), queryset=Article.objects.none(), widget=FastSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("The author sees it, e.g. «a practice with many tables: 9 pages agreed with the editor»."),
    )

    def __init__(self, *args, collection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = without_texts(collection.articles.exclude(state__in=Article.CLOSED)).order_by(
            "title"
        )
        self.fields["article"].error_messages["required"] = _("Choose the article.")
        self.fields["reason"].error_messages["required"] = _(
            "Write why the article may be sent outside the length rule."
        )


class SectionForm(forms.Form):
    title = forms.CharField(label=_("New section"), max_length=300)

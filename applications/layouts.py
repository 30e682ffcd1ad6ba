"""The official application forms as data: sections, fields, tables and attachments per form.

One description drives the editor, the completeness indicator, the automatic lines of the
technical check and the printed PDF, so the four never disagree. Labels follow the seed
forms (Красносельский ИМЦ, 2022) word for word in Russian.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Application, Attachment, Call

Form = Call.Form
Kind = Attachment.Kind


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str = ""  # empty: the model field's verbose name
    required: bool = True

    def label_for(self):
        return self.label or Application._meta.get_field(self.name).verbose_name


@dataclass(frozen=True)
class TableSpec:
    key: str  # experience, staff, sources, roadmap
    title: str
    required: bool = True


@dataclass(frozen=True)
class AttachmentSpec:
    kind: str
    title: str
    required: bool = True


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    fields: tuple = ()
    tables: tuple = ()
    attachments: tuple = ()


@dataclass(frozen=True)
class Layout:
    form: str
    heading: str  # «ЗАЯВКА на присвоение статуса …»
    header_fields: tuple = ()
    sections: tuple = ()
    # Column headings that differ by form, keyed «table.field» (the experience table's third column).
    column_labels: dict = field(default_factory=dict)

    @property
    def fields(self):
        return [*self.header_fields, *(f for s in self.sections for f in s.fields)]

    @property
    def field_names(self):
        return [f.name for f in self.fields]

    @property
    def tables(self):
        return [t for s in self.sections for t in s.tables]

    @property
    def table_keys(self):
        return {t.key for t in self.tables}

    @property
    def attachments(self):
        return [a for s in self.sections for a in s.attachments]

    @property
    def attachment_kinds(self):
        return [a.kind for a in self.attachments]


def _org(site_word, practice_label, phone_label=None):
    return (
        FieldSpec("org_full_name", _("Full name of the applicant organisation")),
        FieldSpec("org_legal_address", _("Legal address of the applicant organisation")),
        FieldSpec("org_head", _("Position and full name of the head of the applicant organisation")),
        FieldSpec("org_phone", phone_label or _("Phone, fax of the applicant organisation")),
        FieldSpec("org_email", _("E-mail of the applicant organisation")),
        FieldSpec("org_website", _("Official website of the applicant organisation"), required=False),
        FieldSpec("manager_name", site_word),
        FieldSpec("manager_position", _("Manager's position")),
        FieldSpec("manager_email", _("Manager's e-mail")),
        FieldSpec("manager_phone", _("Manager's phone")),
        FieldSpec("practice_url", practice_label),
    )


TRAINING_SITE = Layout(
    form=Form.TRAINING_SITE,
    heading=_("APPLICATION for the status «District training site»"),
    header_fields=(FieldSpec("theme", _("Theme")),),
    sections=(
        Section(
            1,
            _("Details of the applicant organisation"),
            fields=_org(
                _("Full name of the training site manager"),
                _(
                    "Address of the page (section, digital resource) where the innovative and/or effective practice can be seen"
                ),
            ),
        ),
        Section(
            2,
            _("Experience of the applicant organisation on the theme of the training site in the last 5 years"),
            tables=(TableSpec("experience", _("Experience")),),
        ),
        Section(
            3,
            _("The internship programme"),
            fields=(
                FieldSpec("programme_name", _("Name of the internship programme")),
                FieldSpec("relevance", _("Brief justification of the relevance of the proposed programme")),
                FieldSpec("consumers", _("Main consumers (organisations, groups of educators)")),
                FieldSpec(
                    "difficulties",
                    _("Professional difficulties the training site's programme is meant to solve"),
                ),
                FieldSpec("immersion", _("Ways of organising the immersion of the interns")),
                FieldSpec("hours", _("Length of the internship programme (in academic hours)")),
                FieldSpec("planned_results", _("Brief description of the planned educational results")),
                FieldSpec("ways", _("Ways to reach the planned educational results")),
                FieldSpec("demand_forecast", _("Forecast of demand for the internship programme")),
                FieldSpec("effectiveness", _("Main approaches to assessing the effectiveness of the training site")),
            ),
        ),
        Section(
            4,
            _("Resources of the training site's programme"),
            tables=(
                TableSpec("staff", _("Staff")),
                TableSpec("sources", _("Didactic and methodological support of the interns")),
            ),
        ),
        Section(
            5,
            _("Video announcement of the training site (a video of up to 3 minutes)"),
            attachments=(AttachmentSpec(Kind.VIDEO, _("Video announcement")),),
        ),
        Section(
            6,
            _("Immersion scenario (organisation of the tasting expertise)"),
            attachments=(AttachmentSpec(Kind.IMMERSION_SCENARIO, _("Immersion scenario")),),
        ),
    ),
    column_labels={"experience.works": _("Kinds of work")},
)

BASE_SITE = Layout(
    form=Form.BASE_SITE,
    heading=_("APPLICATION for the status «District base site»"),
    sections=(
        Section(
            1,
            _("Details of the applicant organisation"),
            fields=_org(
                _("Full name of the base site manager"),
                _(
                    "Address of the page (section, digital resource) where information on the base site's work will be published"
                ),
                phone_label=_("Phone of the applicant organisation"),
            ),
        ),
        Section(
            2,
            _("Experience of the applicant organisation on the theme of the base site in the last 5 years"),
            tables=(TableSpec("experience", _("Experience")),),
        ),
        Section(
            3,
            _("The base site's programme of work"),
            fields=(
                FieldSpec("district_programme", _("District programme or initiative network project")),
                FieldSpec("theme", _("Theme of the base site")),
                FieldSpec("relevance", _("Brief justification of the relevance of the theme")),
                FieldSpec("consumers", _("Main consumers (organisations, groups of educators)")),
                FieldSpec("planned_results", _("Brief description of the planned results and methodological products")),
                FieldSpec("ways", _("Ways to reach the planned results")),
                FieldSpec("effectiveness", _("Main approaches to assessing the effectiveness of the base site")),
            ),
        ),
        Section(4, _("Staff of the base site"), tables=(TableSpec("staff", _("Staff")),)),
        Section(
            5,
            _("Roadmap"),
            fields=(FieldSpec("goal", _("Goal of the district base site's work")),),
            tables=(TableSpec("roadmap", _("Roadmap of the district base site")),),
        ),
    ),
    column_labels={"experience.works": _("Kinds of work, results")},
)

GENERAL = Layout(
    form=Form.GENERAL,
    heading=_("APPLICATION for the status"),
    header_fields=(FieldSpec("theme", _("Theme")),),
    sections=(
        Section(
            1,
            _("Details of the applicant organisation"),
            fields=_org(_("Full name of the site manager"), _("Page where the practice can be seen")),
        ),
        Section(
            2,
            _("Experience of the applicant organisation on the theme in the last 5 years"),
            tables=(TableSpec("experience", _("Experience")),),
        ),
        Section(
            3,
            _("The programme of work"),
            fields=(
                FieldSpec("relevance", _("Brief justification of the relevance of the theme")),
                FieldSpec("planned_results", _("Planned results and products")),
                FieldSpec("ways", _("Ways to reach the planned results")),
            ),
        ),
        Section(4, _("Staff"), tables=(TableSpec("staff", _("Staff")),)),
    ),
    column_labels={"experience.works": _("Kinds of work, results")},
)

ANNUAL_REPORT = Layout(
    form=Form.ANNUAL_REPORT,
    heading=_("ANNUAL REPORT of an innovation site"),
    header_fields=(FieldSpec("theme", _("Theme of the site")),),
    sections=(
        Section(
            1,
            _("Details of the organisation"),
            fields=(
                FieldSpec("org_full_name", _("Full name of the organisation")),
                FieldSpec("org_head", _("Position and full name of the head")),
                FieldSpec("manager_name", _("Full name of the site manager")),
                FieldSpec("manager_email", _("Manager's e-mail")),
                FieldSpec("manager_phone", _("Manager's phone")),
                FieldSpec("practice_url", _("Page where the site's work is published")),
            ),
        ),
        Section(
            2,
            _("Results of the year"),
            fields=(
                FieldSpec("summary", _("Summary of the results of the year")),
                FieldSpec("planned_results", _("Products created this year")),
                FieldSpec("effectiveness", _("How the effectiveness was assessed"), required=False),
            ),
            attachments=(AttachmentSpec(Kind.REPORT, _("Public (annotated) report")),),
        ),
    ),
)

CONFERENCE_TALK = Layout(
    form=Form.CONFERENCE_TALK,
    heading=_("APPLICATION for a talk at the conference"),
    header_fields=(FieldSpec("theme", _("Title of the talk")),),
    sections=(
        Section(
            1,
            _("Speakers"),
            fields=(
                FieldSpec("org_full_name", _("Full name of the organisation")),
                FieldSpec("speakers", _("Speakers: full names and positions")),
                FieldSpec("manager_email", _("Contact e-mail")),
                FieldSpec("manager_phone", _("Contact phone")),
            ),
        ),
        Section(
            2,
            _("The talk"),
            fields=(FieldSpec("summary", _("Summary of the talk (5–7 minutes)")),),
            attachments=(AttachmentSpec(Kind.PRESENTATION, _("Presentation"), required=False),),
        ),
    ),
)

LAYOUTS = {layout.form: layout for layout in (TRAINING_SITE, BASE_SITE, GENERAL, ANNUAL_REPORT, CONFERENCE_TALK)}


def layout_for(call):
    return LAYOUTS[call.form]


def heading_for(call):
    """«ЗАЯВКА на присвоение статуса «…»»: a general form names the call's status kind."""
    layout = layout_for(call)
    if call.form == Form.GENERAL and call.status_kind_id:
        return f"{layout.heading} «{call.status_kind.name}»"
    return str(layout.heading)

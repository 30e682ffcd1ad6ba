import secrets
from functools import cached_property

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class District(models.Model):
    """A district of the city with its own methodology centre (ИМЦ); one installation may hold several."""

    district_path = "pk"

    name = models.CharField(_("name"), max_length=200, unique=True, help_text=_("e.g. «Красносельский район»"))
    short_name = models.CharField(_("short name"), max_length=100, unique=True, help_text=_("e.g. «Красносельский»"))
    slug = models.SlugField(_("address name"), max_length=50, unique=True)
    centre_name = models.CharField(
        _("methodology centre"), max_length=300, blank=True, help_text=_("e.g. «ИМЦ Красносельского района»")
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Institution(models.Model):
    """A school, kindergarten or institution of additional education (ОУ)."""

    district_path = "district"

    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        GYMNASIUM = "gymnasium", _("gymnasium")
        LYCEUM = "lyceum", _("lyceum")
        KINDERGARTEN = "kindergarten", _("kindergarten")
        ADDITIONAL = "additional", _("additional education")

    class Group(models.TextChoices):
        """The groups the rating is ranked in separately."""

        SCHOOLS = "schools", _("schools")
        KINDERGARTENS = "kindergartens", _("kindergartens")
        ADDITIONAL = "additional", _("additional education")

    KIND_GROUP = {
        Kind.SCHOOL: Group.SCHOOLS,
        Kind.GYMNASIUM: Group.SCHOOLS,
        Kind.LYCEUM: Group.SCHOOLS,
        Kind.KINDERGARTEN: Group.KINDERGARTENS,
        Kind.ADDITIONAL: Group.ADDITIONAL,
    }

    district = models.ForeignKey(District, models.PROTECT, related_name="institutions", verbose_name=_("district"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=20, blank=True, help_text=_("e.g. 287; empty for named ones"))
    short_name = models.CharField(_("short name"), max_length=200, help_text=_("e.g. «ГБОУ школа № 287»"))
    full_name = models.CharField(_("full name"), max_length=500)
    legal_address = models.CharField(_("legal address"), max_length=500, blank=True)
    head_name = models.CharField(_("head's full name"), max_length=200, blank=True)
    head_position = models.CharField(_("head's position"), max_length=200, blank=True, default="директор")
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["district", "short_name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "short_name"], name="institution_unique_short_name"),
        ]

    def __str__(self):
        return self.short_name

    @property
    def group(self):
        return self.KIND_GROUP[self.kind]


def new_token():
    return secrets.token_urlsafe(32)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # E-mail addresses are stored lower-case; people type them any way.
        return self.get(**{self.model.USERNAME_FIELD: username.strip().lower()})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address. What they may do comes from their roles."""

    district_path = "roles__district"

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("back office access"), default=False, help_text=_("Methodists work in the back office.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The secret part of the user's personal calendar feed address (calendar programs cannot log in).
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Roles are read once per request (the user object lives for one request) and every
    # permission check after that is answered from memory. Only what the checks and the menu
    # use is read («Координатор: ГБОУ школа № 287»), not the districts' and institutions' rows.
    ROLE_COLUMNS = (
        "user_id",
        "role",
        "district_id",
        "institution_id",
        "district__name",
        "institution__short_name",
        "institution__district_id",
    )

    @cached_property
    def role_assignments(self):
        if not self.pk:
            return ()
        return tuple(self.roles.select_related("district", "institution").only(*self.ROLE_COLUMNS))

    def has_role(self, role, district_id=None):
        return any(
            a.role == role and (district_id is None or a.district_id == district_id) for a in self.role_assignments
        )

    def district_ids(self, *roles):
        return {a.district_id for a in self.role_assignments if not roles or a.role in roles}

    def institution_ids(self, role):
        return {a.institution_id for a in self.role_assignments if a.role == role and a.institution_id}

    @property
    def methodist_district_ids(self):
        """The districts whose back office this user works in."""
        return self.district_ids(RoleAssignment.Role.METHODIST)

    @property
    def coordinated_institution_ids(self):
        return self.institution_ids(RoleAssignment.Role.COORDINATOR)

    @property
    def affiliation_ids(self):
        """Institutions the user belongs to in any role: an expert never reviews these."""
        return {a.institution_id for a in self.role_assignments if a.institution_id}


class RoleAssignment(models.Model):
    """One role of a user in a district; coordinators and experts also name an institution."""

    district_path = "district"

    class Role(models.TextChoices):
        METHODIST = "methodist", _("methodist")
        COORDINATOR = "coordinator", _("coordinator")
        EXPERT = "expert", _("expert")
        EDITOR = "editor", _("editor")
        DISTRICT_OFFICE = "district_office", _("district office")

    # Roles whose holder works in the back office (the Django admin).
    BACK_OFFICE = {Role.METHODIST}
    NEEDS_INSTITUTION = {Role.COORDINATOR}

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(District, models.CASCADE, related_name="role_assignments", verbose_name=_("district"))
    institution = models.ForeignKey(
        Institution,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("institution"),
        help_text=_("The coordinator's institution; the expert's place of work (they never review it)."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["role"]
        constraints = [
            # Two partial constraints rather than nulls_distinct, which SQLite lacks.
            models.UniqueConstraint(
                fields=["user", "role", "district", "institution"],
                condition=Q(institution__isnull=False),
                name="role_unique_with_institution",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(institution__isnull=True),
                name="role_unique_without_institution",
            ),
            models.CheckConstraint(
                condition=~Q(role="coordinator") | Q(institution__isnull=False),
                name="role_coordinator_has_institution",
            ),
        ]

    def __str__(self):
        where = self.institution or self.district
        return f"{self.get_role_display()}: {where}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role in self.NEEDS_INSTITUTION and not self.institution_id:
            raise ValidationError({"institution": _("A coordinator must be linked to an institution.")})
        if self.institution_id and self.district_id and self.institution.district_id != self.district_id:
            raise ValidationError({"institution": _("The institution belongs to another district.")})

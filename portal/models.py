"""Schools, their classes, and staff memberships with roles."""

import datetime
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.lib.loading import QuickLoaded


class Authority(QuickLoaded):
    """A local authority or multi-academy trust that several schools belong to."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        TRUST = "trust", "Trust"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.LOCAL_AUTHORITY)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self):
        return self.name


class School(QuickLoaded):
    class Stage(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        SPECIAL = "special", "Special"
        SUPPORT_SERVICE = "support_service", "Support service"

    name = models.CharField(max_length=200)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="schools")
    stage = models.CharField(max_length=20, choices=Stage)
    staff_see_all_families = models.BooleanField(
        default=False,
        help_text="If ticked, teachers and support staff see every family of the school, "
        "not only the families of the pupils they teach or support.",
    )
    teachers_keep_families_up_to_date = models.BooleanField(
        "teachers keep their pupils' families up to date",
        default=False,
        help_text="If ticked, teachers and support staff may add a parent or carer, a brother "
        "or sister, and change who is who for the pupils they teach or support (never a "
        "restriction: that stays with pastoral staff and the headteacher).",
    )
    parent_link_days = models.PositiveSmallIntegerField(
        "days a parent's link lasts",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="A link sent to a parent or carer stops working after this many days.",
    )
    parent_check_by_birth_date = models.BooleanField(
        "parents may confirm a link with their child's date of birth",
        default=False,
        help_text="If ticked, a parent opening a link that shows anything about a child may "
        "confirm it is them with the child's date of birth, as well as with a code sent by "
        "e-mail.",
    )
    quiet_from = models.TimeField(
        "quiet hours start",
        default=datetime.time(18, 0),
        help_text="From this time, and at weekends, nobody is told of a new note from a "
        "parent and no message goes to a parent until quiet hours end.",
    )
    quiet_until = models.TimeField("quiet hours end", default=datetime.time(7, 30))
    good_news_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Prompt staff when one of their families has had no positive contact "
        "for this many weeks.",
    )
    placement_review_weeks = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
        help_text="Ask the key contact to review a family's compass placement after this "
        "many weeks.",
    )
    # The letterhead: what a family keeps (the meeting letter and summary, the subject access
    # printout) says how to reach the school. Blank until the school fills it in; a blank line is
    # left off the printout, never shown empty.
    postal_address = models.TextField(
        "postal address",
        blank=True,
        max_length=500,
        help_text="The school's address as it should appear on letters, one line per row, "
        "for example: 12 High Street, Castlebrae, CB1 2AB.",
    )
    phone = models.CharField(
        "main phone number",
        blank=True,
        max_length=30,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()-]+\Z",
                "Write the phone number with digits and spaces only, for example 0131 496 0000 "
                "or +44 131 496 0000.",
            )
        ],
        help_text="The number families call, for example 0131 496 0000.",
    )
    email = models.EmailField(
        "main e-mail address",
        blank=True,
        max_length=254,
        help_text="The address families write to, for example office@castlebrae.sch.uk.",
    )
    website = models.URLField(
        "web address",
        blank=True,
        max_length=200,
        help_text="Optional: the school's website, for example https://castlebrae.sch.uk.",
    )
    # A secondary school's own list of subjects and departments, offered on the contact form
    # (families.school_day; blank: the usual secondary list).
    subjects = models.TextField(
        "subjects and departments",
        blank=True,
        max_length=4000,
        help_text="One per line, as staff name them, e.g. History, Mathematics, Support for "
        "learning. Leave empty for the usual secondary list.",
    )
    # The designated teacher for looked-after children: sees every looked-after child's family
    # (portal.access.sees_looked_after_children). Named by the headteacher.
    designated_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="designated_teacher_at",
        help_text="The member of staff who promotes the education of the school's looked-after "
        "children; they work with every looked-after child's family.",
    )
    # Who administers this school in Django admin (members of the Administrators group who are
    # not superusers see and change only their own schools' staff). Set by a superuser.
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_schools",
        help_text="Administrators who manage this school's staff accounts and roles in "
        "Administration. Only a superuser can change this.",
    )

    # The pastoral lead the school names: they may see each family's audit page (who viewed
    # and changed its records), like the headteacher. One of the school's pastoral staff.
    pastoral_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="pastoral lead",
        help_text="A member of the school's pastoral staff who leads its pastoral work. They "
        "may see who has viewed and changed each family's records. Leave blank if the school "
        "names no one.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="school_unique_name")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        # The name goes into e-mail subjects, where a line break makes the e-mail unsendable.
        if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in self.name):
            errors["name"] = "Write the name on one line, without line breaks or tab characters."
        # The letterhead is printed: an address keeps its line breaks, nothing else invisible.
        self.postal_address = "\n".join(
            line.strip() for line in self.postal_address.replace("\r\n", "\n").split("\n")
        ).strip()
        if any(
            unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\n"
            for ch in self.postal_address
        ):
            errors["postal_address"] = (
                "Write the address in plain text, one line per row, without tab or other "
                "invisible characters."
            )
        self.phone = " ".join(self.phone.split())
        if self.phone and not 7 <= sum(ch.isdigit() for ch in self.phone) <= 15:
            errors.setdefault(
                "phone", "A phone number has between 7 and 15 digits, for example 0131 496 0000."
            )
        for field in ("phone", "email", "website"):
            value = getattr(self, field)
            if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
                errors[field] = "Write it on one line, without tab or other invisible characters."
        if self.pastoral_lead_id is not None and not (
            self.pk
            and Membership.objects.active()
            .filter(school=self, user_id=self.pastoral_lead_id, role=Role.PASTORAL)
            .exists()
        ):
            errors["pastoral_lead"] = (
                "Choose someone who holds the pastoral role at this school (give them the role "
                "first, below, and save)."
            )
        if errors:
            raise ValidationError(errors)

    def quiet_ends(self, when: datetime.datetime | None = None) -> datetime.datetime | None:
        """When quiet hours end if `when` (default now) falls in them, in local time; None if
        it does not. Quiet hours run each evening from `quiet_from` to `quiet_until` the next
        morning, and all weekend (to Monday's `quiet_until`)."""
        local = timezone.localtime(when or timezone.now())
        start, end = self.quiet_from, self.quiet_until
        t = local.time()
        if start > end:  # overnight: 18:00 to 07:30
            quiet = t >= start or t < end
            morning = local.date() if t < end else local.date() + datetime.timedelta(days=1)
        else:  # e.g. 00:00 to 07:00
            quiet = start <= t < end
            morning = local.date()
        # Saturday and Sunday are quiet all day; Friday evening runs on to Monday.
        if local.weekday() >= 5 or (quiet and morning.weekday() >= 5):
            quiet = True
            morning = max(morning, local.date())
            while morning.weekday() >= 5:
                morning += datetime.timedelta(days=1)
        if not quiet:
            return None
        ends = datetime.datetime.combine(morning, end)
        return timezone.make_aware(ends, timezone.get_current_timezone())

    @property
    def address_lines(self) -> list[str]:
        return [line for line in self.postal_address.splitlines() if line.strip()]

    @property
    def letterhead_missing(self) -> list[str]:
        """What a family's printout cannot say yet, in words (empty when complete)."""
        wanted = [
            ("postal address", self.postal_address),
            ("main phone number", self.phone),
            ("main e-mail address", self.email),
        ]
        return [label for label, value in wanted if not value.strip()]


class ClassGroup(QuickLoaded):
    """A class or registration group, with the staff who teach or support it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="class_groups")
    name = models.CharField(max_length=50)
    year_group = models.CharField(max_length=20, help_text="e.g. P3, S2, Year 7, Nursery")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="class_groups"
    )

    class Meta:
        ordering = ["year_group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="classgroup_unique_name")
        ]

    def __str__(self):
        return self.name


class CalendarEntry(models.Model):
    """A stretch of the school's year: a term, a holiday, or an in-service day (pupils off,
    staff in). Entered by the school or imported from the council's published calendar; every
    "this term" in the portal reads the terms (portal.lib.terms)."""

    class Kind(models.TextChoices):
        TERM = "term", "Term"
        HOLIDAY = "holiday", "Holiday"
        INSERVICE = "inservice", "In-service day"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="calendar")
    kind = models.CharField(max_length=10, choices=Kind)
    name = models.CharField(max_length=100, help_text="e.g. Autumn term, October holiday.")
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")
    # Where an imported entry came from (the calendar's event id), so importing again updates it.
    source_uid = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        ordering = ["starts_on", "kind"]
        verbose_name = "school calendar entry"
        verbose_name_plural = "school calendar entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="calendar_entry_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "kind", "starts_on"], name="calendar_school_kind")
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on:%-d %b %Y}–{self.ends_on:%-d %b %Y})"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The last day must be on or after the first day."})


class Role(models.TextChoices):
    STAFF = "staff", "Teacher or support staff"
    PASTORAL = "pastoral", "Pastoral or guidance"
    HEADTEACHER = "headteacher", "Headteacher or senior leader"
    AUTHORITY = "authority", "Authority officer"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Memberships that take effect: switched on, of an active account, and confirmed."""
        return self.filter(is_active=True, user__is_active=True, confirmed_at__isnull=False)

    def awaiting_confirmation(self):
        """Memberships an administrator asked for that no second person has confirmed yet."""
        return self.filter(is_active=True, confirmed_at__isnull=True)


class Membership(QuickLoaded):
    """A member of staff's place at one school, with the role that decides what they see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role)
    job_title = models.CharField(
        max_length=100,
        blank=True,
        help_text="As the family would know it, e.g. Class teacher, Home–school link worker.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A family-seeing role given or raised by an administrator who is not a superuser waits,
    # with no effect, until a headteacher of the school or a superuser confirms it (see
    # portal/services.py). Memberships written by code (demo data, imports) are confirmed as
    # they are made, hence the default.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False, default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_unique_school")
        ]
        indexes = [
            models.Index(
                fields=["school", "role"],
                condition=Q(is_active=True),
                name="membership_active_role",
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.school} ({self.get_role_display()})"

    @property
    def title(self):
        """What to call this person's job on screen."""
        return self.job_title or self.get_role_display()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class StaffAccessChangeQuerySet(models.QuerySet):
    def for_school(self, school):
        """What the school's headteacher sees: changes to roles at the school, site-wide
        changes to the accounts of anyone with a role there (status, groups, permissions), and
        changes to groups' permissions (groups are site-wide)."""
        members = Membership.objects.filter(school=school).values("user_id")
        return self.filter(
            Q(school=school)
            | Q(school__isnull=True, subject__in=members)
            | Q(kind=StaffAccessChange.Kind.GROUP_PERMISSIONS)
        )


class StaffAccessChange(models.Model):
    """One change to who may do what: a role at a school, a group, a permission, an account's
    staff or superuser status. Written by the admin save paths and the confirmation page; never
    changed or deleted. Names are kept as they were, so a row outlives the accounts it names."""

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", "Role at a school"
        CONFIRMATION = "confirmation", "Confirmation"
        ACCOUNT = "account", "Account status"
        GROUPS = "groups", "Groups"
        PERMISSIONS = "permissions", "Permissions"
        GROUP_PERMISSIONS = "group_permissions", "A group's permissions"

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("by", max_length=300)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_name = models.CharField("for", max_length=300, blank=True)
    # Set for a role at a school; empty for site-wide changes (groups, permissions, flags).
    school = models.ForeignKey(School, null=True, on_delete=models.SET_NULL, related_name="+")
    group_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=20, choices=Kind)
    what = models.CharField(max_length=200)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    objects = StaffAccessChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["school", "-at"], name="staffaccesschange_school")]

    def __str__(self):
        return f"{self.actor_name}: {self.what} for {self.subject_name or self.group_name}"


class FormSubmission(models.Model):
    """A create form's one-time token, spent by its first successful submission.

    A second submission with the same token (a double click, a resent request) creates nothing
    and goes to what the first one made. Old tokens are removed by the `form_submissions_clear`
    command. See portal/lib/once.py.
    """

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_submissions"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # What the first submission made, e.g. "families.contact", 42, and where to see it.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"{self.object_type or 'form'} {self.object_id or ''} ({self.created_at:%Y-%m-%d})"


class SignInSlowdown(models.Model):
    """Recent wrong passwords for one username from any address: past a number, each further
    attempt for that username waits a little first (portal.lockout). It never blocks."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.failures} recent failures"


class SignInWait(models.Model):
    """A wait handed to one address for one username while that username is slowed down: once
    it has passed, that address's next password is checked, whatever others do meanwhile."""

    username = models.CharField(max_length=150)
    ip_address = models.CharField(max_length=45, blank=True)
    ready_at = models.DateTimeField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "ip_address"], name="signinwait_unique")
        ]

    def __str__(self):
        return f"wait until {self.ready_at:%H:%M:%S}"


class UnlockLink(models.Model):
    """An e-mailed link that opens signing in again for one account from one address. Only a
    hash of its secret is kept; it works once, within UNLOCK_LINK_LIFETIME (portal.lockout)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unlock_links"
    )
    ip_address = models.CharField(max_length=45, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"unlock link of {self.created_at:%Y-%m-%d %H:%M}"


class EmailRequest(models.Model):
    """One e-mail asked for by someone signed out (a password reset or an unlock link), kept
    for an hour or so to limit how many each account and each address may ask for. The account
    is stored as a hash of what was typed, whether or not an account has it."""

    class Kind(models.TextChoices):
        PASSWORD_RESET = "reset", "Password reset"
        UNLOCK = "unlock", "Unlock link"

    kind = models.CharField(max_length=10, choices=Kind)
    account_hash = models.CharField(max_length=64)
    ip_address = models.CharField(max_length=45, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "account_hash", "at"], name="emailrequest_account"),
            models.Index(fields=["kind", "ip_address", "at"], name="emailrequest_address"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

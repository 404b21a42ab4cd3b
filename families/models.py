"""Families, their children and parents/carers, and the log of contact with them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Trim
from django.utils import dateformat, timezone

from families.school_day import SUBJECT_MAX_LENGTH, SchoolDayTime
from portal import access
from portal.compiled import IDS, SCHOOL, USER, Compiled, asked_for, attach_related
from portal.lib.loading import QuickLoaded
from portal.lib.records import (
    Amendment,
    KeptHistoricalRecords,
    Withdrawable,
    current_manager,
    days_late,
)
from portal.models import Authority, ClassGroup, School


class Family(QuickLoaded):
    """A household as the school knows it; its children may attend several schools of one
    authority."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="families")
    name = models.CharField(
        max_length=200,
        help_text="How staff refer to the household, e.g. “Amira and Sami's family”.",
    )
    strengths = models.TextField(
        blank=True, max_length=4000, help_text="What goes well; what the family brings."
    )
    exceptions = models.TextField(
        blank=True,
        max_length=4000,
        help_text="When things are already a bit better: what is different on the good days?",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = KeptHistoricalRecords()

    class Meta:
        verbose_name_plural = "families"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name told apart by its children at the school (families.labels), when they
        were prefetched as `label_children` or `pupils`; the bare name otherwise."""
        from families.labels import family_label  # labels reads Child, defined below

        children = getattr(self, "label_children", getattr(self, "pupils", None))
        return self.name if children is None else family_label(self.name, children)


def _staff_name(field: str) -> Subquery:
    """A member of staff's name as get_full_name() gives it, looked up for each row shown: a
    page of 25 rows reads 25 staff by their key, not every account (a join planned as a hash
    of the whole staff table)."""
    name = Trim(Concat("first_name", Value(" "), "last_name"))
    staff = get_user_model().objects.filter(pk=OuterRef(field))
    return Subquery(staff.values_list(name)[:1], output_field=models.CharField())


class SchoolFamilyQuerySet(models.QuerySet):
    def visible_to(self, user, school: School | None) -> SchoolFamilyQuerySet:
        """The families of `school` this user works with (see portal.access for the rules)."""
        if school is None or not access.works_with_families(user, school):
            return self.none()
        mine = self.filter(school=school)
        if access.sees_all_families(user, school):
            return mine
        teaches = Child.objects.filter(
            family=OuterRef("family"), school=school, class_group__staff=user, left_on__isnull=True
        )
        works_with = Q(key_contact=user) | Exists(teaches) | access.met_at_meetings(user, school)
        if access.sees_looked_after_children(user, school):
            looked_after = Child.objects.filter(
                family=OuterRef("family"), school=school, looked_after=True, left_on__isnull=True
            )
            works_with |= Exists(looked_after)
        return mine.filter(works_with)

    def for_list(self, user, school: School, *, pupils: bool = True) -> SchoolFamilyQuerySet:
        """The family list's rows: family, key contact's name (`key_contact_name`) and current
        pupils here (`pupils`, as `family.pupils`: or see with_pupils), in a fixed number of
        queries; the user's own pupils' families flagged as `is_mine`."""
        mine = Child.objects.filter(
            family=OuterRef("family"), school=school, class_group__staff=user, left_on__isnull=True
        )
        rows = self.select_related("family").annotate(
            is_mine=Exists(mine), key_contact_name=_staff_name("key_contact")
        )
        if pupils:
            here = _pupils_here(school)
            rows = rows.prefetch_related(models.Prefetch("family__children", here, "pupils"))
        return rows

    SEEN = ("last_at", "last_tone", "last_positive_at", "positive", "neutral", "concern")

    def with_seen_summary(
        self, user, school: School, fields=SEEN, *, stored: bool = False, guard: bool = False
    ) -> SchoolFamilyQuerySet:
        """Annotate `seen_<field>` contact summaries counting only contacts this user may read
        (every field of SEEN, or only those asked for: each costs the ORM a subquery to build).

        In the same query (no extra round trip): while no contact of the school is hidden from
        this user, these are the stored summary columns; otherwise they are worked out per row
        from the readable contacts, so a confidential contact's date or tone never shows in a
        list. The "anything hidden?" test asks only the confidential rows the user cannot read
        (the partial index contact_confidential_level serves it) and PostgreSQL runs it once per
        query, not per row.

        `guard=True` also asks the test once as a column of its own, `seen_hidden`. A caller
        that has reason to think nothing is hidden may ask for the stored columns alone
        (`stored=True`, with the guard): rows that carry True must then be read again without
        `stored` before anything of them is shown.
        """
        readable = Contact.objects.readable_by(user, school)
        hidden_contacts = Contact.objects.hidden_from(user, school)

        def seen(column, worked_out):
            if stored:
                return F(column)
            field = SchoolFamily._meta.get_field(column)
            return Case(
                When(Exists(hidden_contacts), then=worked_out),
                default=F(column),
                output_field=field,
            )

        mine = readable.filter(family=OuterRef("family")).order_by("-occurred_at", "-pk")

        def count(tone):
            counted = (
                readable.filter(family=OuterRef("family"), tone=tone)
                .order_by()
                .values("family")
                .annotate(n=Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(counted), 0)

        build = {
            "last_at": lambda: seen("last_contact_at", Subquery(mine.values("occurred_at")[:1])),
            "last_tone": lambda: seen(
                "last_contact_tone", Coalesce(Subquery(mine.values("tone")[:1]), Value(""))
            ),
            "last_positive_at": lambda: seen(
                "last_positive_at",
                Subquery(mine.filter(tone=Tone.POSITIVE).values("occurred_at")[:1]),
            ),
            "positive": lambda: seen("positive_count", count(Tone.POSITIVE)),
            "neutral": lambda: seen("neutral_count", count(Tone.NEUTRAL)),
            "concern": lambda: seen("concern_count", count(Tone.CONCERN)),
        }
        asked = {"seen_hidden": Exists(hidden_contacts)} if guard else {}
        return self.annotate(**{f"seen_{name}": build[name]() for name in fields}, **asked)

    def for_family_page(self, today=None) -> SchoolFamilyQuerySet:
        """The family page's row, with when (and by whom) the family's record last changed."""
        edits = Family.history.model.objects.filter(
            id=OuterRef("family_id"), history_type="~"
        ).order_by("-history_date", "-history_id")
        from families import extensions

        return self.select_related("family", "key_contact", "school").annotate(
            **extensions.row_annotations(today),
            family_changed_at=Subquery(edits.values("history_date")[:1]),
            family_changed_by_first=Subquery(edits.values("history_user__first_name")[:1]),
            family_changed_by_last=Subquery(edits.values("history_user__last_name")[:1]),
        )

    def on_roll(self, today=None) -> SchoolFamilyQuerySet:
        """Families that count in the school's roll figures: not those whose children here
        are all still to start (see not_yet_on_roll)."""
        return self.exclude(not_yet_on_roll(today))

    def taught_by(self, user) -> SchoolFamilyQuerySet:
        return self.filter(
            Exists(
                Child.objects.filter(
                    family=OuterRef("family"),
                    school=OuterRef("school"),
                    class_group__staff=user,
                    left_on__isnull=True,
                )
            )
        )


class SchoolFamily(QuickLoaded):
    """One school's side of its relationship with a family: key contact and a contact summary.

    The summary columns are kept up to date by families.services in the same transaction as
    each contact, so lists and prompts never aggregate the whole contact log.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="school_families")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="school_links")
    key_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_contact_for",
        help_text="The one member of staff the family knows as their consistent point of contact.",
    )
    last_contact_at = models.DateTimeField(null=True, blank=True)
    last_contact_tone = models.CharField(max_length=10, blank=True)
    last_positive_at = models.DateTimeField(null=True, blank=True)
    positive_count = models.PositiveIntegerField(default=0)
    neutral_count = models.PositiveIntegerField(default=0)
    concern_count = models.PositiveIntegerField(default=0)
    # The family's current compass region here (the key of its latest placement, "" if never
    # placed) and when that placement was made: kept by compass.services in the same
    # transaction as each placement, so dashboards need not find each family's latest one.
    current_region = models.SlugField(max_length=30, blank=True, editable=False)
    last_placed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The communication level of that latest placement (general until first placed): it sets
    # how often the family should hear from the school (families.rhythm). Kept alongside.
    current_level = models.CharField(
        "communication level", max_length=10, default="general", editable=False
    )

    objects = SchoolFamilyQuerySet.as_manager()
    # The summary columns are derived data; history records who changed the key contact.
    history = KeptHistoricalRecords(
        excluded_fields=[
            "last_contact_at",
            "last_contact_tone",
            "last_positive_at",
            "positive_count",
            "neutral_count",
            "concern_count",
            "current_region",
            "last_placed_at",
            "current_level",
        ]
    )

    class Meta:
        verbose_name = "family at a school"
        verbose_name_plural = "families at schools"
        constraints = [
            models.UniqueConstraint(fields=["school", "family"], name="schoolfamily_unique")
        ]
        indexes = [
            models.Index(fields=["school", "key_contact"], name="schoolfamily_key_contact"),
            models.Index(fields=["school", "last_contact_at"], name="schoolfamily_last_contact"),
            models.Index(fields=["school", "last_positive_at"], name="schoolfamily_last_positive"),
            models.Index(fields=["school", "current_region"], name="schoolfamily_region"),
            # "Due a contact for their level": one range of last contact per level.
            models.Index(
                fields=["school", "current_level", "last_contact_at"], name="schoolfamily_rhythm"
            ),
        ]

    def __str__(self):
        return f"{self.family} at {self.school}"


class ChildQuerySet(models.QuerySet):
    def on_roll(self, today=None) -> ChildQuerySet:
        """Pupils of the school today: started (or no start date) and not left."""
        today = today or timezone.localdate()
        return self.filter(left_on__isnull=True).filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=today)
        )

    def starting(self, today=None) -> ChildQuerySet:
        """Children recorded before they start: their start date is still to come."""
        return self.filter(left_on__isnull=True, starts_on__gt=today or timezone.localdate())


def not_yet_on_roll(today=None, *, family="family", school="school") -> Q:
    """For rows with a family and a school (outer references): the family's children at the
    school are all still to start, so the family counts in no roll figure yet. Families with no
    children recorded here are not affected."""
    today = today or timezone.localdate()
    here = Child.objects.filter(family=OuterRef(family), school=OuterRef(school))
    return Q(Exists(here.starting(today))) & ~Q(Exists(here.on_roll(today)))


class Child(QuickLoaded):
    """A pupil. A child belongs to one school; brothers and sisters may attend others.

    A child may be recorded before they start (`starts_on` in the future, `coming_from` where
    they are now), so transition work can begin; they count in no roll figure until that day,
    and become an ordinary pupil on it (worked out from the date, no job)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(
        null=True,
        blank=True,
        help_text="Empty where the school system gave none (a OneRoster import): the school "
        "completes it.",
    )
    class_group = models.ForeignKey(
        ClassGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    year_group = models.CharField(max_length=20, blank=True)
    looked_after = models.BooleanField(
        default=False, help_text="Looked after by the local authority (at home or away from home)."
    )
    additional_support_needs = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    external_id = models.CharField(
        max_length=50, blank=True, help_text="The pupil's id in the school information system."
    )
    left_on = models.DateField(
        null=True, blank=True, help_text="The day the child left the school."
    )
    starts_on = models.DateField(
        null=True,
        blank=True,
        verbose_name="expected start date",
        help_text="For a child recorded before they start: their first day here.",
    )
    coming_from = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="where they are now",
        help_text="The nursery or school the child attends before starting here, by name.",
    )

    objects = ChildQuerySet.as_manager()
    history = KeptHistoricalRecords()

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "external_id"],
                condition=~Q(external_id=""),
                name="child_unique_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["school", "year_group"], name="child_school_year"),
            models.Index(fields=["school", "last_name", "first_name"], name="child_school_name"),
            models.Index(
                fields=["school", "starts_on"],
                condition=Q(starts_on__isnull=False),
                name="child_school_starts_on",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def is_starting(self) -> bool:
        """Recorded before they start, and the day has not come yet."""
        return (
            self.left_on is None
            and self.starts_on is not None
            and self.starts_on > timezone.localdate()
        )

    @property
    def starting_label(self) -> str:
        """ "starting on 18 Aug 2027" while the child has not started, else ""."""
        if not self.is_starting:
            return ""
        return f"starting on {dateformat.format(self.starts_on, 'j M Y')}"

    def clean(self):
        if self.left_on and self.starts_on and self.left_on < self.starts_on:
            raise ValidationError({"left_on": "A child cannot leave before they start."})
        if self.class_group_id and self.school_id and self.class_group.school_id != self.school_id:
            raise ValidationError({"class_group": "That class belongs to another school."})
        if (
            self.family_id
            and self.school_id
            and self.family.authority_id != self.school.authority_id
        ):
            raise ValidationError({"school": "The school must be in the family's authority."})
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "The date of birth cannot be in the future."})


def parent_name(first_name: str, last_name: str) -> str:
    """How a parent or carer is named (ParentCarer.full_name), from the two name fields."""
    return f"{first_name} {last_name}".strip()


class ParentCarer(QuickLoaded):
    """A parent, carer or guardian: birth parent, step-parent, foster or kinship carer, key worker,
    or the local authority as corporate parent."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        FACE_TO_FACE = "face_to_face", "Face to face"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        HOME_VISIT = "home_visit", "Home visit"

    class Reading(models.TextChoices):
        CONFIDENT = "confident", "Reads comfortably"
        SPOKEN = "spoken", "Prefers things spoken (phone, in person)"
        SUPPORT = "support", "Needs written things read or explained"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="parents")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    household = models.CharField(
        max_length=100,
        blank=True,
        help_text="Which home this person lives in, where a child lives across two, "
        "e.g. “Mum's flat”, “Dad's house”, “Oakview children's house”.",
    )
    organisation = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a corporate parent or residential key worker: the service they act for.",
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    # Communication preferences and barriers.
    language = models.CharField(max_length=60, blank=True, default="English")
    interpreter_needed = models.BooleanField(default=False)
    reading = models.CharField(
        max_length=12, choices=Reading, default=Reading.CONFIDENT, verbose_name="reading confidence"
    )
    preferred_channel = models.CharField(max_length=20, choices=Channel, default=Channel.PHONE)
    good_times = models.CharField(
        max_length=200, blank=True, help_text="Days and times that work, e.g. “weekdays after 3pm”."
    )
    good_places = models.CharField(
        max_length=200,
        blank=True,
        help_text="Places that suit, e.g. “at home”, “community centre”.",
    )
    transport_needs = models.CharField(max_length=200, blank=True)
    mobility_needs = models.CharField(max_length=200, blank=True)
    work_pattern = models.CharField(max_length=200, blank=True)
    dates_to_avoid = models.CharField(
        max_length=300,
        blank=True,
        help_text="Cultural or religious dates, or other dates to avoid.",
    )
    # Festivals by key (portal.lib.festivals), whose dates the library works out each year.
    avoid_festivals = models.JSONField(
        "festivals to avoid",
        default=list,
        blank=True,
        help_text="Festivals the family would rather nothing was planned on.",
    )
    # When messages from the school may reach them (reaching_out holds an e-mail or text until
    # then): e.g. not before 9:00 after a night shift, not after 20:00 once the children sleep.
    no_contact_before = models.TimeField(
        "no messages before",
        null=True,
        blank=True,
        help_text="E-mails and texts wait until this time of day, e.g. 09:00 after a night shift.",
    )
    no_contact_after = models.TimeField(
        "no messages after",
        null=True,
        blank=True,
        help_text="E-mails and texts sent later wait until the next morning, e.g. 20:00.",
    )
    postal_address = models.TextField(
        blank=True,
        max_length=500,
        help_text="Where letters go, one line per row. Leave empty if letters go home by hand.",
    )
    external_id = models.CharField(max_length=50, blank=True)

    # The version an edit form started from (portal.lib.conflicts).
    updated_at = models.DateTimeField(auto_now=True)

    history = KeptHistoricalRecords()

    class Meta:
        verbose_name = "parent or carer"
        verbose_name_plural = "parents and carers"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["family", "last_name"], name="parent_family_name")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return parent_name(self.first_name, self.last_name)

    @property
    def restrictions(self) -> list[str]:
        """The words of each recorded restriction on this person's links to children (read
        from `child_links`, so prefetch them where many parents are shown)."""
        seen: list[str] = []
        for link in self.child_links.all():
            words = link.restriction.strip()
            if words and words not in seen:
                seen.append(words)
        return seen

    @property
    def is_restricted(self) -> bool:
        return bool(self.restrictions)

    @property
    def restriction_text(self) -> str:
        return " ".join(self.restrictions)


class DateToAvoid(QuickLoaded):
    """A stretch of days a parent or carer asked the school to avoid (a trip abroad, a hospital
    stay, an anniversary), with their own words for why, if they gave any."""

    parent = models.ForeignKey(ParentCarer, on_delete=models.CASCADE, related_name="dates_avoided")
    starts_on = models.DateField("from")
    ends_on = models.DateField("to (the last day)")
    words = models.CharField("why, in their words", max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = "date to avoid"
        verbose_name_plural = "dates to avoid"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="date_to_avoid_in_order"
            )
        ]

    def __str__(self):
        return f"{self.starts_on}–{self.ends_on}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The last day must be on or after the first day."})


def avoided_because(parent: ParentCarer, day) -> str | None:
    """Why `day` is one the parent asked to avoid (a festival or a range they gave), in words;
    None if it is not. Reads `parent.dates_avoided` (prefetch it where many are checked)."""
    from portal.lib.festivals import festival_on

    festival = festival_on(parent.avoid_festivals, day)
    if festival:
        return festival
    for row in parent.dates_avoided.all():
        if row.starts_on <= day <= row.ends_on:
            return row.words or f"{row.starts_on:%-d %b} to {row.ends_on:%-d %b}"
    return None


class ChildParent(QuickLoaded):
    """Who a parent or carer is to one child, what responsibility they hold, and any restriction."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        KINSHIP_CARER = "kinship_carer", "Kinship carer"
        KEY_WORKER = "key_worker", "Residential key worker"
        CORPORATE_PARENT = "corporate_parent", "Corporate parent (local authority)"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(ParentCarer, on_delete=models.CASCADE, related_name="child_links")
    relationship = models.CharField(max_length=20, choices=Relationship)
    parental_responsibility = models.BooleanField(default=True)
    lives_with_child = models.BooleanField(default=True)
    restriction = models.TextField(
        blank=True,
        max_length=1000,
        help_text="Leave empty unless a recorded restriction (e.g. a court order) limits what this "
        "person may be told. Say what it is and where it comes from.",
    )
    # The version an edit form started from (portal.lib.conflicts).
    updated_at = models.DateTimeField(auto_now=True)

    history = KeptHistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="childparent_unique")
        ]

    def __str__(self):
        return f"{self.parent} — {self.get_relationship_display()} of {self.child}"

    @property
    def is_restricted(self):
        return bool(self.restriction.strip())

    def clean(self):
        if self.child_id and self.parent_id and self.child.family_id != self.parent.family_id:
            raise ValidationError("The parent or carer and the child must be in the same family.")


def adults_linked_to(parents, children, *, to_every: bool = False) -> list[int]:
    """Ids of those of `parents` linked (ChildParent) to any of `children`, or with `to_every`
    to each of them, in `parents`' order, in one query: who an entry about these children is
    with by default, never every adult of a blended household. Someone linked to no child at
    all (who they are to whom is not recorded) is kept rather than silently left out."""
    parents, child_ids = list(parents), {getattr(c, "pk", c) for c in children}
    links: dict[int, set[int]] = defaultdict(set)
    for parent_id, child_id in ChildParent.objects.filter(
        parent_id__in=[p.pk for p in parents]
    ).values_list("parent_id", "child_id"):
        links[parent_id].add(child_id)

    def wanted(parent) -> bool:
        mine = links.get(parent.pk)
        if not mine:
            return True
        return child_ids <= mine if to_every else bool(child_ids & mine)

    return [p.pk for p in parents if wanted(p)]


class Tone(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    CONCERN = "concern", "Concern"


class Level(models.TextChoices):
    GENERAL = "general", "General"
    ENHANCED = "enhanced", "Enhanced"
    INTENSIVE = "intensive", "Intensive"


# Follow-ups appear on the home page this many days before they are due.
FOLLOW_UP_NOTICE_DAYS = 7


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user, school: School) -> ContactQuerySet:
        """Contacts of `school`'s visible families that this user's role and each contact's
        confidentiality level allow."""
        if school is None or not access.works_with_families(user, school):
            return self.none()
        families = SchoolFamily.objects.visible_to(user, school).values("family_id")
        return self.readable_by(user, school).filter(family__in=families)

    def readable_by(self, user, school: School) -> ContactQuerySet:
        """Contacts of `school` whose confidentiality level lets this user read them (whether
        the user works with the family is for the caller: see visible_to)."""
        if school is None or not access.works_with_families(user, school):
            return self.none()
        named = Contact.named_staff.through.objects.filter(contact=OuterRef("pk"), user=user)
        shown = access.readable_levels(user, school) | Q(staff=user) | Exists(named)
        return self.filter(school=school).filter(shown)

    def hidden_from(self, user, school: School) -> ContactQuerySet:
        """Contacts of `school` this user may not read: the complement of readable_by, asked
        of the levels the user may not read only (the partial index contact_confidential_level
        serves it; the check constraint contact_confidentiality_known keeps the levels three)."""
        if school is None or not access.works_with_families(user, school):
            return self.filter(school=school)
        open_ = access.levels_open_to(user, school)
        closed = [level for level in Contact.Confidentiality.values if level not in open_]
        hidden = self.filter(school=school, confidentiality__in=closed)
        named = Contact.named_staff.through.objects.filter(contact=OuterRef("pk"), user=user)
        return hidden.exclude(staff=user).exclude(Exists(named))

    def for_chronology(self, *, amendments: bool = True) -> ContactQuerySet:
        """Each chronology entry's contact with its staff and amendments (or see
        with_amendments); the names of who took part and who it was about, and who last edited
        it, come from contacts_named()."""
        rows = self.select_related("staff", "follow_up_owner", "withdrawn_by")
        if amendments:
            rows = rows.prefetch_related(models.Prefetch("amendments", _amendments_in_order()))
        return rows

    def follow_ups_for(self, user, school: School) -> ContactQuerySet:
        return self.filter(
            school=school, follow_up_owner=user, follow_up_on__isnull=False, follow_up_done_at=None
        )

    def follow_ups_due(self, user, school: School, due_by) -> ContactQuerySet:
        """The user's open follow-ups that are overdue or due by `due_by`: today plus
        FOLLOW_UP_NOTICE_DAYS for the family list's filter "A follow-up of mine is overdue or
        due this week", as the home page's "My follow-ups" counts them."""
        return self.follow_ups_for(user, school).filter(follow_up_on__lte=due_by)


class Contact(Withdrawable):
    """One contact between the school and a family: a call, a chat, a note home, a visit."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        FACE_TO_FACE = "face_to_face", "Face to face (e.g. at the gate)"
        MEETING = "meeting", "Meeting"
        HOME_VISIT = "home_visit", "Home visit"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter or note home"
        VIDEO = "video", "Video call"
        LINK = "link", "Note through the parent's link"

    class InitiatedBy(models.TextChoices):
        SCHOOL = "school", "The school"
        FAMILY = "family", "The family"

    class Formality(models.TextChoices):
        INFORMAL = "informal", "Informal"
        FORMAL = "formal", "Formal"

    class Purpose(models.TextChoices):
        GOOD_NEWS = "good_news", "Good news"
        INFORMATION = "information", "Sharing information"
        PROGRESS = "progress", "Learning and progress"
        WELLBEING = "wellbeing", "Wellbeing"
        ATTENDANCE = "attendance", "Attendance"
        BEHAVIOUR = "behaviour", "Behaviour"
        SUPPORT = "support", "Support or additional needs"
        FOLLOW_UP = "follow_up", "Following up"
        OTHER = "other", "Other"

    class Confidentiality(models.TextChoices):
        SCHOOL = "school", "All staff at the school who work with the family"
        PASTORAL = "pastoral", "Pastoral team and senior leaders"
        NAMED = "named", "Named staff only"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="contacts")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="contacts")
    occurred_at = models.DateTimeField("when", default=timezone.now)
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name="member of staff",
    )
    # Blank where the conversation was with the child or young person alone (with_child).
    parents = models.ManyToManyField(
        ParentCarer, related_name="contacts", blank=True, verbose_name="with"
    )
    children = models.ManyToManyField(
        Child, related_name="contacts", blank=True, verbose_name="about"
    )
    with_child = models.BooleanField(
        "with the child or young person",
        default=False,
        help_text="Tick if the conversation was with the child or young person it is about "
        "(no adult needs to be there).",
    )
    channel = models.CharField(max_length=20, choices=Channel, default=Channel.PHONE)
    initiated_by = models.CharField(max_length=10, choices=InitiatedBy, default=InitiatedBy.SCHOOL)
    tone = models.CharField(max_length=10, choices=Tone, default=Tone.NEUTRAL)
    formality = models.CharField(max_length=10, choices=Formality, default=Formality.INFORMAL)
    level = models.CharField(
        "communication level", max_length=10, choices=Level, default=Level.GENERAL
    )
    purpose = models.CharField(max_length=20, choices=Purpose, default=Purpose.INFORMATION)
    summary = models.TextField(max_length=2000, help_text="What was said, in plain words.")
    agreed = models.TextField("what was agreed", blank=True, max_length=2000)
    follow_up_on = models.DateField("follow up by", null=True, blank=True)
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name="who follows up",
    )
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    follow_up_contact = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follows_up",
        help_text="The contact that completed this follow-up.",
    )
    confidentiality = models.CharField(
        "who may see this", max_length=10, choices=Confidentiality, default=Confidentiality.SCHOOL
    )
    confidentiality_reason = models.CharField(max_length=300, blank=True)
    named_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="named_on_contacts"
    )
    # Where in the school day it arose (families.school_day): both optional.
    subject = models.CharField(
        "subject or department",
        max_length=SUBJECT_MAX_LENGTH,
        blank=True,
        help_text="If it arose in or is about one subject or department.",
    )
    lesson = models.CharField(
        "lesson or time of day",
        max_length=20,
        choices=SchoolDayTime,
        blank=True,
        help_text="If it arose at one time of the school day.",
    )
    consent = models.CharField(
        "consent to share",
        max_length=300,
        blank=True,
        help_text="Where sharing depends on consent: who agreed, to what, and when.",
    )

    # Withdrawn contacts drop out of every query through `objects`; `all_objects` keeps them.
    objects = current_manager(ContactQuerySet)
    all_objects = ContactQuerySet.as_manager()
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            # Only the three levels: the "hidden from" test lists the levels a user may not
            # read, so a contact at any other level would not count as hidden, and the family
            # list would show stored summaries (its date, its tone) that include it.
            models.CheckConstraint(
                condition=Q(confidentiality__in=["school", "pastoral", "named"]),
                name="contact_confidentiality_known",
            ),
        ]
        indexes = [
            # In the model's own order, to the last column: a family's newest contact (of a
            # tone, readable by this user) is the first row or so of the index, not a sort of
            # every contact of the family (the home page's "due some good news", the lists'
            # last contact, the chronology).
            models.Index(
                fields=["school", "family", "-occurred_at", "-id"], name="contact_chronology"
            ),
            models.Index(
                fields=["school", "follow_up_owner", "follow_up_on"],
                condition=Q(follow_up_done_at__isnull=True, follow_up_on__isnull=False),
                name="contact_open_follow_ups",
            ),
            # The dashboards' "follow-ups past their date", family by family: only the open
            # follow-ups, not every contact of each family.
            models.Index(
                fields=["school", "family", "follow_up_on"],
                condition=Q(follow_up_done_at__isnull=True, follow_up_on__isnull=False),
                name="contact_family_open_follow_ups",
            ),
            models.Index(fields=["school", "occurred_at"], name="contact_school_time"),
            # "Is anything hidden from this user?" (Contact.objects.hidden_from): the school's
            # confidential contacts at the levels the user may not read, not all of them.
            models.Index(
                fields=["school", "confidentiality"],
                condition=~Q(confidentiality="school"),
                name="contact_confidential_level",
            ),
            # The dashboard's "where concerns cluster": the school's concerns in a period.
            models.Index(
                fields=["school", "occurred_at"],
                condition=Q(tone="concern"),
                name="contact_school_concerns",
            ),
        ]

    @property
    def is_parents_own_words(self) -> bool:
        """A note a parent wrote through their link (kept as they wrote it)."""
        return self.channel == self.Channel.LINK and self.initiated_by == self.InitiatedBy.FAMILY

    def __str__(self):
        return f"{self.get_channel_display()} on {self.occurred_at:%d %b %Y}"

    @property
    def is_confidential(self):
        return self.confidentiality != self.Confidentiality.SCHOOL

    @property
    def written_days_late(self) -> int | None:
        """Days between the contact and its note, when written more than a day later."""
        return days_late(self.occurred_at, self.recorded_at)

    @property
    def follow_up_is_open(self):
        return self.follow_up_on is not None and self.follow_up_done_at is None

    def clean(self):
        errors = {}
        # A minute's grace for clocks that disagree between the browser and the server.
        if self.occurred_at and self.occurred_at > timezone.now() + timedelta(minutes=1):
            errors["occurred_at"] = "A contact cannot be logged in the future."
        if (
            self.confidentiality != self.Confidentiality.SCHOOL
            and not self.confidentiality_reason.strip()
        ):
            errors["confidentiality_reason"] = (
                "Say why this contact is shared with fewer people than usual."
            )
        if (
            self.follow_up_on
            and self.occurred_at
            and self.follow_up_on < timezone.localdate(self.occurred_at)
        ):
            errors["follow_up_on"] = "The follow-up date cannot be before the contact."
        if errors:
            raise ValidationError(errors)


class ContactAmendment(Amendment):
    """A correction to a contact, or a parent's dispute of it, kept beside the original."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="amendments")

    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["contact", "at", "pk"]

    def __str__(self):
        return f"Amendment to contact #{self.contact_id} ({self.at:%d %b %Y})"


def contacts_named(contacts: list[Contact]) -> list[Contact]:
    """Give each contact what a chronology entry shows beyond its own row, in one light read
    whatever their number: `parent_names` and `child_names` (by first name), `with_names` (who
    took part: the adults, and the children when it was with them), `child_ids`, and
    `last_edited_at` with `last_editor_first`, `last_editor_last` and `last_editor_username`
    (None if never edited). Model prefetches and correlated subqueries for the same cost the
    ORM several times as long to build as the database takes to run."""
    ids = list(dict.fromkeys(c.pk for c in contacts))
    parents, children, edits = defaultdict(list), defaultdict(list), {}
    if ids:
        recorded = [c.__dict__.get("recorded_at") for c in contacts]
        if recorded and None not in recorded:
            # An edit never comes before its contact was written: on PostgreSQL the history
            # is in month partitions (docs/partitions.md), and this lets the planner skip the
            # months before the oldest contact shown instead of opening every one.
            read = _contact_lines_since(ids=ids, since=min(recorded) - timedelta(days=1))
        else:
            read = _contact_lines(ids=ids)
        for contact_id, kind, at, _, person_id, first, last, username in read:
            if kind == "parent":
                parents[contact_id].append(parent_name(first, last))
            elif kind == "child":
                children[contact_id].append((person_id, first))
            else:  # edits, oldest first: the last one kept is the latest
                edits[contact_id] = (at, first, last, username)
    for contact in contacts:
        contact.parent_names = parents[contact.pk]
        contact.child_names = [name for _, name in children[contact.pk]]
        contact.child_ids = frozenset(child_id for child_id, _ in children[contact.pk])
        # Who took part: the adults, and the child or young person when it was with them.
        contact.with_names = contact.parent_names + (
            contact.child_names if contact.with_child else []
        )
        (
            contact.last_edited_at,
            contact.last_editor_first,
            contact.last_editor_last,
            contact.last_editor_username,
        ) = edits.get(contact.pk, (None, None, None, None))
    return contacts


# contacts_named's read, built once per process and number of contacts (portal.compiled): each
# contact's id is a parameter of the kept SQL. Who took part, who it was about and its edits
# come as rows of one read, each row (contact, kind, at, sort, person, first, last, username):
# the children and the parents each by first name, then the edits oldest first.
_NO_TIME = Cast(Value(None), models.DateTimeField())
_NO_TEXT = Value("", output_field=models.CharField())
_LINE = ("contact_id", "kind", "at", "sort", "person_id", "first", "last", "username")


def _lines(ids, since=None):
    def taking_part(links, kind: str, person: str, first: str, last):
        return (
            links.filter(contact_id__in=ids)
            .annotate(
                kind=Value(kind, output_field=models.CharField()),
                at=_NO_TIME,
                sort=F(first),
                person_id=F(person),
                first=F(first),
                last=last,
                username=_NO_TEXT,
            )
            .values_list(*_LINE)
        )

    parents = taking_part(
        Contact.parents.through.objects,
        "parent",
        "parentcarer_id",
        "parentcarer__first_name",
        F("parentcarer__last_name"),
    )
    children = taking_part(
        Contact.children.through.objects,
        "child",
        "child_id",
        "child__first_name",
        _NO_TEXT,
    )
    edited = Contact.history.model.objects.filter(id__in=ids, history_type="~")
    if since is not None:
        edited = edited.filter(history_date__gte=since)
    edits = (
        edited.order_by()
        .annotate(
            contact_id=F("id"),
            kind=Value("edit", output_field=models.CharField()),
            at=F("history_date"),
            sort=_NO_TEXT,
            person_id=F("history_id"),
            first=F("history_user__first_name"),
            last=F("history_user__last_name"),
            username=F("history_username"),
        )
        .values_list(*_LINE)
    )
    return parents.union(children, edits, all=True).order_by("kind", "at", "sort", "person_id")


_contact_lines = Compiled(lambda ids: _lines(ids), ids=IDS)
_contact_lines_since = Compiled(_lines, ids=IDS, since=datetime)


def _pupils_here(school) -> ChildQuerySet:
    return (
        Child.objects.filter(school=school, left_on__isnull=True)
        .select_related("class_group")
        .order_by("first_name")
    )


def with_pupils(rows: list, school: School) -> list:
    """Give each family-list row's family its current pupils here (`family.pupils`, as
    SchoolFamilyQuerySet.for_list would prefetch them), with one kept read for the page."""
    families = [row.family for row in rows]
    found: dict[int, list] = {family.pk: [] for family in families}
    if families:
        for child in _pupils_of(school=school, family_ids=list(found)):
            found[child.family_id].append(child)
    for family in families:
        family.pupils = found[family.pk]
    return rows


_pupils_of = Compiled(
    lambda school, family_ids: _pupils_here(school).filter(family_id__in=family_ids),
    school=SCHOOL,
    family_ids=IDS,
)


def _amendments_in_order():
    return ContactAmendment.objects.select_related("by").order_by("at")


def with_amendments(contacts: list) -> list:
    """Give each contact its amendments (`contact.amendments.all()`, as for_chronology would
    prefetch them), with one kept read for them all; none where each contact was read with
    `has_amendments` (amendments_exist) and none has any, as for most families."""
    if contacts:
        amended = asked_for(contacts, "amendments")
        rows = _amendments_of(contact_ids=amended) if amended else []
        attach_related(contacts, "amendments", rows, _AMENDMENTS_IN_ORDER)
    return contacts


def amendments_exist():
    """Whether a contact has any amendment, as a column of its read (with_amendments)."""
    return Exists(ContactAmendment.objects.filter(contact=OuterRef("pk")))


_amendments_of = Compiled(
    lambda contact_ids: _amendments_in_order().filter(contact_id__in=contact_ids),
    contact_ids=IDS,
)


def parents_with_details(family_id: int, links: Callable[[], list]) -> list:
    """A family's parents and carers, each with its links to children and its dates to avoid
    (as prefetch_related("child_links", "dates_avoided") would give them): two kept reads, and
    a third for the dates where any parent has asked for some (the parents' read says).
    `links`: gives the family's links as family_links reads them (shared with the page's
    children), asked only if the family has any parent."""
    parents = _parents_of(family_id=family_id)
    if parents:
        attach_related(parents, "child_links", links())
        dated = [parent.pk for parent in parents if parent.has_dates_avoided]
        attach_related(
            parents, "dates_avoided", _dates_avoided_of(parent_ids=dated) if dated else []
        )
    return parents


_parents_of = Compiled(
    lambda family_id: ParentCarer.objects.filter(family_id=family_id).annotate(
        has_dates_avoided=Exists(DateToAvoid.objects.filter(parent=OuterRef("pk")))
    ),
    family_id=int,
)
_dates_avoided_of = Compiled(
    lambda parent_ids: DateToAvoid.objects.filter(parent_id__in=parent_ids), parent_ids=IDS
)


def links_with_restrictions() -> models.QuerySet:
    """Links between children and their parents or carers, each with its parent, and where
    its current restriction comes from and its date beside its words: in the same query (a
    prefetch would cost a query of its own)."""
    current = Restriction.objects.current().filter(link=OuterRef("pk")).order_by("-recorded_at")
    return (
        ChildParent.objects.select_related("parent")
        .annotate(
            restriction_source=Subquery(current.values("source")[:1]),
            restriction_dated=Subquery(current.values("dated")[:1]),
        )
        .order_by("parent__first_name", "pk")
    )


def family_links(family_id: int) -> list:
    """Every link of the family, a child's or a parent's (links_with_restrictions): one read
    for the family page's children and its parents and carers both."""
    return _family_links_of(family_id=family_id)


_family_links_of = Compiled(
    # The two sides as a union of ids: an OR across the two joins cannot use their indexes.
    lambda family_id: links_with_restrictions().filter(
        pk__in=ChildParent.objects.filter(child__family_id=family_id)
        .values("pk")
        .union(ChildParent.objects.filter(parent__family_id=family_id).values("pk"))
    ),
    family_id=int,
)


def anything_hidden(user, school: School) -> bool:
    """Whether any contact of the school is hidden from this user (a kept read of the test
    with_seen_summary asks in its query)."""
    return bool(_one_hidden(user=user, school=school))


_one_hidden = Compiled(
    lambda user, school: Contact.objects.hidden_from(user, school).values_list("pk")[:1],
    user=USER,
    school=SCHOOL,
)


class ContactRhythm(models.Model):
    """How often a family at each communication level should hear from the school, set by the
    headteacher. A school without a row uses the defaults (families.rhythm.DEFAULT_WEEKS)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="contact_rhythm")
    general_weeks = models.PositiveSmallIntegerField(
        "general level: at least one contact every (weeks)",
        default=13,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="The default, 13 weeks, is about once a term.",
    )
    enhanced_weeks = models.PositiveSmallIntegerField(
        "enhanced level: at least one contact every (weeks)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="The default, 2 weeks, is fortnightly.",
    )
    intensive_weeks = models.PositiveSmallIntegerField(
        "intensive level: at least one contact every (weeks)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="The default, 1 week, is weekly.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = KeptHistoricalRecords()

    class Meta:
        verbose_name = "contact rhythm"

    def __str__(self):
        return f"Contact rhythm at {self.school}"

    def weeks_for(self, level: str) -> int:
        return getattr(self, f"{level}_weeks", self.general_weeks)

    def clean(self):
        # A closer level never waits longer than a lighter one.
        if None in (self.general_weeks, self.enhanced_weeks, self.intensive_weeks):
            return
        errors = {}
        if self.enhanced_weeks > self.general_weeks:
            errors["enhanced_weeks"] = (
                "Families at the enhanced level should hear from us at least as often as at the "
                f"general level (every {self.general_weeks} weeks or less)."
            )
        if self.intensive_weeks > self.enhanced_weeks:
            errors["intensive_weeks"] = (
                "Families at the intensive level should hear from us at least as often as at the "
                f"enhanced level (every {self.enhanced_weeks} weeks or less)."
            )
        if errors:
            raise ValidationError(errors)


# The importer's bookkeeping lives in its own module; importing it here registers the model.
from families.import_runs import ImportRun  # noqa: E402, F401

# Each school's contacts counted by month, for the authority figures (families/rollups.py).
from families.rollups import ContactMonthRollup, ContactRollupRun  # noqa: E402, F401

# Restrictions as records, and the fields staff changed in the portal (families/upkeep.py).
from families.staff_records import Restriction, StaffChange  # noqa: E402, F401

# The amendments' own queryset, built once: chained from, an attached list keeps its order.
_AMENDMENTS_IN_ORDER = _amendments_in_order()

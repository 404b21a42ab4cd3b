"""Solution-oriented meetings with a family: planning, the record, action points, follow-up."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from families.models import Child, Contact, Family, ParentCarer, SchoolFamily
from portal import access
from portal.lib.loading import QuickLoaded
from portal.lib.records import (
    Amendment,
    KeptHistoricalRecords,
    Withdrawable,
    current_manager,
    days_late,
)
from portal.models import Membership, School

Confidentiality = Contact.Confidentiality


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user, school: School) -> MeetingQuerySet:
        """Meetings of `school` this user may see: of the families they work with, as each
        meeting's confidentiality allows; a chair, staff attendee or member of staff recorded as
        there always sees their meeting."""
        if school is None or not access.works_with_families(user, school):
            return self.none()
        families = SchoolFamily.objects.visible_to(user, school).values("family_id")
        attends = Meeting.staff.through.objects.filter(meeting=OuterRef("pk"), user=user)
        present = Meeting.staff_present.through.objects.filter(meeting=OuterRef("pk"), user=user)
        shown = access.readable_levels(user, school) & Q(family__in=families)
        return self.filter(school=school).filter(
            shown | Q(chair=user) | Exists(attends) | Exists(present)
        )

    def upcoming(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.PLANNED, starts_at__gte=timezone.now())

    def for_list(self) -> MeetingQuerySet:
        return self.select_related("family", "chair").order_by("-starts_at")


class Meeting(Withdrawable):
    """A planned or held meeting with a family, from preparation to the summary they keep."""

    class Kind(models.TextChoices):
        SOLUTION_ORIENTED = "solution_oriented", "Solution-oriented review"
        TRANSITION = "transition", "Transition planning"
        MULTI_AGENCY = "multi_agency", "Multi-agency / team around the child"
        RETURN_AFTER_EXCLUSION = "return_after_exclusion", "Return after exclusion"
        COMPLAINT_RESOLUTION = "complaint_resolution", "Complaint resolution"
        INFORMAL = "informal", "Informal chat"

    class Place(models.TextChoices):
        SCHOOL_ROOM = "school_room", "A private room at school"
        HOME = "home", "The family's home"
        COMMUNITY = "community", "A community venue"
        PHONE = "phone", "By phone"
        VIDEO = "video", "By video call"

    class ChildView(models.TextChoices):
        IN_PERSON = "in_person", "Comes to the whole meeting"
        PART = "part", "Comes for part of the meeting"
        WRITTEN = "written", "Writes or draws their view beforehand"
        TRUSTED_ADULT = "trusted_adult", "Through a trusted adult"
        NOT_THIS_TIME = "not_this_time", "Not this time"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        REVIEWED = "reviewed", "Reviewed"
        CANCELLED = "cancelled", "Cancelled"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="meetings")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="meetings")
    children = models.ManyToManyField(Child, related_name="meetings", blank=True)
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.SOLUTION_ORIENTED)
    purpose = models.TextField(
        max_length=1000,
        help_text="Why the meeting is happening, in words the family would use.",
    )
    starts_at = models.DateTimeField("starts")
    duration_minutes = models.PositiveSmallIntegerField(
        "how long (minutes)",
        default=45,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    place_kind = models.CharField("where", max_length=20, choices=Place, default=Place.SCHOOL_ROOM)
    place_details = models.CharField(
        "place details",
        max_length=300,
        blank=True,
        help_text="Room, address, phone number or video link.",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meetings_chaired"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="meetings_attending",
        blank=True,
        verbose_name="other staff attending",
    )
    parents = models.ManyToManyField(
        ParentCarer, through="MeetingParent", related_name="meetings", blank=True
    )
    # Who was actually there, recorded after the meeting (distinct from who was invited): the
    # staff here, each parent's MeetingParent.attended and each agency's AgencyAttendee.attended.
    staff_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="meetings_present",
        blank=True,
        verbose_name="staff who attended",
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    child_attending = models.BooleanField("the child or young person attends", default=False)
    child_view_how = models.CharField(
        "how the child gives their view",
        max_length=20,
        choices=ChildView,
        default=ChildView.TRUSTED_ADULT,
    )
    supporter_name = models.CharField("parent's supporter", max_length=200, blank=True)
    supporter_relationship = models.CharField(
        "who the supporter is to them", max_length=200, blank=True
    )
    interpreter_language = models.CharField(
        max_length=60, blank=True, help_text="Leave empty if no interpreter is needed."
    )
    interpreter_booked = models.BooleanField(default=False)
    transport_needed = models.BooleanField("transport or access help needed", default=False)
    parent_items = models.TextField(
        "items or views the family added beforehand", blank=True, max_length=2000
    )
    # Preparation checklist.
    prep_told_why = models.BooleanField("told why the meeting is happening", default=False)
    prep_told_who = models.BooleanField("told who will be there", default=False)
    prep_told_when = models.BooleanField("told when and where", default=False)
    prep_told_how_long = models.BooleanField("told how long it will take", default=False)
    prep_told_what_follows = models.BooleanField("told what may follow", default=False)
    prep_invited_to_add = models.BooleanField(
        "invited to add items or their own view", default=False
    )
    prep_supporter_offered = models.BooleanField("offered a supporter", default=False)
    prep_transport_arranged = models.BooleanField("transport or access arranged", default=False)
    prep_room_ready = models.BooleanField("the room is private and comfortable", default=False)
    prep_child_view_gathered = models.BooleanField("the child's view gathered", default=False)
    confidentiality = models.CharField(
        "who may see this",
        max_length=10,
        choices=Confidentiality,
        default=Confidentiality.SCHOOL,
    )
    confidentiality_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PLANNED)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    # The record, in the meeting's order; best hopes, strengths and exceptions are Contributions.
    summary = models.TextField(
        "summary in plain words",
        blank=True,
        max_length=4000,
        help_text="What was talked about and agreed, in words the family will understand.",
    )
    held_at = models.DateTimeField(null=True, blank=True)
    review_on = models.DateField("review date", null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        help_text="The meeting this one reviews.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Withdrawn meetings drop out of every query through `objects`; `all_objects` keeps them.
    objects = current_manager(MeetingQuerySet)
    all_objects = MeetingQuerySet.as_manager()
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "family", "-starts_at"], name="meeting_family_time"),
            models.Index(fields=["school", "starts_at"], name="meeting_school_time"),
            models.Index(fields=["chair", "starts_at"], name="meeting_chair_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {timezone.localtime(self.starts_at):%d %b %Y}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes or 0)

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Confidentiality.SCHOOL

    @property
    def written_days_late(self) -> int | None:
        """Days between the meeting and its record, when written more than a day later."""
        return days_late(self.starts_at, self.held_at)

    @property
    def interpreter_needed(self) -> bool:
        return bool(self.interpreter_language.strip())

    def steps_from_last_meeting(self) -> list[ActionPoint]:
        """The steps agreed at the meeting this one reviews, in the order to go through them:
        those still open (under way, then not started, earliest date first), then those done,
        then those no longer needed. Empty when this meeting reviews none."""
        if not self.previous_id:
            return []
        order = {
            ActionPoint.Status.IN_PROGRESS: 0,
            ActionPoint.Status.OPEN: 1,
            ActionPoint.Status.DONE: 2,
            ActionPoint.Status.DROPPED: 3,
        }
        steps = ActionPoint.objects.filter(meeting_id=self.previous_id).select_related(
            "owner_staff", "owner_parent", "owner_child"
        )
        return sorted(steps, key=lambda p: (order.get(p.status, 9), p.due_on, p.pk))

    def people_attending(self) -> list[dict]:
        """Who is at the meeting, for choosing who gave an answer: the chair and staff (or, once
        recorded, the staff who attended), the parents and carers invited (not those who said
        no, were not invited or did not attend), the children
        unless their view is not sought this time, the supporter and the partner agencies.
        Each is {"key": "kind-id", "kind", "name", "label", "obj"}."""
        from portal.lib.staff import staff_name

        kind = ScalingAnswer.PersonKind
        people = []

        def add(person_kind, pk, name, label, obj):
            people.append(
                {
                    "key": f"{person_kind}-{pk}",
                    "kind": person_kind,
                    "name": name[:120],
                    "label": label,
                    "obj": obj,
                }
            )

        staff = [self.chair, *sorted(self.staff.all(), key=staff_name)]
        if self.attendance_recorded_at:  # who was there, once recorded
            staff = sorted(self.staff_present.all(), key=staff_name)
        for user in dict.fromkeys(staff):
            add(kind.STAFF, user.pk, staff_name(user), f"{staff_name(user)} (staff)", user)
        away = (MeetingParent.Response.NOT_INVITED, MeetingParent.Response.DECLINED)
        for inv in self.invitations.select_related("parent").order_by(
            "parent__last_name", "parent__first_name"
        ):
            if inv.attended is False or (inv.response in away and not inv.attended):
                continue
            name = inv.parent.full_name
            add(kind.PARENT, inv.parent_id, name, f"{name} (parent or carer)", inv.parent)
        if self.child_view_how != self.ChildView.NOT_THIS_TIME:
            for child in self.children.order_by("first_name"):
                label = f"{child.first_name} (child or young person)"
                add(kind.CHILD, child.pk, child.first_name, label, child)
        if self.supporter_name.strip():
            add(kind.SUPPORTER, 0, self.supporter_name, f"{self.supporter_name} (supporter)", None)
        for agency in self.agencies.all():
            if agency.attended is False:
                continue
            label = f"{agency.name}, {agency.role or agency.organisation} (partner agency)"
            add(kind.AGENCY, agency.pk, agency.name, label, agency)
        return people

    def attended(self) -> dict | None:
        """Who was actually there, by kind, as the summary names them (the children, when
        `child_attending`, are the caller's to name); None until attendance is recorded."""
        if not self.attendance_recorded_at:
            return None
        from portal.lib.staff import staff_name

        invitations = self.invitations.filter(attended=True).select_related("parent")
        return {
            "staff": sorted(staff_name(u) for u in self.staff_present.all()),
            "parents": sorted(inv.parent.full_name for inv in invitations),
            "agencies": [
                f"{a.name} ({a.role or a.organisation})" for a in self.agencies.all() if a.attended
            ],
        }

    def preparation(self) -> list[dict]:
        """The checklist as shown: each item's label, whether it is done, and whether it applies."""
        in_a_room = self.place_kind in (self.Place.SCHOOL_ROOM, self.Place.COMMUNITY)
        items = [
            ("prep_told_why", True),
            ("prep_told_who", True),
            ("prep_told_when", True),
            ("prep_told_how_long", True),
            ("prep_told_what_follows", True),
            ("prep_invited_to_add", True),
            ("prep_supporter_offered", True),
            ("interpreter_booked", self.interpreter_needed),
            ("prep_transport_arranged", self.transport_needed),
            ("prep_room_ready", in_a_room),
            ("prep_child_view_gathered", self.child_view_how != self.ChildView.NOT_THIS_TIME),
        ]
        labels = {"interpreter_booked": "interpreter booked"}
        return [
            {
                "field": name,
                "label": labels.get(name, self._meta.get_field(name).verbose_name),
                "done": getattr(self, name),
                "applies": applies,
            }
            for name, applies in items
        ]

    def preparation_counts(self) -> tuple[int, int]:
        """(done, applicable) items of the preparation checklist."""
        applying = [i for i in self.preparation() if i["applies"]]
        return sum(1 for i in applying if i["done"]), len(applying)

    def clean(self):
        errors = {}
        if (
            self.family_id
            and self.school_id
            and not SchoolFamily.objects.filter(
                school_id=self.school_id, family_id=self.family_id
            ).exists()
        ):
            errors["family"] = "This family is not linked to the school."
        if (
            self.chair_id
            and self.school_id
            and not Membership.objects.active()
            .filter(user_id=self.chair_id, school_id=self.school_id)
            .exists()
        ):
            errors["chair"] = "The chair must be a member of staff at this school."
        if self.status == self.Status.CANCELLED and not self.cancelled_reason.strip():
            errors["cancelled_reason"] = "Say briefly why the meeting was cancelled."
        if errors:
            raise ValidationError(errors)


class MeetingParent(QuickLoaded):
    """A parent or carer's invitation to a meeting and whether they are coming."""

    class Response(models.TextChoices):
        INVITED = "invited", "Invited"
        ATTENDING = "attending", "Coming"
        DECLINED = "declined", "Not able to come"
        NOT_INVITED = "not_invited", "Not invited"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    parent = models.ForeignKey(ParentCarer, on_delete=models.CASCADE, related_name="invitations")
    response = models.CharField(max_length=12, choices=Response, default=Response.INVITED)
    not_invited_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where a parent is not invited: the recorded restriction or their choice.",
    )
    attended = models.BooleanField(null=True, blank=True)
    # A parent with a recorded restriction is invited only when a member of staff decides so,
    # having read it: who, when, why, and the restriction's words as they read them.
    override_reason = models.CharField(
        "why they are invited despite the restriction", max_length=500, blank=True
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_at = models.DateTimeField(null=True, blank=True)
    override_restriction = models.TextField("the restriction as read", max_length=2000, blank=True)

    class Meta:
        ordering = ["parent__last_name", "parent__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "parent"], name="meetingparent_unique")
        ]

    def __str__(self):
        return f"{self.parent} — {self.get_response_display()}"

    @property
    def is_overridden(self) -> bool:
        """Whether a member of staff decided, with a reason, to invite them despite a recorded
        restriction."""
        return bool(self.override_reason.strip() and self.override_at)

    def clean(self):
        if self.meeting_id and self.parent_id and self.parent.family_id != self.meeting.family_id:
            raise ValidationError({"parent": "This parent or carer is not in the family."})
        if self.response == self.Response.NOT_INVITED and not self.not_invited_reason.strip():
            raise ValidationError(
                {"not_invited_reason": "Say why this parent or carer is not invited."}
            )


class AgencyKind(models.TextChoices):
    SOCIAL_WORK = "social_work", "Social work"
    HEALTH = "health", "Health"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    EARLY_YEARS = "early_years", "Nursery or early years setting"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class AgencyAttendee(models.Model):
    """A partner agency's worker at a meeting, by name and organisation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=AgencyKind, default=AgencyKind.OTHER)
    role = models.CharField(max_length=200, blank=True, help_text="e.g. Health visitor")
    attended = models.BooleanField(null=True, blank=True)

    # Removing a line while writing the record keeps it here, with who removed it.
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class SummarySent(models.Model):
    """The meeting's summary given or sent to someone: to whom, when and how."""

    class How(models.TextChoices):
        HANDED = "handed", "Handed over in person"
        POST = "post", "By post"
        EMAIL = "email", "By e-mail"
        PHONE = "phone", "Read through on the phone"
        BAG = "bag", "Sent home in the child's bag"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="summaries_sent")
    parent = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        AgencyAttendee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name as it was when sent: kept if the person's record later changes.
    to_name = models.CharField("sent to", max_length=200)
    sent_on = models.DateField("when")
    how = models.CharField(max_length=10, choices=How, default=How.HANDED)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["meeting", "sent_on", "pk"]
        verbose_name = "summary sent"
        verbose_name_plural = "summaries sent"

    def __str__(self):
        return f"Summary to {self.to_name} on {self.sent_on:%d %b %Y}"


class Contribution(models.Model):
    """Who said what, in one section of the meeting record."""

    class Section(models.TextChoices):
        BEST_HOPES = "best_hopes", "Best hopes"
        STRENGTHS = "strengths", "Strengths"
        EXCEPTIONS = "exceptions", "Exceptions: when it is already a bit better"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    section = models.CharField(max_length=20, choices=Section)
    party = models.CharField(
        "who said it", max_length=120, help_text="e.g. “Mum (Sarah)”, “Jay”, “Ms Rahman”."
    )
    words = models.TextField("what they said", max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Removing a line while writing the record keeps it here, with who removed it.
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["meeting", "section", "pk"]

    def __str__(self):
        return f"{self.party}: {self.words[:40]}"


class ScalingAnswer(models.Model):
    """One party's answer to the scaling question: where things are now, 0–10."""

    class PersonKind(models.TextChoices):
        STAFF = "staff", "Member of staff"
        PARENT = "parent", "Parent or carer"
        CHILD = "child", "Child or young person"
        SUPPORTER = "supporter", "Supporter"
        AGENCY = "agency", "Partner agency"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="scaling")
    # The name as shown; answers written before people were chosen keep only this text.
    party = models.CharField("who", max_length=120)
    # The person who answered, chosen from those attending (empty on older, typed answers).
    person_kind = models.CharField(max_length=10, choices=PersonKind, blank=True)
    person_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_parent = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_agency = models.ForeignKey(
        AgencyAttendee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        "now (0–10)", validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    one_point_higher = models.TextField(
        "what one point higher would look like", blank=True, max_length=1000
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Removing a line while writing the record keeps it here, with who removed it.
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self):
        return f"{self.party}: {self.score}/10"

    @property
    def person_key(self) -> tuple | None:
        """Who answered, the same across meetings: staff, parents and children by their record;
        None for a typed answer, a supporter or an agency worker (matched by name)."""
        key = {
            self.PersonKind.STAFF: ("staff", self.person_staff_id),
            self.PersonKind.PARENT: ("parent", self.person_parent_id),
            self.PersonKind.CHILD: ("child", self.person_child_id),
        }.get(self.person_kind)
        return key if key and key[1] is not None else None


class ActionPointQuerySet(models.QuerySet):
    def open(self) -> ActionPointQuerySet:
        return self.exclude(status__in=ActionPoint.CLOSED)

    def overdue(self, today: datetime.date | None = None) -> ActionPointQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def owned_by(self, user) -> ActionPointQuerySet:
        return self.filter(owner_kind=ActionPoint.OwnerKind.STAFF, owner_staff=user)


class ActionPoint(Withdrawable):
    """A small next step agreed at a meeting, with one owner and a date."""

    class OwnerKind(models.TextChoices):
        STAFF = "staff", "A member of staff"
        PARENT = "parent", "A parent or carer"
        CHILD = "child", "The child or young person"
        AGENCY = "agency", "A partner agency"

    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "Under way"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    CLOSED = (Status.DONE, Status.DROPPED)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_points")
    what = models.CharField("the next small step", max_length=300)
    owner_kind = models.CharField("who does it", max_length=10, choices=OwnerKind)
    owner_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_points",
        verbose_name="member of staff",
    )
    owner_parent = models.ForeignKey(
        ParentCarer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_points",
        verbose_name="parent or carer",
    )
    owner_child = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_points",
        verbose_name="child or young person",
    )
    owner_agency = models.CharField("agency (name and organisation)", max_length=200, blank=True)
    due_on = models.DateField("by when")
    status = models.CharField(max_length=12, choices=Status, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    progress_note = models.CharField("how it is going", max_length=500, blank=True)
    # Set when the parent who owns the step ticked it off through their link.
    done_by_parent = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # A step drops out when it, or its meeting, is withdrawn; `all_objects` keeps both.
    objects = current_manager(ActionPointQuerySet, meeting__withdrawn_at__isnull=True)
    all_objects = ActionPointQuerySet.as_manager()
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["owner_staff", "due_on"],
                condition=Q(status__in=["open", "in_progress"]),
                name="actionpoint_open_by_owner",
            ),
        ]

    def __str__(self):
        return self.what

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def owner_name(self) -> str:
        """The owner as the family would know them."""
        match self.owner_kind:
            case self.OwnerKind.STAFF:
                return self.owner_staff.get_full_name() if self.owner_staff else ""
            case self.OwnerKind.PARENT:
                return self.owner_parent.full_name if self.owner_parent else ""
            case self.OwnerKind.CHILD:
                return self.owner_child.first_name if self.owner_child else ""
            case _:
                return self.owner_agency

    def clean(self):
        errors = {}
        owner_field, owner_value = {
            self.OwnerKind.STAFF: ("owner_staff", self.owner_staff_id),
            self.OwnerKind.PARENT: ("owner_parent", self.owner_parent_id),
            self.OwnerKind.CHILD: ("owner_child", self.owner_child_id),
            self.OwnerKind.AGENCY: ("owner_agency", self.owner_agency.strip()),
        }.get(self.owner_kind, (None, None))
        if owner_field and not owner_value:
            errors[owner_field] = "Say who will do this."
        meeting = self.meeting if self.meeting_id else None
        if meeting is not None:
            errors.update(self._owner_errors(meeting))
        if errors:
            raise ValidationError(errors)

    def _owner_errors(self, meeting: Meeting) -> dict[str, str]:
        """The owner must belong to the meeting's school (staff) or family (parent, child)."""
        kind = self.owner_kind
        if (
            kind == self.OwnerKind.STAFF
            and self.owner_staff_id
            and not Membership.objects.active()
            .filter(user_id=self.owner_staff_id, school_id=meeting.school_id)
            .exists()
        ):
            return {"owner_staff": "This person is not a member of staff at this school."}
        if (
            kind == self.OwnerKind.PARENT
            and self.owner_parent_id
            and self.owner_parent.family_id != meeting.family_id
        ):
            return {"owner_parent": "This parent or carer is not in the family."}
        if (
            kind == self.OwnerKind.CHILD
            and self.owner_child_id
            and self.owner_child.family_id != meeting.family_id
        ):
            return {"owner_child": "This child is not in the family."}
        return {}


class FollowUpQuerySet(models.QuerySet):
    pass


class FollowUp(models.Model):
    """A follow-up call or visit to check on a meeting's action points."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        HOME_VISIT = "home_visit", "Home visit"
        MEETING = "meeting", "Short meeting in school"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField("by when")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_follow_ups"
    )
    channel = models.CharField(max_length=12, choices=Channel, default=Channel.PHONE)
    action_points = models.ManyToManyField(
        ActionPoint, related_name="follow_ups", blank=True, verbose_name="steps to check"
    )
    contact = models.OneToOneField(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_follow_up",
        help_text="The logged contact that completed this follow-up.",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # A withdrawn meeting's follow-ups drop out of panels and lists with it.
    objects = current_manager(FollowUpQuerySet, meeting__withdrawn_at__isnull=True)
    all_objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.get_channel_display()} by {self.due_on:%d %b %Y}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class MeetingAmendment(Amendment):
    """A correction to a meeting's recorded summary, or a parent's dispute of it, kept beside
    the original."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="amendments")
    # A dispute the parent wrote themselves, through their link (then `by` is empty).
    by_parent = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["meeting", "at", "pk"]

    def __str__(self):
        return f"Amendment to meeting #{self.meeting_id} ({self.at:%d %b %Y})"

"""Minimal factories: required fields only, SubFactory for foreign keys."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from families.models import Child, ChildParent, Contact, Family, ParentCarer, SchoolFamily
from portal.models import Authority, ClassGroup, Membership, Role, School, StaffAccessChange

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"Authority {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    authority = factory.SubFactory(AuthorityFactory)
    stage = School.Stage.PRIMARY


class CalendarEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portal.CalendarEntry"

    school = factory.SubFactory(SchoolFactory)
    kind = "holiday"
    name = "October holiday"
    starts_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=4))


class ClassGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassGroup

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Class {n}")
    year_group = "P4"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.STAFF


class StaffAccessChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAccessChange

    actor = factory.SubFactory(UserFactory)
    actor_name = factory.LazyAttribute(lambda c: c.actor.get_username())
    kind = StaffAccessChange.Kind.MEMBERSHIP
    what = "Role at a school"


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Family {n}")


class SchoolFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolFamily

    school = factory.SubFactory(SchoolFactory)
    family = factory.SubFactory(
        FamilyFactory, authority=factory.SelfAttribute("..school.authority")
    )


class ContactRhythmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.ContactRhythm"

    school = factory.SubFactory(SchoolFactory)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    school = factory.SubFactory(SchoolFactory)
    family = factory.SubFactory(
        FamilyFactory, authority=factory.SelfAttribute("..school.authority")
    )
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(2017, 5, 1)
    year_group = "P4"


class ParentCarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentCarer

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class DateToAvoidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.DateToAvoid"

    parent = factory.SubFactory(ParentCarerFactory)
    starts_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=2))
    words = "Visiting family"


class ChildParentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChildParent

    child = factory.SubFactory(ChildFactory)
    parent = factory.SubFactory(ParentCarerFactory, family=factory.SelfAttribute("..child.family"))
    relationship = ChildParent.Relationship.MOTHER


class RestrictionFactory(factory.django.DjangoModelFactory):
    """A restriction recorded by staff on one parent–child link (families.staff_records)."""

    class Meta:
        model = "families.Restriction"

    link = factory.SubFactory(ChildParentFactory)
    words = "School reports only; no address details."
    source = "court_order"
    dated = datetime.date(2026, 3, 2)
    recorded_by = factory.SubFactory(UserFactory)


class StaffChangeFactory(factory.django.DjangoModelFactory):
    """A mark that staff changed one field of a family's record (a later import keeps it)."""

    class Meta:
        model = "families.StaffChange"

    family = factory.SubFactory(FamilyFactory)
    record = "child"
    record_id = factory.Sequence(lambda n: n + 1)
    field = "class_group"
    changed_by = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    school = factory.SubFactory(SchoolFactory)
    family = factory.SubFactory(
        FamilyFactory, authority=factory.SelfAttribute("..school.authority")
    )
    staff = factory.SubFactory(UserFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    summary = "Talked about how the week has gone."


class PlacementFactory(factory.django.DjangoModelFactory):
    """A compass placement made through compass.services.placement_record (needs the
    `compass_defaults` fixture). Pass school_family=..., or school=... for a new family."""

    class Meta:
        model = "compass.Placement"

    school_family = factory.SubFactory(SchoolFamilyFactory)
    placed_by = factory.SubFactory(UserFactory)
    communication = 2
    access = 2
    attitude = 2
    evidence = "Two calls this term, both returned."

    @classmethod
    def _create(cls, model_class, *args, school_family, parents=(), **kwargs):
        from compass.services import placement_record

        return placement_record(
            school=school_family.school, family=school_family.family, parents=parents, **kwargs
        )


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Complaint"

    school = factory.SubFactory(SchoolFactory)
    family = factory.SubFactory(
        FamilyFactory, authority=factory.SelfAttribute("..school.authority")
    )
    raised_by_name = "A parent"
    about = "The homework club was cancelled without warning."
    received_at = factory.LazyFunction(timezone.now)
    point_of_contact = factory.SubFactory(UserFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting a week ahead, at 15:30."""

    class Meta:
        model = "meetings.Meeting"

    school = factory.SubFactory(SchoolFactory)
    family = factory.SubFactory(
        FamilyFactory, authority=factory.SelfAttribute("..school.authority")
    )
    chair = factory.SubFactory(UserFactory)
    purpose = "To agree how we help Robin settle in the mornings."
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=7)).replace(
            hour=15, minute=30, second=0, microsecond=0
        )
    )
    duration_minutes = 45


class ActionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.ActionPoint"

    meeting = factory.SubFactory(MeetingFactory)
    what = "Phone home on Friday with how the week went."
    owner_kind = "staff"
    owner_staff = factory.SelfAttribute("meeting.chair")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


# --- The remaining models: minimal factories, so every model has one -------------------------


class LeverStepFactory(factory.django.DjangoModelFactory):
    """A school's own wording for one step of one lever."""

    class Meta:
        model = "compass.LeverStep"

    school = factory.SubFactory(SchoolFactory)
    lever = "communication"
    step = factory.Sequence(lambda n: n % 4 + 1)
    description = "Regular two-way contact, good news included."


class CompassRegionFactory(factory.django.DjangoModelFactory):
    """A school's own region (bounds open unless given)."""

    class Meta:
        model = "compass.CompassRegion"

    school = factory.SubFactory(SchoolFactory)
    key = factory.Sequence(lambda n: f"region-{n}")
    label = factory.Sequence(lambda n: f"Region {n}")


class SelfEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboards.SelfEvaluation"

    school = factory.SubFactory(SchoolFactory)
    target_year = 2029


class RegionTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboards.RegionTarget"

    evaluation = factory.SubFactory(SelfEvaluationFactory)
    region_key = "positive-partners"
    percent = 40


class MeetingParentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.MeetingParent"

    meeting = factory.SubFactory(MeetingFactory)
    parent = factory.SubFactory(
        ParentCarerFactory, family=factory.SelfAttribute("..meeting.family")
    )


class AgencyAttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.AgencyAttendee"

    meeting = factory.SubFactory(MeetingFactory)
    name = "Jo Baird"
    organisation = "Educational psychology service"


class SummarySentFactory(factory.django.DjangoModelFactory):
    """The meeting's summary handed to someone (meetings.SummarySent)."""

    class Meta:
        model = "meetings.SummarySent"

    meeting = factory.SubFactory(MeetingFactory)
    to_name = "Morven Scott"
    sent_on = factory.LazyFunction(timezone.localdate)
    by = factory.SubFactory(UserFactory)


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Contribution"

    meeting = factory.SubFactory(MeetingFactory)
    section = "strengths"
    party = "Mum"
    words = "Robin helps his little sister get ready every morning."


class ScalingAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.ScalingAnswer"

    meeting = factory.SubFactory(MeetingFactory)
    party = "Mum"
    score = 4
    one_point_higher = "Robin goes in at the gate without a fuss twice a week."


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.FollowUp"

    meeting = factory.SubFactory(MeetingFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    owner = factory.SelfAttribute("meeting.chair")


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.ImportRun"

    school = factory.SubFactory(SchoolFactory)
    content = "pupil_id,pupil_first_name\nP1,Isla\n"


class ContactMonthRollupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.ContactMonthRollup"

    school = factory.SubFactory(SchoolFactory)
    month = datetime.date(2026, 9, 1)


class ContactRollupRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.ContactRollupRun"

    school = factory.SubFactory(SchoolFactory)
    refreshed_at = factory.LazyFunction(timezone.now)


class ReminderSentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reminders.ReminderSent"

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    kind = "contact_follow_up"
    object_id = factory.Sequence(lambda n: n + 1)
    sent_on = datetime.date(2026, 9, 1)


class AccessLogFactory(factory.django.DjangoModelFactory):
    """A row of the access log: someone viewed a family."""

    class Meta:
        model = "audit.AccessLog"

    user = factory.SubFactory(UserFactory)
    username = factory.SelfAttribute("user.username")
    action = "view"
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Family))
    object_id = factory.LazyAttribute(lambda row: FamilyFactory().pk)


# --- privacy ----------------------------------------------------------------------------------


class RetentionPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "privacy.RetentionPolicy"

    school = factory.SubFactory(SchoolFactory)


class LegalHoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "privacy.LegalHold"

    school = factory.SubFactory(SchoolFactory)
    family = factory.SubFactory(
        FamilyFactory, authority=factory.SelfAttribute("..school.authority")
    )
    reason = "Letter from the council's legal team about a claim."
    set_by = factory.SubFactory(UserFactory)


class ErasureRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "privacy.ErasureRun"

    as_of = factory.LazyFunction(timezone.localdate)
    started_by = "manage.py (test)"


class ErasureLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "privacy.ErasureLog"

    run = factory.SubFactory(ErasureRunFactory)
    kind = "families.Contact"
    object_id = factory.Sequence(lambda n: n + 1)
    family_id = factory.Sequence(lambda n: n + 1)
    stage = "routine"


class FormSubmissionFactory(factory.django.DjangoModelFactory):
    """A spent one-time form token (portal/lib/once.py)."""

    class Meta:
        model = "portal.FormSubmission"

    token = factory.Faker("uuid4", cast_to=None)
    user = factory.SubFactory(UserFactory)


class SignInSlowdownFactory(factory.django.DjangoModelFactory):
    """Recent wrong passwords for one username (portal/lockout.py)."""

    class Meta:
        model = "portal.SignInSlowdown"

    username = factory.Sequence(lambda n: f"someone{n}")
    failures = 1
    last_failure_at = factory.LazyFunction(timezone.now)


class SignInWaitFactory(factory.django.DjangoModelFactory):
    """A wait handed to one address for one username (portal/lockout.py)."""

    class Meta:
        model = "portal.SignInWait"

    username = factory.Sequence(lambda n: f"someone{n}")
    ip_address = "192.0.2.1"
    ready_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)


class UnlockLinkFactory(factory.django.DjangoModelFactory):
    """An e-mailed unlock link, by the hash of its secret (portal/lockout.py)."""

    class Meta:
        model = "portal.UnlockLink"

    user = factory.SubFactory(UserFactory)
    ip_address = "192.0.2.1"
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    created_at = factory.LazyFunction(timezone.now)


class EmailRequestFactory(factory.django.DjangoModelFactory):
    """A password reset or unlock e-mail asked for while signed out (portal/lockout.py)."""

    class Meta:
        model = "portal.EmailRequest"

    kind = "reset"
    account_hash = factory.Sequence(lambda n: f"{n:064x}")
    ip_address = "192.0.2.1"
    at = factory.LazyFunction(timezone.now)


class PhraseFactory(factory.django.DjangoModelFactory):
    """A school's own phrase to reconsider (the authority's defaults are seeded)."""

    class Meta:
        model = "guidance.Phrase"

    school = factory.SubFactory(SchoolFactory)
    phrase = factory.Sequence(lambda n: f"awkward family {n}")
    why = "It labels the family."
    suggestion = "Describe what happened and what was said."


class HintTallyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "guidance.HintTally"

    school = factory.SubFactory(SchoolFactory)
    term_start = datetime.date(2026, 8, 1)
    phrase = "hard to reach"
    shown = 3
    taken = 1


class ContactAmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.ContactAmendment"

    contact = factory.SubFactory(ContactFactory)
    text = "The call was on Tuesday, not Monday."
    reason = "Wrong day recorded."
    by = factory.SubFactory(UserFactory)


class MeetingAmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.MeetingAmendment"

    meeting = factory.SubFactory(MeetingFactory)
    text = "Mum agreed to a call on Fridays, not a visit."
    reason = "The summary gave the wrong arrangement."
    by = factory.SubFactory(UserFactory)

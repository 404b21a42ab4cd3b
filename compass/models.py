"""The Parent Compass: lever steps and regions as data, and placements as dated points.

The geometry (kept here so that the dashboards, the drawing and the tests agree):

- Each placement rates three levers on a four-step scale (1–4): communication, access and
  attitude. The step descriptions are `LeverStep` rows, so schools can reword them.
- **x (east)** = communication and access together = (communication + access) / 2, so x runs
  from 1.0 (west: distant, little contact) to 4.0 (east: close, easy contact) in half steps.
- **y (north)** = attitude and trust = the attitude step, from 1 (south: strained) to
  4 (north: partners).
- The named region comes from the point, never from code: each `CompassRegion` holds inclusive
  cut-offs `x_min <= x <= x_max` and `y_min <= y <= y_max` (an empty bound is open), and the
  first region in `order` whose box holds the point wins. The seeded defaults are:

  ======  =====================================  ==========  ==========
  order   region                                 x           y
  ======  =====================================  ==========  ==========
  1       centre "getting to know each other"    2.0 – 3.0   2 – 3
  2       north-east "positive partners"         ≥ 2.5       ≥ 2.5
  3       south-east "in close contact, ..."     ≥ 2.5       ≤ 2.5
  4       north-west "well-disposed but distant" ≤ 2.5       ≥ 2.5
  5       south-west "not yet reached"           ≤ 2.5       ≤ 2.5
  ======  =====================================  ==========  ==========

  So the midpoint 2.5 belongs to the centre when the other axis is also central, and otherwise
  to the east (x) or the north (y) because those regions come first in `order`. y is always a
  whole step, so "≥ 2.5" means attitude 3 or 4.
- The region's key and label are copied onto the placement when it is made, so dashboards
  group by `region_key` without recomputing, and history keeps the words used at the time.
- A school may have its own regions or step descriptions: if it has any rows of its own, those
  replace the defaults (rows with no school) for that school.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from families.models import Contact, Family, Level, ParentCarer, SchoolFamily
from portal import access
from portal.compiled import SCHOOL, Compiled, kept_many_to_many, unfiltered
from portal.lib.loading import QuickLoaded
from portal.lib.records import KeptHistoricalRecords, Withdrawable, current_manager
from portal.models import School

STEPS = (1, 2, 3, 4)
STEP_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class Lever(models.TextChoices):
    COMMUNICATION = "communication", "Communication"
    ACCESS = "access", "Opportunities for access"
    ATTITUDE = "attitude", "Attitudes towards parents"


class Step(models.IntegerChoices):
    ONE = 1, "1"
    TWO = 2, "2"
    THREE = 3, "3"
    FOUR = 4, "4"


def point_for(communication: int, access: int, attitude: int) -> tuple[Decimal, Decimal]:
    """The compass point (x east, y north) of three lever steps; see the module docstring."""
    x = (Decimal(communication) + Decimal(access)) / 2
    return x.quantize(Decimal("0.1")), Decimal(attitude).quantize(Decimal("0.1"))


class LeverStepQuerySet(models.QuerySet):
    def for_school(self, school: School | None) -> dict[tuple[str, int], str]:
        """{(lever, step): description} for the school: its own rows, else the defaults."""
        rows = list(self.filter(Q(school=school) | Q(school=None)).order_by("lever", "step"))
        own = [r for r in rows if r.school_id is not None]
        chosen = own or [r for r in rows if r.school_id is None]
        return {(r.lever, r.step): r.description for r in chosen}


class LeverStep(models.Model):
    """What one step of one lever means, shown beside the choice when placing a family."""

    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lever_steps",
        help_text="Leave empty for the default wording used by every school without its own.",
    )
    lever = models.CharField(max_length=20, choices=Lever)
    step = models.PositiveSmallIntegerField(choices=Step, validators=STEP_VALIDATORS)
    description = models.CharField(max_length=200)

    objects = LeverStepQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "lever", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["lever", "step"],
                condition=Q(school__isnull=True),
                name="leverstep_unique_default",
            ),
            models.UniqueConstraint(
                fields=["school", "lever", "step"],
                condition=Q(school__isnull=False),
                name="leverstep_unique_school",
            ),
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=4), name="leverstep_step_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.get_lever_display()} {self.step}: {self.description}"


class CompassRegionQuerySet(models.QuerySet):
    def for_school(self, school: School | None) -> list[CompassRegion]:
        """The regions that apply at the school, in matching order: its own, else the defaults."""
        if school is not None and unfiltered(self):
            rows = _regions_of(school=school)  # the family page and home page read these
        else:
            rows = list(self.filter(Q(school=school) | Q(school=None)).order_by("order", "pk"))
        own = [r for r in rows if r.school_id is not None]
        return own or [r for r in rows if r.school_id is None]


# Built once per process and school (portal.compiled).
_regions_of = Compiled(
    lambda school: CompassRegion.objects.filter(Q(school=school) | Q(school=None)).order_by(
        "order", "pk"
    ),
    school=SCHOOL,
)


class CompassRegion(QuickLoaded):
    """A named area of the compass with its cut-offs (inclusive; an empty bound is open)."""

    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="compass_regions",
        help_text="Leave empty for the defaults. A school with regions of its own uses only those.",
    )
    key = models.SlugField(
        max_length=30, help_text="A fixed short name used by the dashboards, e.g. north-east."
    )
    label = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(1000)],
        help_text="Regions are tried in this order; the first that holds the point wins.",
    )
    is_goal = models.BooleanField(
        default=False, help_text="The destination: relationships with parents as positive partners."
    )
    x_min = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    x_max = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    y_min = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    y_max = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)

    objects = CompassRegionQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(school__isnull=True), name="region_unique_default"
            ),
            models.UniqueConstraint(
                fields=["school", "key"],
                condition=Q(school__isnull=False),
                name="region_unique_school",
            ),
        ]

    def __str__(self):
        return self.label

    def holds(self, x: Decimal, y: Decimal) -> bool:
        """Whether the point lies inside this region's box (bounds inclusive)."""
        return (
            (self.x_min is None or x >= self.x_min)
            and (self.x_max is None or x <= self.x_max)
            and (self.y_min is None or y >= self.y_min)
            and (self.y_max is None or y <= self.y_max)
        )

    def clean(self):
        for low, high in (("x_min", "x_max"), ("y_min", "y_max")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise ValidationError({high: "The upper cut-off must not be below the lower one."})


def region_for(regions: list[CompassRegion], x: Decimal, y: Decimal) -> CompassRegion | None:
    """The first region (in the given order) that holds the point, or None."""
    return next((r for r in regions if r.holds(x, y)), None)


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user, school: School) -> PlacementQuerySet:
        """Placements of the school's families this user works with (see portal.access)."""
        families = SchoolFamily.objects.visible_to(user, school).values("pk")
        return self.filter(school=school, school_family__in=families)

    def whole_family(self) -> PlacementQuerySet:
        """Placements about the family as a whole (no parent chosen): the only ones that say
        where the family is now; a placement about one parent is that parent's."""
        about_someone = Placement.parents.through.objects.filter(placement=OuterRef("pk"))
        return self.filter(~Exists(about_someone))

    def latest_per_family(self, *, as_of=None) -> PlacementQuerySet:
        """Each family's most recent whole-family placement at its school (on or before
        `as_of` if given).

        One correlated subquery, so it can be filtered and aggregated in the database, e.g.
        `.latest_per_family().values("region_key").annotate(n=Count("pk"))`.
        """
        inner = Placement.objects.whole_family().filter(school_family=OuterRef("school_family"))
        outer = self.whole_family()
        if as_of is not None:
            inner = inner.filter(placed_at__lte=as_of)
            outer = outer.filter(placed_at__lte=as_of)
        latest = inner.order_by("-placed_at", "-pk").values("pk")[:1]
        return outer.filter(pk=Subquery(latest))

    def for_family_page(self, school_family: SchoolFamily, *, parents=True) -> PlacementQuerySet:
        """A family's placements, newest first, with what the family page shows (the parents
        each is about, unless `parents` is False: see with_parents)."""
        rows = (
            self.filter(school_family=school_family)
            .select_related("placed_by")
            .order_by("-placed_at", "-pk")
            .fetch_mode(models.FETCH_RAISE)
        )
        return rows.prefetch_related("parents") if parents else rows


class Placement(Withdrawable):
    """Where a school's relationship with a family (or some of its parents) sits, at one time.

    Never edited: each new view of the relationship is a new placement, so the path shows.
    With no parents chosen it is the view of the relationship with the family as a whole.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="placements")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="placements")
    school_family = models.ForeignKey(
        SchoolFamily, on_delete=models.PROTECT, related_name="placements"
    )
    parents = models.ManyToManyField(
        ParentCarer,
        blank=True,
        related_name="placements",
        verbose_name="with",
        help_text="Which parents or carers this is about. Leave empty for the family as a whole.",
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="placements"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    communication = models.PositiveSmallIntegerField(choices=Step, validators=STEP_VALIDATORS)
    access = models.PositiveSmallIntegerField(
        "opportunities for access", choices=Step, validators=STEP_VALIDATORS
    )
    attitude = models.PositiveSmallIntegerField(
        "attitudes towards parents", choices=Step, validators=STEP_VALIDATORS
    )
    evidence = models.CharField(
        max_length=300, help_text="In a sentence: what you have seen or heard that puts it here."
    )
    # Who may read what is written (evidence, next steps, the parent's words, the reason):
    # the same levels as a contact. The region and the steps show to everyone who works with
    # the family, so the compass and the dashboards stay whole.
    confidentiality = models.CharField(
        "who may read what is written",
        max_length=10,
        choices=Contact.Confidentiality,
        default=Contact.Confidentiality.SCHOOL,
        help_text="The region and the steps show to everyone who works with the family; the "
        "evidence, next steps and the parent's words only to the people chosen here.",
    )
    confidentiality_reason = models.CharField(max_length=300, blank=True)
    named_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="named_on_placements"
    )
    next_communication = models.CharField("next on communication", max_length=300, blank=True)
    next_access = models.CharField("next on access", max_length=300, blank=True)
    next_attitude = models.CharField("next on attitude", max_length=300, blank=True)
    level = models.CharField(
        "communication level", max_length=10, choices=Level, default=Level.GENERAL
    )
    # The staff view as a point, and the region it fell in when placed.
    x = models.DecimalField(max_digits=2, decimal_places=1, editable=False)
    y = models.DecimalField(max_digits=2, decimal_places=1, editable=False)
    region_key = models.SlugField(max_length=30, editable=False)
    region_label = models.CharField(max_length=80, editable=False)
    # The parent's own view: asked, not assumed; kept apart from the staff view.
    parent_communication = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=Step, validators=STEP_VALIDATORS
    )
    parent_access = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=Step, validators=STEP_VALIDATORS
    )
    parent_attitude = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=Step, validators=STEP_VALIDATORS
    )
    parent_words = models.CharField(
        "in the parent's words",
        max_length=300,
        blank=True,
        help_text="How the parent or carer describes the relationship, if you asked.",
    )
    parent_region_key = models.SlugField(max_length=30, blank=True, editable=False)
    parent_region_label = models.CharField(max_length=80, blank=True, editable=False)

    # Withdrawn placements drop out of every query through `objects`; `all_objects` keeps them.
    objects = current_manager(PlacementQuerySet)
    all_objects = PlacementQuerySet.as_manager()
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "placed_at"], name="placement_school_time"),
            models.Index(fields=["school_family", "-placed_at"], name="placement_family_path"),
            models.Index(fields=["school", "region_key"], name="placement_school_region"),
            models.Index(fields=["school", "level"], name="placement_school_level"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(communication__gte=1, communication__lte=4)
                & Q(access__gte=1, access__lte=4)
                & Q(attitude__gte=1, attitude__lte=4),
                name="placement_steps_1_to_4",
            )
        ]

    def __str__(self):
        return f"{self.family} — {self.region_label} ({self.placed_at:%d %b %Y})"

    @property
    def has_parent_view(self) -> bool:
        return self.parent_attitude is not None

    @property
    def is_whole_family(self) -> bool:
        """About the family as a whole (no parent chosen); reads `parents` (prefetch it), unless
        read with `has_parents` (any_many_to_many) that says it has none."""
        return getattr(self, "has_parents", True) is False or not self.parents.all()

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Contact.Confidentiality.SCHOOL

    def readable_by(self, user, school, *, named_ids=None) -> bool:
        """Whether this user may read what is written (`named_ids`: the staff named on it,
        read from `named_staff` if not given)."""
        if named_ids is None:
            named_ids = self.named_staff.values_list("pk", flat=True)
        return access.may_see_confidential(
            user,
            school,
            level=self.confidentiality,
            author_id=self.placed_by_id,
            named_ids=named_ids,
        )

    def lever_steps(self) -> dict[str, int]:
        return {
            Lever.COMMUNICATION: self.communication,
            Lever.ACCESS: self.access,
            Lever.ATTITUDE: self.attitude,
        }

    def weakest_lever(self) -> str:
        """The lever with the lowest step (ties: attitude, then access, then communication)."""
        steps = self.lever_steps()
        order = [Lever.ATTITUDE, Lever.ACCESS, Lever.COMMUNICATION]
        return min(order, key=lambda lever: (steps[lever], order.index(lever)))

    def clean(self):
        if self.school_family_id and (
            self.school_family.school_id != self.school_id
            or self.school_family.family_id != self.family_id
        ):
            raise ValidationError("The placement's school and family must match.")
        if self.is_confidential and not self.confidentiality_reason.strip():
            raise ValidationError(
                {
                    "confidentiality_reason": "Say why what is written is shared with fewer "
                    "people than usual."
                }
            )
        parent_steps = [self.parent_communication, self.parent_access, self.parent_attitude]
        given = [s is not None for s in parent_steps]
        if any(given) and not all(given):
            raise ValidationError(
                "Record the parent's view on all three levers, or leave all three empty."
            )


# What a placement says in words: hidden from staff its level leaves out.
WRITTEN_FIELDS = (
    "evidence",
    "next_communication",
    "next_access",
    "next_attitude",
    "parent_words",
    "confidentiality_reason",
)


# Each placement's parents (`placement.parents.all()`, as for_family_page would prefetch them),
# with one kept read for them all.
with_parents = kept_many_to_many(Placement, "parents")


def placements_as_read_by(user, school, placements):
    """The placements with what is written blanked (and `text_hidden` set) where this user's
    role and each placement's level leave them out; the point and region stay. In memory only:
    placements are never edited, and these copies are for showing."""
    # Whether this user is named on any "named staff only" placement they did not write: one
    # small query, and none at all when there is no such placement (the usual case).
    asked = [
        p.pk
        for p in placements
        if p.confidentiality == Contact.Confidentiality.NAMED and p.placed_by_id != user.pk
    ]
    named_on = (
        set(
            Placement.named_staff.through.objects.filter(
                placement_id__in=asked, user_id=user.pk
            ).values_list("placement_id", flat=True)
        )
        if asked
        else set()
    )
    for placement in placements:
        named_ids = [user.pk] if placement.pk in named_on else []
        placement.text_hidden = not placement.readable_by(user, school, named_ids=named_ids)
        if placement.text_hidden:
            for name in WRITTEN_FIELDS:
                setattr(placement, name, "")
    return placements

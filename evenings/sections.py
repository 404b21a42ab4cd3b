"""What parents' evenings add to other pages: the school dashboard's reach of the latest
evening, and the family page's bookings and invitations for evenings to come.
evenings.apps calls register() from ready()."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone

from evenings import reach
from evenings.models import Booking, Evening, Invitation
from families import extensions as family_extensions
from families.models import Child
from portal import access

DASHBOARD = "portal.view_school_dashboard"


def register() -> None:
    from dashboards import extensions as dashboard
    from families import extensions

    extensions.register_row_annotation("has_evenings", has_evenings)
    extensions.register_section(
        extensions.FamilySection(
            template="evenings/family_section.html", context=family_section, order=19
        )
    )
    dashboard.register_panel(
        dashboard.DashboardPanel(
            template="evenings/dashboard_panel.html", context=dashboard_panel, order=30
        )
    )


def dashboard_panel(request) -> dict | None:
    """The school dashboard's "Whom the parents' evening reached", drawn in its own request once
    the dashboard is shown, so it costs the dashboard itself no query (views.reach.latest)."""
    school = getattr(request, "school", None)
    if school is None or not request.user.has_perm(DASHBOARD, school):
        return None
    return {"lazy": True, "url": reverse("evenings:dashboard-reach")}


def latest_reach(request) -> dict | None:
    """The latest evening that has begun: how many invited families booked and came, and who
    was reached least; a link to the whole figures (three queries)."""
    school = getattr(request, "school", None)
    if school is None or not request.user.has_perm(DASHBOARD, school):
        return None
    evening = reach.latest_evening(school, timezone.localdate())
    if evening is None:
        return None
    # Those who see the dashboard (headteacher, pastoral staff) run every evening.
    if not access.may_run_evening(request.user, school, office_ids=()):
        return None
    figures = reach.reach_figures(evening)
    return {"evening": evening, **figures}


def has_evenings():
    """Whether the family is invited to an evening to come here: carried by the family page's
    own row, so a family with none costs no query."""
    return Exists(
        Invitation.objects.filter(
            family=OuterRef("family"),
            evening__school=OuterRef("school"),
            evening__last_day__gte=family_extensions.row_today(),
        )
    )


def family_section(request, school_family) -> dict | None:
    """This family's invitations to evenings to come: the appointments booked (with whom, when,
    which way, an interpreter), or "invited, not booked yet" with a way for those who run the
    evening to book for them. The page has already checked that the user sees the family."""
    school = request.school
    if school is None or not getattr(school_family, "has_evenings", True):
        return None
    if not access.works_with_families(request.user, school):
        return None
    invitations = list(
        Invitation.objects.filter(
            family_id=school_family.family_id,
            evening__school=school,
            evening__last_day__gte=timezone.localdate(),
        )
        .select_related("evening", "parent")
        .order_by("evening__first_day", "evening_id", "parent__last_name", "parent__first_name")
    )
    if not invitations:
        return None
    evening_ids = {i.evening_id for i in invitations}
    bookings = (
        Booking.objects.filter(
            evening_id__in=evening_ids, family_id=school_family.family_id, cancelled_at=None
        )
        .select_related("parent", "together_with", "slot__staff")
        .prefetch_related(Prefetch("children", Child.objects.order_by("first_name")))
        .order_by("starts_at")
    )
    office = Evening.office.through.objects.filter(evening_id__in=evening_ids).values_list(
        "evening_id", "user_id"
    )
    office_ids: dict[int, set[int]] = {}
    for evening_id, user_id in office:
        office_ids.setdefault(evening_id, set()).add(user_id)
    booked: dict[int, list[Booking]] = {}
    for booking in bookings:
        booked.setdefault(booking.evening_id, []).append(booking)
    evenings: dict[int, dict] = {}
    for invitation in invitations:
        row = evenings.setdefault(
            invitation.evening_id,
            {
                "evening": invitation.evening,
                "bookings": booked.get(invitation.evening_id, []),
                "invited": [],
                "may_book": access.may_run_evening(
                    request.user, school, office_ids=office_ids.get(invitation.evening_id, ())
                ),
            },
        )
        row["invited"].append(invitation)
    return {"family_id": school_family.family_id, "evenings": list(evenings.values())}

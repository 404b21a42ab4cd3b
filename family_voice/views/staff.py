"""Staff make a parent's link from the family page, copy it to send themselves, and stop it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from families.access import family_for
from families.models import ParentCarer, SchoolFamily
from family_voice.forms import LinkForm
from family_voice.models import ABOUT_A_MEETING, ParentLink, Purpose
from family_voice.services import link_create, link_revoke, may_stop
from meetings.models import Meeting
from portal import access
from portal.http import SchoolRequest
from portal.lib import once, saving


def _family_url(family_id: int) -> str:
    return reverse("families:family-detail", args=[family_id]) + "#parent-links"


@require_http_methods(["GET", "POST"])
def link_add(request: SchoolRequest, family_pk: int):
    """A link for one parent or carer and one purpose. The address is shown once, to copy and
    send (many parents would rather get a text from a person than an automatic message)."""
    school_family = family_for(request, family_pk)
    family, school = school_family.family, school_family.school
    parents = ParentCarer.objects.filter(family=family).order_by("first_name", "pk")
    meetings = (
        Meeting.objects.visible_to(request.user, request.school)
        .filter(family=family)
        .order_by("-starts_at")
    )
    initial: dict[str, object] = {}
    if (meeting_id := request.GET.get("meeting", "")).isdigit():
        initial["meeting"] = int(meeting_id)
    if (purpose := request.GET.get("purpose", "")) in Purpose.values:
        initial["purpose"] = purpose
    if done := once.earlier(request):  # sent twice: the first one made the link
        return redirect(done)
    form = LinkForm(request.POST or None, parents=parents, meetings=meetings, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = data["meeting"] if data["purpose"] in ABOUT_A_MEETING else None
        if meeting is not None and not access.may_change_meeting(
            request.user,
            school,
            chair_id=meeting.chair_id,
            staff_ids=[u.pk for u in meeting.staff.all()],
        ):
            form.add_error(
                "meeting",
                "Only the meeting's chair, its staff, pastoral staff and the headteacher send "
                "a parent a link about it.",
            )
            return _link_form(request, form, school_family)
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    made = link_create(
                        school=school,
                        parent=data["parent"],
                        purpose=data["purpose"],
                        meeting=data["meeting"],
                        created_by=request.user,
                    )
                    # A repeat goes to the family's links: the address is shown only once.
                    spent.made(made.link, _family_url(family.pk))
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(
                    request,
                    "family_voice/link_made.html",
                    {"family": family, "link": made.link, "url": made.url, "call": made.call},
                )
    return _link_form(request, form, school_family)


def _link_form(request: SchoolRequest, form: LinkForm, school_family: SchoolFamily):
    return render(
        request,
        "family_voice/link_form.html",
        {"form": form, "family": school_family.family, "school_family": school_family},
    )


@require_POST
def link_stop(request: SchoolRequest, pk: int):
    """Stop a link for good: whoever made it, pastoral staff and the headteacher."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise access.refusal(school, ParentLink.objects.filter(pk=pk))
    families = SchoolFamily.objects.visible_to(request.user, school).values("family_id")
    link = (
        ParentLink.objects.filter(pk=pk, school=school, family_id__in=families)
        .select_related("school", "parent")
        .first()
    )
    if link is None:
        raise Http404("No such link.")
    if not may_stop(request.user, link):
        raise PermissionDenied
    link_revoke(link=link, by=request.user)
    messages.success(request, f"The link for {link.parent.full_name} no longer works.")
    return redirect(_family_url(link.family_id))

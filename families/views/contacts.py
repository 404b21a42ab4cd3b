"""Logging a contact, editing one, and reading its edit history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

import audit
from families.access import family_for
from families.forms import ContactForm
from families.models import Contact, ContactAmendment
from families.services import contact_amend, contact_edit, contact_log, contact_withdraw
from families.views.access import _get_contact_for_user
from guidance import hints
from portal.forms import amendment_form
from portal.http import SchoolRequest
from portal.lib import conflicts, once, saving
from portal.lib.limits import parse_id
from portal.lib.withdrawing import withdraw_page

# Query-string presets a link may pass to the new-contact form (e.g. from the good-news prompt).
PRESETS = {"tone", "purpose", "channel"}


def _follow_up_being_completed(request: SchoolRequest, school_family) -> Contact | None:
    """The open follow-up named by ?completes=, if this user may see it and it is this family's."""
    raw = request.GET.get("completes")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404("No such follow-up.")
    contact = (
        Contact.objects.visible_to(request.user, request.school)
        .filter(pk=pk, family_id=school_family.family_id, follow_up_done_at__isnull=True)
        .exclude(follow_up_on=None)
        .first()
    )
    if contact is None:
        raise Http404("No such follow-up.")
    return contact


def _wording_hints(request: SchoolRequest, form) -> None:
    """After the save (never instead of it): note any phrase that labels or blames."""
    data = form.cleaned_data
    hints.save_messages(request, hints.check_on_save(request, data["summary"], data["agreed"]))


def _chronology_url(family_id: int) -> str:
    return reverse("families:family-detail", args=[family_id]) + "#chronology"


@require_http_methods(["GET", "POST"])
def contact_add(request: SchoolRequest, pk: int):
    """Log a contact with family `pk`: today, me and the family's parents filled in already."""
    school_family = family_for(request, pk)
    family = school_family.family
    if done := once.earlier(request):  # sent twice: the first one's contact is logged
        return redirect(done)
    completes = _follow_up_being_completed(request, school_family)
    initial = {k: v for k, v in request.GET.items() if k in PRESETS}
    if child_id := parse_id(request.GET.get("child") or ""):
        initial["children"] = [child_id]  # the form keeps it only if it is this family's, here
    if completes is not None:
        initial.setdefault("purpose", Contact.Purpose.FOLLOW_UP)
    form = ContactForm(
        request.POST or None,
        school=request.school,
        family=family,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    contact = contact_log(
                        school=request.school,
                        family=family,
                        completes=completes,
                        **form.service_kwargs(),
                    )
                    spent.made(contact, _chronology_url(family.pk))
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Contact logged. It is at the top of the chronology.")
                _wording_hints(request, form)
                return redirect(_chronology_url(family.pk))
    return render(
        request,
        "families/contact_form.html",
        {"form": form, "family": family, "school_family": school_family, "completes": completes},
    )


@require_http_methods(["GET", "POST"])
def contact_edit_view(request: SchoolRequest, pk: int):
    """Correct a logged contact: its author alone, within a day of writing it (later, and for
    anyone else, a correction is an amendment); the earlier version stays in the history."""
    contact = _get_contact_for_user(request, pk, write=True)
    form = ContactForm(
        request.POST or None,
        instance=contact,
        school=request.school,
        family=contact.family,
        user=request.user,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with transaction.atomic():
                    conflicts.check_unchanged(contact, form.cleaned_data.get(conflicts.FIELD))
                    contact_edit(contact=contact, editor=request.user, **form.service_kwargs())
            except conflicts.EditConflict as exc:
                theirs = ContactForm(
                    instance=exc.current,
                    school=request.school,
                    family=contact.family,
                    user=request.user,
                )
                conflict = conflicts.compare(form, theirs)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, "Contact updated. The earlier version is kept in its history."
                )
                _wording_hints(request, form)
                return redirect(_chronology_url(contact.family_id))
    return render(
        request,
        "families/contact_form.html",
        {"form": form, "family": contact.family, "contact": contact, "conflict": conflict},
    )


def _change(change) -> dict:
    """One changed field, in words: choices by their labels, people as "changed"."""
    field = Contact._meta.get_field(change.field)
    old, new = change.old, change.new
    if field.choices:
        labels = dict(field.choices)
        old, new = labels.get(old, old), labels.get(new, new)
    elif field.is_relation:
        old, new = "(earlier person)", "(changed)"
    return {"label": field.verbose_name, "old": old, "new": new}


@require_GET
def contact_history(request: SchoolRequest, pk: int):
    """Every version of a contact: who changed what, and when (a withdrawn one's too)."""
    contact = _get_contact_for_user(request, pk, include_withdrawn=True)
    audit.record(request, action=audit.VIEW, obj=contact, family=contact.family_id)
    records = list(contact.history.select_related("history_user").order_by("-history_date"))
    versions = []
    # Contacts created in bulk (an import, the demo data) have no history rows at all.
    for newer, older in zip(records, [*records[1:], None][: len(records)], strict=True):
        changes = []
        if older is not None:
            diff = newer.diff_against(older, excluded_fields=["updated_at", "recorded_at"])
            changes = [_change(c) for c in diff.changes]
        versions.append({"record": newer, "changes": changes})
    return render(
        request,
        "families/contact_history.html",
        {"contact": contact, "family": contact.family, "versions": versions},
    )


@require_http_methods(["GET", "POST"])
def contact_withdraw_view(request: SchoolRequest, pk: int):
    """Withdraw a contact with a reason (never delete it): its author, pastoral staff and
    headteachers may. GET asks for the reason; POST withdraws."""
    contact = _get_contact_for_user(request, pk, write=True, perm="families.withdraw_contact")
    return withdraw_page(
        request,
        withdraw=lambda reason: contact_withdraw(
            contact=contact, withdrawn_by=request.user, reason=reason
        ),
        noun="Contact",
        label="this contact",
        description=f"{contact} by {contact.staff.get_full_name()}.",
        done_url=_chronology_url(contact.family_id),
        cancel_url=_chronology_url(contact.family_id),
    )


ContactAmendmentForm = amendment_form(ContactAmendment)


@require_http_methods(["GET", "POST"])
def contact_amend_view(request: SchoolRequest, pk: int):
    """Add a correction (or a parent's dispute) beside a contact, leaving the original as it
    was: its author, pastoral staff and headteachers may."""
    contact = _get_contact_for_user(request, pk, write=True, perm="families.amend_contact")
    done_url = _chronology_url(contact.family_id)
    if done := once.earlier(request, fallback=done_url):  # sent twice: amended already
        return redirect(done)
    form = ContactAmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    amendment = contact_amend(
                        contact=contact, amended_by=request.user, **form.cleaned_data
                    )
                    spent.made(amendment, done_url)
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Amendment saved. It is shown under the original.")
                return redirect(_chronology_url(contact.family_id))
    return render(
        request,
        "portal/amend_form.html",
        {
            "form": form,
            "record_label": "a contact",
            "original_text": contact.summary,
            "cancel_url": _chronology_url(contact.family_id),
        },
    )

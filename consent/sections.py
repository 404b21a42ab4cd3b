"""The family page's "Consent to share" block, and consents beside a meeting's partner agencies."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from consent.models import Consent, organisation_key
from portal import access


def has_consents():
    """Whether the family has any consent here: carried by the family page's own row."""
    return Exists(Consent.objects.filter(school=OuterRef("school"), family=OuterRef("family")))


def family_section(request, school_family) -> dict | None:
    """Every consent of the family here, current ones first, each reading current, expired or
    withdrawn, in one query (none while the family has none); hidden from those who may not
    record one while there are none."""
    today = timezone.localdate()
    consents = []
    if getattr(school_family, "has_consents", True):
        consents = list(
            Consent.objects.for_family(request.school, school_family.family_id).fetch_mode(
                models.FETCH_RAISE
            )
        )
    may_record = access.may_record_consent(request.user, request.school)
    if not consents and not may_record:
        return None
    for consent in consents:
        consent.state_now = consent.state(today)
    consents.sort(key=lambda c: c.state_now != "current")  # stable: newest first within each
    return {"consents": consents, "may_record": may_record, "family_id": school_family.family_id}


def consents_by_organisation(school, family_id: int, organisations) -> dict[str, list[Consent]]:
    """The family's consents naming each of `organisations` (compared without case or extra
    spaces), current first, in one query: for a meeting's partner agencies."""
    keys = {organisation_key(name) for name in organisations}
    found: dict[str, list[Consent]] = {}
    if not keys:
        return found
    today = timezone.localdate()
    for consent in Consent.objects.filter(school=school, family_id=family_id).order_by(
        "-given_on", "-pk"
    ):
        key = organisation_key(consent.organisation)
        if key in keys:
            consent.state_now = consent.state(today)
            found.setdefault(key, []).append(consent)
    for rows in found.values():
        rows.sort(key=lambda c: c.state_now != "current")
    return found


def attach_to_agencies(school, family_id: int, agencies) -> None:
    """Give each agency attendee `consents`: the family's consents naming its organisation."""
    found = consents_by_organisation(school, family_id, [a.organisation for a in agencies])
    for agency in agencies:
        agency.consents = found.get(organisation_key(agency.organisation), [])

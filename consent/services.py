"""Recording consent to share, and its withdrawal (never a deletion)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from consent.models import Consent
from families.models import Child, Family, ParentCarer, SchoolFamily
from portal import access
from portal.lib import records
from portal.models import School


@transaction.atomic
def consent_record(
    *,
    school: School,
    family: Family,
    recorded_by,
    given_by: ParentCarer | Child,
    given_on: datetime.date,
    categories: list[str],
    organisation: str,
    how: str = Consent.How.WRITING,
    details: str = "",
    team_or_role: str = "",
    until: datetime.date | None = None,
) -> Consent:
    """Record a consent given by one of the family's parents or carers, or by the pupil."""
    if not access.may_record_consent(recorded_by, school):
        raise ValidationError("Only the pastoral team and the headteacher record consent.")
    if not SchoolFamily.objects.filter(school=school, family=family).exists():
        raise ValidationError("This family is not on this school's roll.")
    consent = Consent(
        school=school,
        family=family,
        recorded_by=recorded_by,
        given_on=given_on,
        how=how,
        categories=list(categories),
        details=details.strip(),
        organisation=" ".join(organisation.split()),
        team_or_role=team_or_role.strip(),
        until=until,
    )
    if isinstance(given_by, ParentCarer):
        if given_by.family_id != family.pk:
            raise ValidationError("Only this family's parents and carers can be chosen.")
        consent.given_by_parent, consent.given_by_name = given_by, given_by.full_name
    else:
        if given_by.family_id != family.pk or given_by.school_id != school.pk:
            raise ValidationError("Only this family's pupils at this school can be chosen.")
        consent.given_by_child, consent.given_by_name = given_by, given_by.full_name
    consent.full_clean()
    records.history_by(consent, recorded_by)
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    recorded_by,
    withdrawn_on: datetime.date,
    withdrawn_by_name: str,
    reason: str,
) -> Consent:
    """Record that consent was withdrawn: when, by whom and why. The consent stays."""
    if consent.withdrawn_on is not None:
        raise ValidationError("This consent was withdrawn already.")
    if not access.may_record_consent(recorded_by, consent.school):
        raise ValidationError("Only the pastoral team and the headteacher record consent.")
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by_name = " ".join(withdrawn_by_name.split())
    consent.withdrawn_reason = reason.strip()
    consent.withdrawal_by = recorded_by
    consent.withdrawal_at = timezone.now()
    errors = {}
    if not consent.withdrawn_by_name:
        errors["withdrawn_by_name"] = "Say who withdrew consent."
    if not consent.withdrawn_reason:
        errors["withdrawn_reason"] = "Say why, in a few words (or “No reason given”)."
    if withdrawn_on > timezone.localdate():
        errors["withdrawn_on"] = "Withdrawal cannot be recorded for a day still to come."
    if errors:
        raise ValidationError(errors)
    consent.full_clean()
    records.history_by(consent, recorded_by)
    consent.save()
    return consent

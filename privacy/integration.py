"""How the privacy app shows itself: a navigation link and a block on the family page.

Registered from PrivacyConfig.ready(); no other app imports privacy."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from families import extensions
from portal import access, shell
from portal.compiled import Compiled
from privacy.models import LegalHold


def _nav_allowed(request) -> bool:
    # The headteacher and the data protection leads; whether someone is a lead comes with the
    # memberships every page loads, so the link costs no query.
    school = getattr(request, "school", None)
    return school is not None and access.may_handle_data_protection(request.user, school)


def _family_section(request, school_family) -> dict | None:
    """A legal hold, as text, for everyone who sees the family; the link for those who handle
    data protection."""
    school = school_family.school
    holds = []
    if getattr(school_family, "has_legal_hold", True):
        holds = list(_holds_on(family_id=school_family.family_id))
    handles = access.may_handle_data_protection(request.user, school)
    if not holds and not handles:
        return None
    return {
        "holds": holds,
        "family_id": school_family.family_id,
        "school_id": school.pk,
        "handles": handles,
    }


def _has_legal_hold():
    """Whether the family is under a legal hold: carried by the family page's own row, so the
    page reads the holds only for a family that has one."""
    return Exists(LegalHold.objects.active().filter(family=OuterRef("family")))


# Read on the page of a family under a hold (portal.compiled).
_holds_on = Compiled(
    lambda family_id: LegalHold.objects.active().filter(family_id=family_id).order_by("set_at"),
    family_id=int,
)


def register() -> None:
    shell.register_nav(
        shell.NavItem(
            label="Data protection", url_name="privacy:retention", allowed=_nav_allowed, order=80
        )
    )
    extensions.register_row_annotation("has_legal_hold", _has_legal_hold)
    extensions.register_section(
        extensions.FamilySection(
            template="privacy/family_section.html", context=_family_section, order=90
        )
    )

"""The demo authority, its two schools, their classes, and one login per role per school."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from portal.access import ADMINISTRATORS_GROUP
from portal.models import Authority, ClassGroup, Membership, Role, School

DEMO_PASSWORD = "compass-demo-2026"
AUTHORITY = "Riverbank Council"

SCHOOLS = {
    "castlebrae": ("Castlebrae Primary School", School.Stage.PRIMARY),
    "northfield": ("Northfield High School", School.Stage.SECONDARY),
}

# (username suffix, role, first name, last name, job title)
PEOPLE = {
    "castlebrae": [
        ("teacher", Role.STAFF, "Morag", "Lindsay", "P4 class teacher"),
        ("pastoral", Role.PASTORAL, "Aisha", "Rahman", "Home–school link worker"),
        ("head", Role.HEADTEACHER, "David", "Ferguson", "Headteacher"),
        ("authority", Role.AUTHORITY, "Helen", "Crawford", "Quality improvement officer"),
    ],
    "northfield": [
        ("teacher", Role.STAFF, "Callum", "Reid", "Teacher of English"),
        ("pastoral", Role.PASTORAL, "Priya", "Nair", "Pastoral care teacher"),
        ("head", Role.HEADTEACHER, "Fiona", "MacLeod", "Headteacher"),
        ("authority", Role.AUTHORITY, "Tom", "Baird", "Education officer"),
    ],
}

# Castlebrae's letterhead is filled in (letters and summaries show it); Northfield's is left
# blank, so its staff see the hint that it is incomplete. Numbers from Ofcom's drama range.
LETTERHEADS = {
    "castlebrae": {
        "postal_address": "1 Castlebrae Road\nRiverbank\nRB4 7QT",
        "phone": "0131 496 0123",
        "email": "office@castlebrae.example.sch.uk",
        "website": "https://castlebrae.example.sch.uk",
    },
}

ADMINS = {
    "castlebrae": ("Grace", "Hamilton"),
    "northfield": ("Iain", "Sutherland"),
}

CLASSES = {
    "castlebrae": [
        ("P1", "P1"),
        ("P2", "P2"),
        ("P3", "P3"),
        ("P4", "P4"),
        ("P5", "P5"),
        ("P6", "P6"),
        ("P7", "P7"),
    ],
    "northfield": [("1A", "S1"), ("2A", "S2"), ("3A", "S3"), ("4A", "S4"), ("5A", "S5")],
}

# Models an administrator manages in Django admin: accounts, schools, classes, memberships.
ADMIN_MODELS = ["user", "group", "authority", "school", "classgroup", "membership"]


def logins() -> list[dict]:
    """Every demo login, for printing and the README."""
    rows = []
    for key, (school_name, _stage) in SCHOOLS.items():
        for suffix, role, first, last, title in PEOPLE[key]:
            rows.append(
                {
                    "username": f"{key}.{suffix}",
                    "school": school_name,
                    "role": role.label,
                    "name": f"{first} {last}",
                    "title": title,
                }
            )
        first, last = ADMINS[key]
        rows.append(
            {
                "username": f"{key}.admin",
                "school": school_name,
                "role": "Administrator",
                "name": f"{first} {last}",
                "title": "Portal administrator",
            }
        )
    return rows


def _user(username, first, last, **extra):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            **extra,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load() -> dict[str, School]:
    authority, _ = Authority.objects.get_or_create(name=AUTHORITY)
    admins, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    admins.permissions.set(
        Permission.objects.filter(
            Q(content_type__model__in=ADMIN_MODELS, content_type__app_label__in=["auth", "portal"])
            # Retention periods are a school setting (privacy/migrations/0002 grants the same).
            | Q(content_type__app_label="privacy", content_type__model="retentionpolicy")
            & ~Q(codename__startswith="delete_")
        )
        # Administrators keep the list of phrases to reconsider (respectful recording).
        | Permission.objects.filter(
            content_type__app_label="guidance", content_type__model="phrase"
        )
    )
    schools = {}
    for key, (name, stage) in SCHOOLS.items():
        school, _ = School.objects.get_or_create(
            authority=authority, name=name, defaults={"stage": stage, **LETTERHEADS.get(key, {})}
        )
        schools[key] = school
        for suffix, role, first, last, title in PEOPLE[key]:
            user = _user(f"{key}.{suffix}", first, last)
            Membership.objects.get_or_create(
                user=user, school=school, defaults={"role": role, "job_title": title}
            )
        first, last = ADMINS[key]
        admin = _user(f"{key}.admin", first, last, is_staff=True)
        admin.groups.add(admins)
        # Each school's administrator manages that school's staff only (portal/admin.py).
        school.administrators.add(admin)
        teacher = get_user_model().objects.get(username=f"{key}.teacher")
        for class_name, year in CLASSES[key]:
            group, _ = ClassGroup.objects.get_or_create(
                school=school, name=class_name, defaults={"year_group": year}
            )
            if class_name in ("P4", "3A"):
                group.staff.add(teacher)
    return schools

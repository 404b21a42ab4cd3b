"""Realistic, reproducible load data for whole authorities, written with bulk inserts.

On PostgreSQL every large table is written with COPY (psycopg2 `copy_expert`); on other
databases with `bulk_create` in large batches. Rows bypass model `save()` and so keep no edit
history: generated data has none, as after an import.

The same seed and end date (`until`) give the same data; ids follow whatever is already in
the database, so run the generator on its own (it resets the id sequences when it ends).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import itertools
import random
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from compass.models import CompassRegion, Placement, point_for, region_for
from compass.services import current_regions_refresh, defaults_install
from families.models import (
    Child,
    ChildParent,
    Contact,
    Family,
    Level,
    ParentCarer,
    SchoolFamily,
)
from families.services import summaries_refresh
from meetings.models import ActionPoint, Contribution, Meeting, MeetingParent, ScalingAnswer
from portal.models import Authority, ClassGroup, Membership, Role, School

# Every generated account has this password, so the benchmark and load tests can sign in.
PASSWORD = "load-test-password-not-for-production"
CLASS_SIZE = 25
CHUNK = 100_000

FIRST = [
    "Amira",
    "Sami",
    "Olivia",
    "Noah",
    "Aisha",
    "Leo",
    "Freya",
    "Mohammed",
    "Isla",
    "Jack",
    "Zainab",
    "Harris",
    "Emily",
    "Oscar",
    "Maya",
    "Finlay",
    "Chloe",
    "Yusuf",
    "Grace",
    "Ali",
    "Sofia",
    "Lewis",
    "Ava",
    "Kacper",
    "Hannah",
    "Rory",
    "Mia",
    "Oliwia",
    "Arjun",
    "Ella",
    "Fraser",
    "Lily",
    "Tomasz",
    "Eilidh",
    "Ibrahim",
    "Skye",
    "Callum",
    "Nadia",
    "Euan",
    "Layla",
    "Ruby",
    "Kai",
    "Esme",
    "Jamie",
    "Priya",
    "Aaron",
]
LAST = [
    "Campbell",
    "Khan",
    "Smith",
    "Nowak",
    "Brown",
    "Wilson",
    "Ahmed",
    "Murray",
    "Robertson",
    "Stewart",
    "Ali",
    "Thomson",
    "Patel",
    "MacDonald",
    "Kowalski",
    "Anderson",
    "Scott",
    "Reid",
    "Hussain",
    "Fraser",
    "Taylor",
    "Clark",
    "Ross",
    "Mitchell",
    "Begum",
    "Walker",
    "Paterson",
    "Young",
    "Wojcik",
    "Morrison",
    "Hughes",
    "Grant",
    "Kaur",
    "Bell",
    "Kerr",
    "Singh",
    "Duncan",
    "Watson",
]
LANGUAGES = ["English"] * 16 + ["Polish", "Urdu", "Arabic", "Punjabi", "Romanian", "Gaelic"]
SUMMARIES = {
    "good_news": "Called to say how well {child} did this week; {parent} was delighted.",
    "information": "Shared the dates for the next parents' evening and the trip letter.",
    "progress": "Talked through {child}'s reading; agreed to read together three nights a week.",
    "wellbeing": "{parent} mentioned {child} has been tired; we agreed to keep an eye out.",
    "attendance": "Checked in about {child} arriving late; the bus times have changed.",
    "behaviour": "Talked about a difficult afternoon; {parent} shared what helps at home.",
    "support": "Went over the support plan for {child}; {parent} added their own ideas.",
    "follow_up": "Followed up on what we agreed last time; things are going a bit better.",
}
PURPOSE_WEIGHTS = {
    "good_news": 22,
    "information": 25,
    "progress": 18,
    "wellbeing": 10,
    "attendance": 8,
    "behaviour": 7,
    "support": 6,
    "follow_up": 4,
}
CHANNELS = ["phone"] * 5 + ["face_to_face"] * 5 + ["email", "text", "letter", "meeting", "video"]
TERM_STARTS = ((1, 8), (4, 20), (8, 20))


@dataclass
class Result:
    """What one run created, and how long each phase took (seconds)."""

    authority_id: int = 0
    school_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


class _Writer:
    """Writes rows of one model: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self.seconds = 0.0  # time spent writing, to tell it from time spent generating

    def write(self, model, keys: tuple[str, ...], rows: Iterable[tuple]) -> None:
        rows = list(rows)
        if not rows:
            return
        began = time.perf_counter()
        try:
            self._write(model, keys, rows)
        finally:
            self.seconds += time.perf_counter() - began

    def _write(self, model, keys: tuple[str, ...], rows: list[tuple]) -> None:
        name = model._meta.label
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        if not self.pg:
            objs = [model(**dict(zip(keys, row, strict=True))) for row in rows]
            model.objects.bulk_create(objs, batch_size=2000)
            return
        now = timezone.now()
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in keys and not (f.primary_key and "id" not in keys)
        ]
        tail = tuple(
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            # A callable default is evaluated once: fine for constants like "" or False.
            else f.get_default()
            for f in rest
        )
        columns = [model._meta.get_field(k).column for k in keys] + [f.column for f in rest]
        sql = (
            f'COPY "{model._meta.db_table}" ({", ".join(f'"{c}"' for c in columns)}) '
            "FROM STDIN WITH (FORMAT csv)"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), CHUNK):
                buffer = io.StringIO()
                writer = csv.writer(buffer, quoting=csv.QUOTE_STRINGS)
                writer.writerows(row + tail for row in rows[start : start + CHUNK])
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)


class _Ids:
    """Hands out primary keys above those already in the database."""

    def __init__(self):
        self.next: dict[type, int] = {}

    def take(self, model, n: int = 1) -> int:
        if model not in self.next:
            top = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
            self.next[model] = top + 1
        first = self.next[model]
        self.next[model] += n
        return first


def _school_day(rng: random.Random, start: dt.date, days: int) -> dt.datetime:
    day = start + dt.timedelta(days=rng.randrange(days))
    if day.weekday() >= 5:  # weekends move back to Friday
        day -= dt.timedelta(days=day.weekday() - 4)
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(8, 16), rng.randrange(60), tzinfo=dt.UTC
    )


class _Weights:
    """A weighted choice prepared once, drawn many times (random.choices rebuilds it each call)."""

    def __init__(self, weights: dict[str, float]):
        self.keys = list(weights)
        self.cum = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> str:
        return self.keys[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def generate(
    *,
    schools: int,
    pupils_per_school: int,
    years: int,
    seed: int,
    authority: str | None = None,
    until: dt.date | None = None,
    progress=None,
) -> Result:
    """Create one authority with `schools` schools of about `pupils_per_school` pupils each,
    and `years` years of contacts, placements and meetings, ending on `until` (today)."""
    say = progress or (lambda message: None)
    until = until or timezone.localdate()
    start = until - dt.timedelta(days=365 * years)
    days = (until - start).days
    result = Result()
    writer = _Writer()
    ids = _Ids()
    clock = time.perf_counter()

    def lap(phase):
        nonlocal clock
        now = time.perf_counter()
        result.seconds[phase] = round(now - clock, 2)
        clock = now
        say(f"{phase}: {result.seconds[phase]} s (writing so far {writer.seconds:.1f} s)")

    defaults_install()
    name = authority or f"Load authority (seed {seed})"
    slug = slugify(name)[:20]
    with transaction.atomic():
        if writer.pg:
            _request_timeouts_lifted()
        if writer.pg and _is_superuser():
            # The rows are consistent by construction: skip the per-row foreign-key triggers
            # (checked at commit, they take longer than the COPY itself). Superusers only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        auth = Authority.objects.create(name=name)
        result.authority_id = auth.pk
        school_objs = School.objects.bulk_create(
            [
                School(
                    name=f"{name} school {i + 1:03d}",
                    authority=auth,
                    stage=School.Stage.PRIMARY if i % 5 else School.Stage.SECONDARY,
                )
                for i in range(schools)
            ]
        )
        result.school_ids = [s.pk for s in school_objs]
        staff = _staff(school_objs, pupils_per_school, slug, auth)
        lap("schools and staff")

        families = _families(seed, school_objs, pupils_per_school, staff, writer, ids, auth)
        lap("families, children and parents")

        big = [Contact, Contact.parents.through, Contact.children.through, Placement]
        with _indexes_rebuilt_after(big if writer.pg else []):
            _contacts(families, staff, writer, ids, start, days, until)
            lap("contacts")
            _placements(families, staff, writer, ids, start, until)
            lap("placements")
        lap("indexes rebuilt")

        _meetings(families, staff, writer, ids, until)
        lap("meetings")

        if writer.pg:
            models_with_ids = [
                Family,
                Child,
                ParentCarer,
                ChildParent,
                SchoolFamily,
                Contact,
                Placement,
                Meeting,
                ActionPoint,
            ]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models_with_ids):
                    cursor.execute(statement)
        for school in school_objs:
            summaries_refresh(school=school)
            current_regions_refresh(school=school)
        lap("family summaries")

    from families.rollups import rollup_refresh

    for school in school_objs:
        rollup_refresh(school=school)
    if writer.pg:
        with transaction.atomic(), connection.cursor() as cursor:
            _request_timeouts_lifted()
            cursor.execute("ANALYZE")
    lap("rollups and analyze")
    result.counts = {label.split(".")[1]: n for label, n in writer.counts.items()}
    return result


def _request_timeouts_lifted() -> None:
    """For the rest of this transaction, no limit on statements or lock waits: the load is one
    long transaction by design, even when run in a process that serves requests (the
    benchmark), where settings.DB_STATEMENT_TIMEOUT and DB_LOCK_TIMEOUT apply."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL lock_timeout = 0")


@contextmanager
def _indexes_rebuilt_after(tables):
    """Drop the secondary indexes of the big tables for the load and build them again after:
    one sort per index is far cheaper than millions of single inserts into it. Inside the
    load's transaction, so a failed load leaves every index in place."""
    saved = []
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                saved.append(definition)
                cursor.execute(f'DROP INDEX "{name}"')
    yield
    if not tables:  # SQLite: nothing was dropped, and it has no such setting
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in saved:
            cursor.execute(definition)
        # Fresh statistics before the summaries are computed from these tables: plans made
        # for the tables' old sizes can turn each family's summary into a full scan.
        for model in [*tables, Family, ParentCarer, Child, SchoolFamily]:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


PURPOSES = _Weights(PURPOSE_WEIGHTS)
# Each term a lever more often moves a step towards partnership than away from it.
STEP_MOVES = _Weights({-1: 15, 0: 50, 1: 35})


@dataclass
class _SchoolStaff:
    head: int
    pastoral: list[int]
    teachers: list[int]
    classes: list[tuple[int, str, int]]  # (class id, year group, teacher id)


def _staff(school_objs, pupils_per_school, slug, auth) -> dict[int, _SchoolStaff]:
    """A headteacher, two pastoral staff, a teacher per class, and one authority officer."""
    User = get_user_model()
    password = make_password(PASSWORD)
    classes_per_school = max(1, round(pupils_per_school / CLASS_SIZE))
    users, plan = [], []
    officer = User(username=f"{slug}-officer", first_name="Authority", last_name="Officer")
    users.append(officer)
    for i, school in enumerate(school_objs):
        head = User(username=f"{slug}-{i + 1:03d}-head", first_name="Head", last_name=f"{i + 1}")
        pastoral = [
            User(
                username=f"{slug}-{i + 1:03d}-pastoral{n}", first_name="Pastoral", last_name=f"{n}"
            )
            for n in (1, 2)
        ]
        teachers = [
            User(username=f"{slug}-{i + 1:03d}-teacher{n}", first_name="Teacher", last_name=f"{n}")
            for n in range(1, classes_per_school + 1)
        ]
        users += [head, *pastoral, *teachers]
        plan.append((school, head, pastoral, teachers))
    for user in users:
        user.password = password
        user.email = f"{user.username}@example.org"
    User.objects.bulk_create(users, batch_size=2000)

    memberships, groups, result = [], [], {}
    for school, head, pastoral, teachers in plan:
        memberships.append(Membership(user=head, school=school, role=Role.HEADTEACHER))
        memberships += [Membership(user=u, school=school, role=Role.PASTORAL) for u in pastoral]
        memberships += [
            Membership(user=u, school=school, role=Role.STAFF, job_title="Class teacher")
            for u in teachers
        ]
        memberships.append(Membership(user=officer, school=school, role=Role.AUTHORITY))
        years = ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]
        if school.stage == School.Stage.SECONDARY:
            years = ["S1", "S2", "S3", "S4", "S5", "S6"]
        for n, _teacher in enumerate(teachers):
            year = years[n % len(years)]
            groups.append(ClassGroup(school=school, name=f"{year} class {n + 1}", year_group=year))
    Membership.objects.bulk_create(memberships, batch_size=2000)
    ClassGroup.objects.bulk_create(groups, batch_size=2000)
    links = []
    by_school: dict[int, list[ClassGroup]] = {}
    for group in groups:
        by_school.setdefault(group.school_id, []).append(group)
    for school, head, pastoral, teachers in plan:
        mine = by_school[school.pk]
        links += [
            ClassGroup.staff.through(classgroup_id=g.pk, user_id=t.pk)
            for g, t in zip(mine, teachers, strict=True)
        ]
        result[school.pk] = _SchoolStaff(
            head=head.pk,
            pastoral=[u.pk for u in pastoral],
            teachers=[t.pk for t in teachers],
            classes=[(g.pk, g.year_group, t.pk) for g, t in zip(mine, teachers, strict=True)],
        )
    ClassGroup.staff.through.objects.bulk_create(links, batch_size=5000)
    result[0] = _SchoolStaff(head=officer.pk, pastoral=[], teachers=[], classes=[])
    return result


@dataclass
class _Link:
    """One school's side of one generated family, as the later phases need it."""

    id: int
    key: str  # seeds the link's own random stream
    school_id: int
    family_id: int
    key_contact: int
    engagement: float
    level: str
    children: list[int]
    teachers: list[int]
    parents: list[int]
    parent_names: list[str]
    child_names: list[str]


def _family_shape(rng: random.Random) -> list[tuple[str, str, bool]]:
    """The adults of one household: (relationship, household, lives with child)."""
    shape = rng.random()
    if shape < 0.15:
        return [("mother" if rng.random() < 0.85 else "father", "", True)]
    if shape < 0.60:
        return [("mother", "", True), ("father", "", True)]
    if shape < 0.82:  # separated parents, a step-parent in one home
        return [
            ("mother", "Mum's home", True),
            ("father", "Dad's home", False),
            ("step_parent", "Mum's home", True),
        ]
    if shape < 0.90:  # separated parents, each with a partner
        return [
            ("mother", "Mum's home", True),
            ("step_parent", "Mum's home", True),
            ("father", "Dad's home", False),
            ("step_parent", "Dad's home", False),
        ]
    if shape < 0.96:
        return [("kinship_carer", "", True), ("mother", "", False)]
    return [("foster_carer", "", True), ("corporate_parent", "", False)]


def _families(seed, school_objs, pupils_per_school, staff, writer, ids, auth) -> list[_Link]:
    """Each school's families from a random stream of its own, so the first school of a small
    and of a large authority hold the same families (the benchmark compares them)."""
    fam_rows, child_rows, parent_rows, cp_rows, sf_rows, links = [], [], [], [], [], []
    for index, school in enumerate(school_objs):
        rng = random.Random(f"{seed}:school:{index}")
        pupils = 0
        number = 0
        while pupils < pupils_per_school:
            n_children = min(rng.choices([1, 2, 3, 4], weights=[70, 22, 6, 2])[0],
                             pupils_per_school - pupils)  # fmt: skip
            pupils += n_children
            number += 1
            surname = rng.choice(LAST)
            family_id = ids.take(Family)
            adults = _family_shape(rng)
            fam_rows.append((family_id, auth.pk, f"The {surname} family", "", ""))
            # Now and then a brother or sister attends the previous school of the authority
            # (never the first school, so it is the same in authorities of any size).
            homes = [school] * n_children
            if rng.random() < 0.05 and n_children > 1 and index > 0:
                homes[-1] = school_objs[index - 1]
            parent_ids, parent_names = [], []
            language = rng.choice(LANGUAGES)
            for relationship, household, _lives in adults:
                pid = ids.take(ParentCarer)
                first = rng.choice(FIRST)
                corporate = relationship == "corporate_parent"
                parent_rows.append(
                    (
                        pid,
                        family_id,
                        "" if corporate else first,
                        "Council" if corporate else surname,
                        household,
                        name_org(corporate),
                        f"07700 9{rng.randrange(10**5):05d}",
                        language,
                        language != "English" and rng.random() < 0.5,
                        rng.choices(["confident", "spoken", "support"], [80, 15, 5])[0],
                        rng.choices(["phone", "face_to_face", "text", "email"], [5, 3, 2, 2])[0],
                    )
                )
                parent_ids.append(pid)
                parent_names.append(first)
            by_school: dict[int, list[tuple[int, str, int]]] = {}
            for home in homes:
                cid = ids.take(Child)
                group_id, year, teacher = rng.choice(staff[home.pk].classes)
                first = rng.choice(FIRST)
                age = int(year[1]) + (4 if year[0] == "P" else 11)
                born = dt.date(2026 - age, rng.randint(1, 12), rng.randint(1, 28))
                child_rows.append(
                    (
                        cid,
                        family_id,
                        home.pk,
                        first,
                        surname,
                        born,
                        group_id,
                        year,
                        relationship_flag(adults, "foster_carer", "kinship_carer"),
                        rng.random() < 0.12,
                        rng.random() < 0.03,
                        f"L{cid}",
                    )
                )
                by_school.setdefault(home.pk, []).append((cid, first, teacher))
                for (relationship, _household, lives), pid in zip(adults, parent_ids, strict=True):
                    cp_rows.append((cid, pid, relationship, relationship != "step_parent", lives))
            engagement = rng.random()
            level = rng.choices(["general", "enhanced", "intensive"], [80, 15, 5])[0]
            for position, (school_id, kids) in enumerate(by_school.items()):
                sf_id = ids.take(SchoolFamily)
                who = staff[school_id]
                key = rng.choice(who.pastoral) if level != "general" else kids[0][2]
                sf_rows.append((sf_id, school_id, family_id, key))
                links.append(
                    _Link(
                        id=sf_id,
                        key=f"{seed}:{index}:{number}:{position}",
                        school_id=school_id,
                        family_id=family_id,
                        key_contact=key,
                        engagement=engagement,
                        level=level,
                        children=[k[0] for k in kids],
                        teachers=[k[2] for k in kids],
                        parents=parent_ids,
                        parent_names=parent_names,
                        child_names=[k[1] for k in kids],
                    )
                )
    writer.write(Family, ("id", "authority_id", "name", "strengths", "exceptions"), fam_rows)
    writer.write(
        ParentCarer,
        (
            "id",
            "family_id",
            "first_name",
            "last_name",
            "household",
            "organisation",
            "phone",
            "language",
            "interpreter_needed",
            "reading",
            "preferred_channel",
        ),
        parent_rows,
    )
    writer.write(
        Child,
        (
            "id",
            "family_id",
            "school_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "class_group_id",
            "year_group",
            "looked_after",
            "additional_support_needs",
            "young_carer",
            "external_id",
        ),
        child_rows,
    )
    writer.write(
        ChildParent,
        ("child_id", "parent_id", "relationship", "parental_responsibility", "lives_with_child"),
        cp_rows,
    )
    writer.write(SchoolFamily, ("id", "school_id", "family_id", "key_contact_id"), sf_rows)
    return links


def name_org(corporate: bool) -> str:
    return "Children's services" if corporate else ""


def relationship_flag(adults, *relationships) -> bool:
    return any(a[0] in relationships for a in adults)


CONTACT_KEYS = (
    "id",
    "school_id",
    "family_id",
    "occurred_at",
    "recorded_at",
    "updated_at",
    "staff_id",
    "channel",
    "initiated_by",
    "tone",
    "formality",
    "level",
    "purpose",
    "summary",
    "agreed",
    "follow_up_on",
    "follow_up_owner_id",
    "follow_up_done_at",
    "confidentiality",
    "confidentiality_reason",
)


def _contacts(links, staff, writer, ids, start, days, until) -> None:
    """About twenty contacts a year per family and school, with who took part."""
    parents_field = Contact._meta.get_field("parents")
    children_field = Contact._meta.get_field("children")
    p_keys = (parents_field.m2m_column_name(), parents_field.m2m_reverse_name())
    c_keys = (children_field.m2m_column_name(), children_field.m2m_reverse_name())
    years = days / 365
    late = until - dt.timedelta(days=14)
    rows, p_rows, c_rows = [], [], []

    def flush():
        writer.write(Contact, CONTACT_KEYS, rows)
        writer.write(Contact.parents.through, p_keys, p_rows)
        writer.write(Contact.children.through, c_keys, c_rows)
        rows.clear(), p_rows.clear(), c_rows.clear()

    for link in links:
        rng = random.Random(f"contacts:{link.key}")
        who = staff[link.school_id]
        positive = 0.25 + 0.35 * link.engagement
        concern = 0.25 - 0.15 * link.engagement
        tones = _Weights(
            {"positive": positive, "neutral": 1 - positive - concern, "concern": concern}
        )
        n = max(2, round(years * rng.gauss(20, 5)))
        first = ids.take(Contact, n)
        for cid in range(first, first + n):
            when = _school_day(rng, start, days)
            tone = tones.draw(rng)
            purpose = "good_news" if tone == "positive" and rng.random() < 0.5 else None
            purpose = purpose or PURPOSES.draw(rng)
            r = rng.random()
            person = (
                link.key_contact
                if r < 0.45
                else rng.choice(link.teachers)
                if r < 0.8
                else rng.choice(who.pastoral)
                if r < 0.95
                else who.head
            )
            k = rng.randrange(len(link.children))
            p = rng.randrange(len(link.parents))
            text = SUMMARIES.get(purpose, SUMMARIES["information"]).format(
                child=link.child_names[k], parent=link.parent_names[p]
            )
            follow_on = owner = done = None
            if rng.random() < 0.12:
                follow_on = when.date() + dt.timedelta(days=rng.randint(7, 14))
                owner = person
                if follow_on < late and rng.random() < 0.95:
                    done = when + dt.timedelta(days=rng.randint(5, 15))
            pastoral = link.level != "general" and rng.random() < 0.2
            rows.append(
                (
                    cid,
                    link.school_id,
                    link.family_id,
                    when,
                    when,
                    when,
                    person,
                    rng.choice(CHANNELS),
                    "family" if rng.random() < 0.3 else "school",
                    tone,
                    "formal" if rng.random() < 0.25 else "informal",
                    link.level if rng.random() < 0.5 else Level.GENERAL,
                    purpose,
                    text,
                    "",
                    follow_on,
                    owner,
                    done,
                    "pastoral" if pastoral else "school",
                    "Family circumstances shared in confidence." if pastoral else "",
                )
            )
            p_rows.append((cid, link.parents[p]))
            if len(link.parents) > 1 and rng.random() < 0.25:
                p_rows.append((cid, link.parents[(p + 1) % len(link.parents)]))
            c_rows.append((cid, link.children[k]))
        if len(rows) >= CHUNK:
            flush()
    flush()


PLACEMENT_KEYS = (
    "id",
    "school_id",
    "family_id",
    "school_family_id",
    "placed_by_id",
    "placed_at",
    "communication",
    "access",
    "attitude",
    "evidence",
    "level",
    "x",
    "y",
    "region_key",
    "region_label",
    "parent_communication",
    "parent_access",
    "parent_attitude",
    "parent_region_key",
    "parent_region_label",
)


def _placements(links, staff, writer, ids, start, until) -> None:
    """One placement per family per term, each a small step from the last."""
    terms = [
        dt.date(year, month, day)
        for year in range(start.year, until.year + 1)
        for month, day in TERM_STARTS
        if start <= dt.date(year, month, day) < until
    ]
    regions_of: dict[int, list[CompassRegion]] = {}
    cache: dict[tuple, tuple] = {}

    def region(school_id, c, a, t):
        if school_id not in regions_of:
            regions_of[school_id] = CompassRegion.objects.for_school(School(pk=school_id))
        regions = regions_of[school_id]
        key = (tuple(r.pk for r in regions), c, a, t)
        if key not in cache:
            x, y = point_for(c, a, t)
            found = region_for(regions, x, y)
            cache[key] = (x, y, found.key, found.label)
        return cache[key]

    rows = []
    for link in links:
        rng = random.Random(f"placements:{link.key}")
        base = 1 + round(link.engagement * 2)
        steps = [base, max(1, base - 1 + rng.randrange(2)), base]
        first = ids.take(Placement, len(terms))
        for n, term in enumerate(terms):
            steps = [min(4, max(1, s + STEP_MOVES.draw(rng))) for s in steps]
            when = dt.datetime.combine(
                min(term + dt.timedelta(days=rng.randint(10, 60)), until - dt.timedelta(days=1)),
                dt.time(12, rng.randrange(60)),
                tzinfo=dt.UTC,
            )
            x, y, key, label = region(link.school_id, *steps)
            parent = None
            if rng.random() < 0.2:
                parent = [min(4, max(1, s + rng.choice([-1, 0, 1]))) for s in steps]
                _, _, pkey, plabel = region(link.school_id, *parent)
            rows.append(
                (
                    first + n,
                    link.school_id,
                    link.family_id,
                    link.id,
                    link.key_contact,
                    when,
                    *steps,
                    "Seen at the gate and on the phone this term.",
                    link.level,
                    x,
                    y,
                    key,
                    label,
                    *(parent or (None, None, None)),
                    pkey if parent else "",
                    plabel if parent else "",
                )
            )
        if len(rows) >= CHUNK:
            writer.write(Placement, PLACEMENT_KEYS, rows)
            rows.clear()
    writer.write(Placement, PLACEMENT_KEYS, rows)


def _meetings(links, staff, writer, ids, until) -> None:
    """For about one family in ten: one or two meetings with their action points."""
    meetings, invites, kids, points, words, scales = [], [], [], [], [], []
    kids_keys = (
        Meeting._meta.get_field("children").m2m_column_name(),
        Meeting._meta.get_field("children").m2m_reverse_name(),
    )
    for link in links:
        rng = random.Random(f"meetings:{link.key}")
        if rng.random() >= 0.10:
            continue
        who = staff[link.school_id]
        for _ in range(rng.choice([1, 1, 2])):
            mid = ids.take(Meeting)
            held = rng.random() < 0.85
            starts = dt.datetime.combine(
                until - dt.timedelta(days=rng.randint(1, 300) if held else -rng.randint(1, 30)),
                dt.time(rng.choice([9, 10, 13, 15]), 30),
                tzinfo=dt.UTC,
            )
            chair = rng.choice(who.pastoral)
            meetings.append(
                (
                    mid,
                    link.school_id,
                    link.family_id,
                    "A chance to plan together how the mornings could go more smoothly.",
                    starts,
                    chair,
                    "held" if held else "planned",
                    "We talked about what already works and agreed three small steps."
                    if held
                    else "",
                    starts if held else None,
                )
            )
            invites += [(mid, p, "attending") for p in link.parents]
            kids.append((mid, link.children[0]))
            if not held:
                continue
            words.append(
                (mid, "strengths", link.parent_names[0], "Loves drawing and helps at home.")
            )
            scales.append((mid, link.parent_names[0], rng.randint(2, 8)))
            for n, kind in enumerate(rng.sample(["staff", "parent", "child", "agency"], 3)):
                due = starts.date() + dt.timedelta(days=14 * (n + 1))
                status = rng.choice(["done", "done", "in_progress", "open"])
                points.append(
                    (
                        ids.take(ActionPoint),
                        mid,
                        "Try the new morning routine for two weeks.",
                        kind,
                        chair if kind == "staff" else None,
                        link.parents[0] if kind == "parent" else None,
                        link.children[0] if kind == "child" else None,
                        "Family support worker, Children's services" if kind == "agency" else "",
                        due,
                        status,
                        starts + dt.timedelta(days=14 * (n + 1)) if status == "done" else None,
                    )
                )
    writer.write(
        Meeting,
        (
            "id",
            "school_id",
            "family_id",
            "purpose",
            "starts_at",
            "chair_id",
            "status",
            "summary",
            "held_at",
        ),
        meetings,
    )
    writer.write(MeetingParent, ("meeting_id", "parent_id", "response"), invites)
    writer.write(Meeting.children.through, kids_keys, kids)
    writer.write(Contribution, ("meeting_id", "section", "party", "words"), words)
    writer.write(ScalingAnswer, ("meeting_id", "party", "score"), scales)
    writer.write(
        ActionPoint,
        (
            "id",
            "meeting_id",
            "what",
            "owner_kind",
            "owner_staff_id",
            "owner_parent_id",
            "owner_child_id",
            "owner_agency",
            "due_on",
            "status",
            "done_at",
        ),
        points,
    )

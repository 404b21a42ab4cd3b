"""Demo families at Castlebrae Primary and Northfield High: varied shapes, preferences,
strengths and two terms of contact, including the guidance's five cases.

Idempotent: the families are loaded once (marked by their DEMO- pupil ids) with a fixed seed.
Dates are relative to today so the demo always looks current.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo import family_cases
from demo import schools as demo_schools
from demo.family_cases import CASES, ChildSpec, ContactSpec, FamilySpec, ParentSpec
from families.models import Child, ChildParent, Contact, Family, ParentCarer, SchoolFamily
from families.services import summaries_refresh
from portal.models import ClassGroup

__all__ = ["CASES", "load"]

SEED = 20260818
WINDOW_DAYS = 98  # about two terms of the school year so far: mid-August to now
MARKER = "DEMO-"
CASTLEBRAE, NORTHFIELD = family_cases.CASTLEBRAE, family_cases.NORTHFIELD
R = ChildParent.Relationship
Ch = ParentCarer.Channel
CC = Contact.Channel
P = Contact.Purpose
CONF = Contact.Confidentiality

# (language, interpreter chance, women, men, children, surnames, weight)
CULTURES = [
    (
        "English",
        0.0,
        "Emma Claire Nicola Lorna Kirsty Gemma Laura Shona Donna Fiona Lisa Carol Karen Jenna",
        "Craig Scott Gary Stuart Ross Martin Jamie Darren Iain Graeme Neil Barry Kevin Colin",
        "Isla Olivia Freya Ava Emily Sophie Mia Ruby Evie Harris Lewis Finlay Rory Jack Noah "
        "Leo Callum Archie Alfie Hamish Brodie Erin Skye Orla Cara Aiden Logan Cole Kyle",
        "Campbell Stewart Robertson Thomson Anderson MacDonald Scott Murray Reid Clark Ross "
        "Paterson Young Watson Mitchell Fraser Kerr Grant Hamilton Graham Wallace Gibson "
        "McLean Johnston Duncan Munro Black Russell Walker Mackay Wright Boyle Bell Ritchie",
        74,
    ),
    (
        "Polish",
        0.4,
        "Agnieszka Kasia Magda Ewa Joanna",
        "Piotr Tomasz Marek Pawel Krzysztof",
        "Zofia Julia Lena Jakub Antoni Szymon",
        "Nowak Kowalski Wojcik Kaminski Lewandowski",
        6,
    ),
    (
        "Arabic",
        0.7,
        "Lina Rania Huda Amal Noor",
        "Karim Omar Samir Khaled Yusuf",
        "Sami Amira Layla Adam Zain Maryam",
        "Haddad Al-Masri Khalil Darwish Hassan",
        4,
    ),
    (
        "Urdu",
        0.5,
        "Ayesha Sadia Nadia Farah Rabia",
        "Imran Asif Tariq Bilal Adeel",
        "Zara Hamza Aleena Musa Inaya Rayan",
        "Ahmed Hussain Iqbal Malik Shah",
        5,
    ),
    (
        "Romanian",
        0.6,
        "Ioana Elena Andreea Maria",
        "Andrei Mihai Florin Ionut",
        "Ana David Sofia Luca Daria",
        "Popescu Ionescu Stan Dumitru",
        3,
    ),
    (
        "Ukrainian",
        0.6,
        "Olena Iryna Natalia Oksana",
        "Dmytro Oleksandr Serhii Andrii",
        "Mykola Daryna Sofiia Maksym Anna",
        "Shevchenko Kovalenko Bondarenko Melnyk",
        3,
    ),
    (
        "Somali",
        0.7,
        "Hodan Fadumo Amina Sahra",
        "Abdi Mohamed Ahmed Hassan",
        "Hamza Ilhan Yasmin Bilal Ayaan",
        "Warsame Farah Omar Yusuf",
        2,
    ),
    (
        "Mandarin",
        0.5,
        "Mei Li Xiu Ying",
        "Wei Jun Hao Ming",
        "Ethan Chloe Yu Jia Lucas",
        "Chen Wang Zhang Liu",
        2,
    ),
]
AVOID = {
    "Arabic": "Ramadan (meetings after sunset are hard); Eid al-Fitr and Eid al-Adha",
    "Urdu": "Ramadan; Eid; Friday lunchtime prayers",
    "Somali": "Ramadan; Eid; Friday lunchtime prayers",
    "Romanian": "Orthodox Christmas and Easter",
    "Ukrainian": "Orthodox Christmas (7 January) and Easter",
    "Mandarin": "Chinese New Year week",
    "Polish": "Wigilia (24 December)",
}
GOOD_TIMES = [
    "Weekdays after 3pm",
    "Mornings at drop-off",
    "Any day before 10am",
    "Evenings after 6pm (works days)",
    "Tuesdays and Thursdays",
    "Lunchtime, 12–1pm",
    "",
    "",
]
GOOD_PLACES = ["At the school gate", "At home", "Family room at school", "By phone", "", ""]
WORK = [
    "Shift work at the hospital; rota changes weekly",
    "Works nights at the distribution centre",
    "Works full time in Edinburgh; free after 5.30pm",
    "Part-time at the supermarket, mornings",
    "Self-employed; flexible with notice",
    "",
    "",
    "",
]
TRANSPORT = ["No car; two buses to school", "Shares a car with family; Fridays are easier", ""]
MOBILITY = ["Uses a wheelchair: ground-floor rooms please", "Walks with a stick; needs a seat", ""]
STRENGTHS = [
    "{child} is kind to younger children and always first to help tidy up.",
    "{parent} always replies to messages the same day and asks good questions.",
    "The family reads together most nights; {child} loves choosing the book.",
    "{parent} coaches the Saturday football team and offered to help at sports day.",
    "{child} has a great sense of humour and lots of friends in class.",
    "Grandparents help every week with pick-ups; a big, close family.",
    "{parent} knows exactly what calms {child} and shares it with us.",
    "{child} is proud of their drawing and brings in work done at home.",
    "{parent} helped run the summer fair stall and enjoyed it.",
    "{child} is a confident speaker in two languages and helps new pupils settle.",
]
EXCEPTIONS = [
    "Mornings go better when {child} has packed their bag the night before.",
    "On days {parent} does drop-off, {child} arrives on time and settles quickly.",
    "{child} copes well with changes when told the day before.",
    "Weeks with a short chat at the gate on Monday tend to go smoothly.",
    "When {child} has a job to do at the start of the day, the whole day goes better.",
    "Things go well when {parent} hears good news first, before anything to work on.",
]
# (purpose, tone, channel, summary, agreed) — record what was said and agreed, no judgements.
TEMPLATES = [
    (
        P.GOOD_NEWS,
        "positive",
        CC.PHONE,
        "Phoned {parent} to share that {child} read aloud to the class and was proud of it.",
        "{parent} will tell Gran; {child} can read to the P1s next week.",
    ),
    (
        P.GOOD_NEWS,
        "positive",
        CC.LETTER,
        "Good-news postcard home: {child} was star of the week for kindness.",
        "",
    ),
    (
        P.GOOD_NEWS,
        "positive",
        CC.FACE_TO_FACE,
        "Told {parent} at the gate that {child}'s writing has come on a lot since the holidays.",
        "",
    ),
    (
        P.GOOD_NEWS,
        "positive",
        CC.TEXT,
        "Text to {parent}: {child} worked hard on a tricky maths problem today and cracked it.",
        "",
    ),
    (
        P.PROGRESS,
        "positive",
        CC.MEETING,
        "Parents' evening at a time {parent} chose: looked at {child}'s reading and number "
        "targets together; {parent} shared what {child} enjoys at home.",
        "Spelling words go home on Mondays; {parent} will practise five a night with {child}.",
    ),
    (
        P.PROGRESS,
        "neutral",
        CC.EMAIL,
        "{parent} asked how {child} is getting on with spelling; sent this term's words and the "
        "app we use.",
        "Paper copy of the list to go home too.",
    ),
    (
        P.INFORMATION,
        "neutral",
        CC.PHONE,
        "{parent} asked about the class trip; explained the cost and that help with it is "
        "available, no questions asked.",
        "{parent} will let us know by Friday.",
    ),
    (
        P.INFORMATION,
        "neutral",
        CC.FACE_TO_FACE,
        "Checked {parent} had seen the after-school club list; {parent} prefers paper copies to "
        "the app.",
        "Letters to go home in {child}'s bag from now on.",
    ),
    (
        P.INFORMATION,
        "neutral",
        CC.TEXT,
        "{parent} let us know {child} has a hospital appointment on Thursday morning.",
        "",
    ),
    (
        P.ATTENDANCE,
        "concern",
        CC.PHONE,
        "{child} has been late on several mornings. {parent} explained that mornings are hard "
        "just now; we talked about what is different on the days {child} is on time.",
        "{child} can come in by the side door at 8.50 and start with a job in the library; "
        "we speak again in two weeks.",
    ),
    (
        P.ATTENDANCE,
        "concern",
        CC.MEETING,
        "Met {parent} about {child} missing several days. {parent} said {child} has had tummy "
        "aches before school; we listened to what helps at home.",
        "A morning check-in with a familiar adult; {parent} will text if {child} is off.",
    ),
    (
        P.BEHAVIOUR,
        "concern",
        CC.PHONE,
        "Let {parent} know {child} was upset after a falling-out at lunch and left the classroom "
        "for a while. {parent} said {child} has been worried about a friend moving away.",
        "Playground staff will keep an eye at lunch; we phone {parent} on Friday.",
    ),
    (
        P.BEHAVIOUR,
        "concern",
        CC.FACE_TO_FACE,
        "{parent} raised name-calling on the bus home; listened and explained the steps we take.",
        "We will speak to the pupils involved and let {parent} know what we did.",
    ),
    (
        P.WELLBEING,
        "neutral",
        CC.PHONE,
        "{parent} called to say {child} has been anxious about swimming lessons.",
        "{child} can start by watching from the side; check in with {parent} after two lessons.",
    ),
    (
        P.WELLBEING,
        "concern",
        CC.FACE_TO_FACE,
        "{parent} mentioned {child} has not been sleeping well since moving house.",
        "Quiet space offered at break if {child} is tired; {parent} will tell us how it goes.",
    ),
    (
        P.SUPPORT,
        "neutral",
        CC.MEETING,
        "Met {parent} to go over the support plan for {child}'s reading; {parent} said short "
        "bursts at home work best.",
        "Ten minutes' paired reading three times a week at home.",
    ),
    (
        P.SUPPORT,
        "neutral",
        CC.PHONE,
        "{parent} asked about help with the cost of school uniform; explained the grant and how "
        "to apply.",
        "Form sent home; the office will help fill it in if wanted.",
    ),
    (
        P.FOLLOW_UP,
        "positive",
        CC.PHONE,
        "Called {parent} back as promised: {child} has had a settled week.",
        "",
    ),
    (
        P.WELLBEING,
        "neutral",
        CC.HOME_VISIT,
        "Visited {parent} at home, at a time {parent} chose, to talk about how {child} is "
        "finding school this term. {parent} showed us the reward chart that works at home.",
        "We will use the same chart in class; next visit after the holidays.",
    ),
    (
        P.PROGRESS,
        "positive",
        CC.VIDEO,
        "Video call with {parent}, who works away this month: shared {child}'s project and "
        "{parent} asked good questions about next steps.",
        "",
    ),
]


def _year_for(school: str, index: int) -> str:
    return f"P{index}" if school == CASTLEBRAE else f"S{index}"


def _dob(rng: random.Random, year: str, today: datetime.date) -> datetime.date:
    """A date of birth that fits the Scottish year group (born March to February)."""
    stage = int(year[1:]) + (7 if year.startswith("S") else 0)
    session = today.year if today.month >= 8 else today.year - 1
    start = datetime.date(session - 4 - stage, 3, 1)
    return start + datetime.timedelta(days=rng.randrange(365))


def _random_family(rng: random.Random, school: str, with_sibling_at_high: bool) -> FamilySpec:
    language, interp, women, men, kids, surnames, _w = rng.choices(
        CULTURES, weights=[c[-1] for c in CULTURES]
    )[0]
    women, men, kids, surnames = (s.split() for s in (women, men, kids, surnames))
    surname = rng.choice(surnames)

    def parent(first, last=surname, **kw):
        prefs = {
            "language": language,
            "interpreter": language != "English" and rng.random() < interp,
            "reading": rng.choices(ParentCarer.Reading.values, weights=[82, 12, 6])[0],
            "channel": rng.choices(Ch.values, weights=[35, 20, 20, 15, 3, 7])[0],
            "good_times": rng.choice(GOOD_TIMES),
            "good_places": rng.choice(GOOD_PLACES),
            "work": rng.choice(WORK),
            "transport": rng.choice(TRANSPORT) if rng.random() < 0.15 else "",
            "mobility": rng.choice(MOBILITY) if rng.random() < 0.04 else "",
            "avoid": AVOID.get(language, "") if rng.random() < 0.8 else "",
        }
        return ParentSpec(first, last, **{**prefs, **kw})

    shape = rng.choices(
        ["two", "single_mum", "single_dad", "separated", "step", "kinship", "foster"],
        weights=[44, 18, 4, 13, 11, 6, 4],
    )[0]
    mum, dad = rng.choice(women), rng.choice(men)
    looked_after = False
    if shape == "two":
        parents = [parent(mum), parent(dad)]
        links = [(0, R.MOTHER, True, True, ""), (1, R.FATHER, True, True, "")]
    elif shape == "single_mum":
        parents = [parent(mum)]
        links = [(0, R.MOTHER, True, True, "")]
    elif shape == "single_dad":
        parents = [parent(dad)]
        links = [(0, R.FATHER, True, True, "")]
    elif shape == "separated":
        parents = [parent(mum, household="Mum's flat"), parent(dad, household="Dad's house")]
        links = [(0, R.MOTHER, True, True, ""), (1, R.FATHER, True, False, "")]
    elif shape == "step":
        step = rng.choice([n for n in men if n != dad] or men)
        parents = [
            parent(mum, household="Home"),
            parent(step, rng.choice(surnames), household="Home"),
            parent(dad, household="Dad's flat"),
        ]
        links = [
            (0, R.MOTHER, True, True, ""),
            (1, R.STEP_PARENT, False, True, ""),
            (2, R.FATHER, True, False, ""),
        ]
    elif shape == "kinship":
        parents = [parent(rng.choice(women), household="Gran's house", work="Retired")]
        links = [(0, R.KINSHIP_CARER, True, True, "")]
        looked_after = rng.random() < 0.5
    else:
        carer = parent(rng.choice(women), "Lennox", language="English", interpreter=False)
        council = ParentSpec(
            "",
            "Riverbank Council Children and Families",
            organisation="Riverbank Council social work",
            channel=Ch.EMAIL,
        )
        parents = [carer, council]
        links = [(0, R.FOSTER_CARER, False, True, ""), (1, R.CORPORATE_PARENT, True, False, "")]
        looked_after = True
    count = rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
    years = rng.sample(range(1, 8 if school == CASTLEBRAE else 6), k=count)
    firsts = rng.sample(kids, k=count + 1)
    children = [
        ChildSpec(
            firsts.pop(),
            surname,
            school,
            _year_for(school, y),
            list(links),
            looked_after=looked_after,
            asn=rng.random() < 0.18,
            young_carer=rng.random() < 0.03,
        )
        for y in years
    ]
    if with_sibling_at_high:
        children.append(
            ChildSpec(
                firsts.pop(),
                surname,
                NORTHFIELD,
                f"S{rng.randint(1, 5)}",
                list(links),
                looked_after=looked_after,
                asn=rng.random() < 0.15,
            )
        )
    fam = FamilySpec(parents, children)
    names = {"child": children[0].first, "parent": parents[0].first or parents[0].last}
    if rng.random() < 0.88:
        fam.strengths = " ".join(s.format(**names) for s in rng.sample(STRENGTHS, k=2))
    if rng.random() < 0.6:
        fam.exceptions = rng.choice(EXCEPTIONS).format(**names)
    return fam


def _random_contacts(rng: random.Random, fam: FamilySpec, school: str) -> list[ContactSpec]:
    kids = [i for i, c in enumerate(fam.children) if c.school == school]
    if not kids:
        return []
    reachable = [i for i, p in enumerate(fam.parents) if not p.organisation] or [0]
    key = fam.key_contacts.get(school, "pastoral")
    contacts = []
    recent_gap = rng.choice([0, 0, 0, 10, 25, 45])  # some families not heard from for weeks
    for _ in range(
        rng.choices([0, 1, 2, 3, 4, 5, 6, 8], weights=[4, 10, 16, 20, 18, 14, 10, 8])[0]
    ):
        purpose, tone, channel, summary, agreed = rng.choice(TEMPLATES)
        child_i = rng.choice(kids)
        parent_i = rng.choice(reachable)
        names = {"child": fam.children[child_i].first, "parent": fam.parents[parent_i].first}
        concern = tone == "concern"
        staff = key if rng.random() < 0.7 else rng.choice(["teacher", "pastoral", "head"])
        if staff == "teacher" and fam.key_contacts.get(school) != "teacher":
            staff = "pastoral"
        contact = ContactSpec(
            school,
            rng.randint(1 + recent_gap, WINDOW_DAYS),
            staff,
            [parent_i],
            [child_i],
            purpose,
            tone,
            channel,
            summary.format(**names),
            agreed.format(**names),
            level="intensive"
            if channel == CC.HOME_VISIT
            else "enhanced"
            if concern or purpose == P.SUPPORT
            else "general",
            formal=channel in (CC.MEETING, CC.LETTER),
            initiated_by="family" if rng.random() < 0.3 else "school",
        )
        if agreed and rng.random() < 0.35:
            contact.follow_up_days = rng.randint(3, 14)
            # Most older follow-ups are done; a few slip, as they do in real schools.
            overdue_by = contact.days_ago - contact.follow_up_days
            contact.follow_up_done = rng.random() < (0.92 if overdue_by > 14 else 0.5)
        if concern and rng.random() < 0.12:
            contact.confidentiality = CONF.PASTORAL
            contact.reason = "Family circumstances shared in confidence."
            contact.staff = rng.choice(["pastoral", "head"])
            contact.level = "intensive"
        contacts.append(contact)
    return contacts


def _family_name(fam: FamilySpec) -> str:
    firsts = [c.first for c in fam.children]
    joined = firsts[0] if len(firsts) == 1 else ", ".join(firsts[:-1]) + " and " + firsts[-1]
    return f"{joined} {fam.children[0].last}'s family"


def _key_contacts(rng: random.Random, fam: FamilySpec) -> dict:
    """The demo teacher for their own class's families, pastoral staff for looked-after
    children, otherwise pastoral staff or the head."""
    keys = dict(fam.key_contacts)
    for school in {c.school for c in fam.children} - set(keys):
        mine = [c for c in fam.children if c.school == school]
        if any(c.year == ("P4" if school == CASTLEBRAE else "S3") for c in mine):
            keys[school] = "teacher"
        elif any(c.looked_after for c in mine):
            keys[school] = "pastoral"
        else:
            keys[school] = rng.choices(["pastoral", "head"], weights=[65, 35])[0]
    return keys


def _when(rng: random.Random, today: datetime.date, days_ago: int) -> datetime.datetime:
    day = today - datetime.timedelta(days=days_ago)
    while day.weekday() >= 5:  # school contact happens on school days
        day -= datetime.timedelta(days=1)
    moment = datetime.time(rng.randint(8, 16), rng.choice([0, 10, 20, 30, 40, 50]))
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def _plan(rng: random.Random) -> list[FamilySpec]:
    families = family_cases.scripted()
    at = {s: sum(any(c.school == s for c in f.children) for f in families) for s in SCHOOLS_KEYS}
    for i in range(200 - at[CASTLEBRAE]):
        families.append(_random_family(rng, CASTLEBRAE, with_sibling_at_high=i % 9 == 4))
    at_high = sum(any(c.school == NORTHFIELD for c in f.children) for f in families)
    for _ in range(60 - at_high):
        families.append(_random_family(rng, NORTHFIELD, with_sibling_at_high=False))
    seen = {}
    for fam in families:
        fam.key_contacts = _key_contacts(rng, fam)
        if not fam.name:
            name = _family_name(fam)
            seen[name] = seen.get(name, 0) + 1
            fam.name = name if seen[name] == 1 else f"{name} ({seen[name]})"
            for school in fam.key_contacts:
                fam.contacts += _random_contacts(rng, fam, school)
    return families


SCHOOLS_KEYS = (CASTLEBRAE, NORTHFIELD)


@transaction.atomic
def load() -> None:
    schools = demo_schools.load()
    if Child.objects.filter(school__in=schools.values(), external_id__startswith=MARKER).exists():
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    families = _plan(rng)
    users = {
        (key, u.username.split(".", 1)[1]): u
        for key in SCHOOLS_KEYS
        for u in get_user_model().objects.filter(username__startswith=f"{key}.")
    }
    classes = {
        (g.school_id, g.year_group): g
        for g in ClassGroup.objects.filter(school__in=schools.values())
    }
    authority = schools[CASTLEBRAE].authority
    family_rows = Family.objects.bulk_create(
        Family(authority=authority, name=f.name, strengths=f.strengths, exceptions=f.exceptions)
        for f in families
    )
    SchoolFamily.objects.bulk_create(
        SchoolFamily(school=schools[key], family=row, key_contact=users[(key, who)])
        for f, row in zip(families, family_rows, strict=True)
        for key, who in sorted(f.key_contacts.items())
    )
    children, parents = {}, {}
    for fi, (f, row) in enumerate(zip(families, family_rows, strict=True)):
        for ci, c in enumerate(f.children):
            school = schools[c.school]
            children[(fi, ci)] = Child(
                family=row,
                school=school,
                first_name=c.first,
                last_name=c.last,
                date_of_birth=_dob(rng, c.year, today),
                year_group=c.year,
                class_group=classes.get((school.pk, c.year)),
                looked_after=c.looked_after,
                additional_support_needs=c.asn,
                young_carer=c.young_carer,
                external_id=f"{MARKER}C{len(children) + 1:04d}",
            )
        for pi, p in enumerate(f.parents):
            slug = (p.first or p.last).split()[0].lower()
            parents[(fi, pi)] = ParentCarer(
                family=row,
                first_name=p.first,
                last_name=p.last,
                household=p.household,
                organisation=p.organisation,
                language=p.language,
                interpreter_needed=p.interpreter,
                reading=p.reading,
                preferred_channel=p.channel,
                good_times=p.good_times,
                good_places=p.good_places,
                transport_needs=p.transport,
                mobility_needs=p.mobility,
                work_pattern=p.work,
                dates_to_avoid=p.avoid,
                phone=f"07700 9{len(parents):05d}"[:13],
                email=""
                if p.reading != ParentCarer.Reading.CONFIDENT
                else f"{slug}.{p.last.split()[0].lower()}{len(parents)}@example.org",
                external_id=f"{MARKER}P{len(parents) + 1:04d}",
            )
    Child.objects.bulk_create(children.values())
    ParentCarer.objects.bulk_create(parents.values())
    ChildParent.objects.bulk_create(
        ChildParent(
            child=children[(fi, ci)],
            parent=parents[(fi, pi)],
            relationship=rel,
            parental_responsibility=pr,
            lives_with_child=lives,
            restriction=restriction,
        )
        for fi, f in enumerate(families)
        for ci, c in enumerate(f.children)
        for pi, rel, pr, lives, restriction in c.links
    )
    _save_contacts(rng, today, families, family_rows, schools, users, children, parents)
    for school in schools.values():
        summaries_refresh(school=school)


def _save_contacts(rng, today, families, family_rows, schools, users, children, parents):
    rows, links = [], []
    for fi, (f, family) in enumerate(zip(families, family_rows, strict=True)):
        for k in f.contacts:
            staff = users[(k.school, k.staff)]
            follow_on = done_at = None
            if k.follow_up_days is not None:
                follow_on = (
                    _when(rng, today, k.days_ago) + datetime.timedelta(days=k.follow_up_days)
                ).date()
                if k.follow_up_done and follow_on <= today:
                    done_at = timezone.make_aware(
                        datetime.datetime.combine(follow_on, datetime.time(15, 30))
                    )
            rows.append(
                Contact(
                    school=schools[k.school],
                    family=family,
                    occurred_at=_when(rng, today, k.days_ago),
                    staff=staff,
                    channel=k.channel,
                    initiated_by=k.initiated_by,
                    tone=k.tone,
                    formality="formal" if k.formal else "informal",
                    level=k.level,
                    purpose=k.purpose,
                    summary=k.summary,
                    agreed=k.agreed,
                    follow_up_on=follow_on,
                    follow_up_owner=staff if follow_on else None,
                    follow_up_done_at=done_at,
                    confidentiality=k.confidentiality,
                    confidentiality_reason=k.reason,
                    consent=k.consent,
                )
            )
            links.append(
                (
                    [parents[(fi, pi)] for pi in k.parents],
                    [children[(fi, ci)] for ci in k.children],
                    [users[(k.school, who)] for who in k.named],
                )
            )
    Contact.objects.bulk_create(rows)
    # Staff write their note within a few hours. bulk_create stamps every note with today's
    # date, which would show each demo entry as written weeks after the contact.
    written = random.Random(SEED + 1)
    now = timezone.now()
    for row in rows:
        after = datetime.timedelta(minutes=written.randint(20, 240))
        row.recorded_at = min(now, row.occurred_at + after)
    Contact.objects.bulk_update(rows, ["recorded_at"], batch_size=500)
    through = Contact.parents.through, Contact.children.through, Contact.named_staff.through
    Contact.parents.through.objects.bulk_create(
        through[0](contact=row, parentcarer=p)
        for row, (ps, _, _) in zip(rows, links, strict=True)
        for p in ps
    )
    Contact.children.through.objects.bulk_create(
        through[1](contact=row, child=c)
        for row, (_, cs, _) in zip(rows, links, strict=True)
        for c in cs
    )
    Contact.named_staff.through.objects.bulk_create(
        through[2](contact=row, user=u)
        for row, (_, _, us) in zip(rows, links, strict=True)
        for u in us
    )

"""The scripted demo families: the guidance's five cases and a separated family with a recorded
restriction, plus the small records the demo loader builds every family from."""

from __future__ import annotations

from dataclasses import dataclass, field

from families.models import ChildParent, Contact, ParentCarer

CASTLEBRAE, NORTHFIELD = "castlebrae", "northfield"
R = ChildParent.Relationship
Ch = ParentCarer.Channel
CC = Contact.Channel
P = Contact.Purpose
CONF = Contact.Confidentiality

# The guidance's five cases, by family name, for other demo loaders (compass, meetings).
CASES = {
    "starting_school": "Ellie Cameron's family",
    "bereavement": "Kai Baxter's family",
    "exclusions": "Ryan Docherty's family",
    "siblings_apart": "Lily and Jay Morrison's family",
    "residential": "Jordan Hughes's family",
}


@dataclass
class ParentSpec:
    first: str
    last: str
    household: str = ""
    organisation: str = ""
    language: str = "English"
    interpreter: bool = False
    reading: str = ParentCarer.Reading.CONFIDENT
    channel: str = Ch.PHONE
    good_times: str = ""
    good_places: str = ""
    transport: str = ""
    mobility: str = ""
    work: str = ""
    avoid: str = ""


@dataclass
class ChildSpec:
    first: str
    last: str
    school: str
    year: str
    # (parent index, relationship, parental responsibility, lives with child, restriction)
    links: list = field(default_factory=list)
    looked_after: bool = False
    asn: bool = False
    young_carer: bool = False


@dataclass
class ContactSpec:
    school: str
    days_ago: int
    staff: str  # demo username suffix: teacher, pastoral, head
    parents: list  # parent indexes
    children: list  # child indexes
    purpose: str
    tone: str
    channel: str
    summary: str
    agreed: str = ""
    level: str = "general"
    formal: bool = False
    initiated_by: str = "school"
    follow_up_days: int | None = None
    follow_up_done: bool = False
    confidentiality: str = CONF.SCHOOL
    reason: str = ""
    named: list = field(default_factory=list)
    consent: str = ""


@dataclass
class FamilySpec:
    parents: list
    children: list
    strengths: str = ""
    exceptions: str = ""
    key_contacts: dict = field(default_factory=dict)
    contacts: list = field(default_factory=list)
    name: str = ""


def scripted() -> list[FamilySpec]:
    """The guidance's five cases, and a separated family with a recorded restriction."""
    starting = FamilySpec(
        name=CASES["starting_school"],
        parents=[
            ParentSpec(
                "Shona",
                "Cameron",
                channel=Ch.FACE_TO_FACE,
                good_times="Mornings at drop-off",
                work="Part-time at the health centre, Mon–Wed",
            ),
            ParentSpec("Alan", "Cameron", channel=Ch.TEXT, work="Offshore: two weeks on, two off"),
        ],
        children=[
            ChildSpec(
                "Ellie",
                "Cameron",
                CASTLEBRAE,
                "P1",
                asn=True,
                links=[(0, R.MOTHER, True, True, ""), (1, R.FATHER, True, True, "")],
            ),
        ],
        strengths="Shona and Alan know Ellie's diabetes care inside out and have shared their "
        "routines with us. Ellie loves music and joins in every song.",
        exceptions="Ellie settles fastest when the same adult meets her at the door.",
        key_contacts={CASTLEBRAE: "pastoral"},
    )
    starting.contacts = [
        ContactSpec(
            CASTLEBRAE,
            97,
            "pastoral",
            [0, 1],
            [0],
            P.SUPPORT,
            "neutral",
            CC.MEETING,
            "Planning meeting before Ellie starts P1, with the school nurse. Shona and Alan "
            "explained Ellie's blood-sugar checks and what her speech and language "
            "therapist suggests.",
            "Health care plan drafted together; staff training on 20 August; a home–school "
            "diary each day.",
            level="enhanced",
            formal=True,
            follow_up_days=7,
            follow_up_done=True,
        ),
        ContactSpec(
            CASTLEBRAE,
            84,
            "pastoral",
            [0],
            [0],
            P.GOOD_NEWS,
            "positive",
            CC.PHONE,
            "Called Shona after Ellie's first full week: she has made a friend and managed "
            "her snack-time check with support.",
            "",
        ),
        ContactSpec(
            CASTLEBRAE,
            40,
            "head",
            [0, 1],
            [0],
            P.SUPPORT,
            "neutral",
            CC.MEETING,
            "Review of Ellie's plan. Parents feel the diary works; asked for more notice of "
            "changes to the timetable.",
            "Changes to go in the diary a week ahead; review again in six weeks.",
            level="enhanced",
            formal=True,
            follow_up_days=42,
        ),
        ContactSpec(
            CASTLEBRAE,
            9,
            "pastoral",
            [1],
            [0],
            P.GOOD_NEWS,
            "positive",
            CC.TEXT,
            "Text to Alan: Ellie sang a solo line in the nativity rehearsal.",
            "",
        ),
    ]
    bereavement = FamilySpec(
        name=CASES["bereavement"],
        parents=[
            ParentSpec(
                "Lorna",
                "Baxter",
                channel=Ch.PHONE,
                good_times="After 7pm",
                reading=ParentCarer.Reading.SPOKEN,
            )
        ],
        children=[
            ChildSpec("Kai", "Baxter", CASTLEBRAE, "P4", links=[(0, R.MOTHER, True, True, "")])
        ],
        strengths="Kai is a thoughtful boy who loves football and drawing. Lorna keeps in close "
        "touch and tells us what helps.",
        exceptions="Kai copes better when he knows he can go to the quiet corner without asking.",
        key_contacts={CASTLEBRAE: "teacher"},
    )
    bereavement.contacts = [
        ContactSpec(
            CASTLEBRAE,
            75,
            "pastoral",
            [0],
            [0],
            P.WELLBEING,
            "neutral",
            CC.HOME_VISIT,
            "Visited Lorna at home, at her request, after the death of Kai's dad. Lorna "
            "talked about how Kai is doing and what she would like school to know.",
            "Lorna agreed that Ms Lindsay and Mr Ferguson are told; nobody else. Kai may "
            "use the quiet corner whenever he needs it.",
            level="intensive",
            formal=False,
            initiated_by="family",
            confidentiality=CONF.NAMED,
            reason="Bereavement; shared with consent only.",
            named=["teacher", "head"],
            consent="Lorna Baxter agreed at the home visit that Kai's class teacher and the "
            "headteacher are told. Not to be shared more widely.",
            follow_up_days=7,
            follow_up_done=True,
        ),
        ContactSpec(
            CASTLEBRAE,
            60,
            "teacher",
            [0],
            [0],
            P.GOOD_NEWS,
            "positive",
            CC.PHONE,
            "Told Lorna that Kai helped organise the class football team today and laughed a lot.",
            "",
        ),
        ContactSpec(
            CASTLEBRAE,
            20,
            "teacher",
            [0],
            [0],
            P.WELLBEING,
            "neutral",
            CC.PHONE,
            "Kai was quiet after the Remembrance assembly. Talked with Lorna, who said the "
            "anniversary of his dad's birthday is next week.",
            "Ms Lindsay will check in with Kai each morning that week; call Lorna Friday.",
            confidentiality=CONF.NAMED,
            reason="Bereavement; shared with consent only.",
            named=["pastoral", "head"],
            follow_up_days=5,
        ),
    ]
    exclusions = FamilySpec(
        name=CASES["exclusions"],
        parents=[
            ParentSpec(
                "Karen",
                "Docherty",
                household="Mum's flat",
                channel=Ch.PHONE,
                work="Works in a care home, early shifts",
            ),
            ParentSpec(
                "Paul",
                "Docherty",
                household="Dad's house",
                channel=Ch.TEXT,
                good_times="Evenings after 6pm (works days)",
            ),
        ],
        children=[
            ChildSpec(
                "Ryan",
                "Docherty",
                NORTHFIELD,
                "S3",
                asn=True,
                links=[(0, R.MOTHER, True, True, ""), (1, R.FATHER, True, False, "")],
            )
        ],
        strengths="Ryan is good with his hands and the technical department says he is a natural "
        "in the workshop. Both parents want things to go well for him.",
        exceptions="Ryan has had no incidents on workshop days or when he starts the day in the "
        "base.",
        key_contacts={NORTHFIELD: "pastoral"},
    )
    exclusions.contacts = [
        ContactSpec(
            NORTHFIELD,
            70,
            "head",
            [0, 1],
            [0],
            P.BEHAVIOUR,
            "concern",
            CC.LETTER,
            "Letter to both homes about Ryan's two-day exclusion after a fight at lunch, "
            "with the plain-language guide to exclusion and parents' rights.",
            "Return meeting on Ryan's first day back.",
            level="intensive",
            formal=True,
        ),
        ContactSpec(
            NORTHFIELD,
            66,
            "pastoral",
            [0, 1],
            [0],
            P.BEHAVIOUR,
            "concern",
            CC.MEETING,
            "Return meeting with Karen, Paul and Ryan. Ryan said trouble starts in the "
            "corridor after maths; both parents said mornings at the weekend house go well.",
            "Ryan starts each day in the base; leaves maths two minutes early; Ms Nair "
            "phones each parent weekly.",
            level="intensive",
            formal=True,
            follow_up_days=7,
            follow_up_done=True,
        ),
        ContactSpec(
            NORTHFIELD,
            30,
            "pastoral",
            [1],
            [0],
            P.FOLLOW_UP,
            "positive",
            CC.PHONE,
            "Weekly call to Paul: Ryan had a full week with no incidents and a merit in technical.",
            "",
        ),
        ContactSpec(
            NORTHFIELD,
            12,
            "teacher",
            [0, 1],
            [0],
            P.BEHAVIOUR,
            "concern",
            CC.PHONE,
            "Phoned both parents: Ryan left English after a disagreement and went to the "
            "base as agreed. Karen said he had a late night.",
            "Talk with Ryan together on Monday.",
            level="enhanced",
            follow_up_days=3,
        ),
    ]
    apart = FamilySpec(
        name=CASES["siblings_apart"],
        parents=[
            ParentSpec(
                "Nicola",
                "Morrison",
                household="Nicola's flat",
                channel=Ch.FACE_TO_FACE,
                reading=ParentCarer.Reading.SUPPORT,
            ),
            ParentSpec(
                "Margaret", "Morrison", household="Gran's house", channel=Ch.PHONE, work="Retired"
            ),
            ParentSpec("Sandra", "Wilson", household="Foster home", channel=Ch.TEXT),
            ParentSpec(
                "",
                "Riverbank Council Children and Families",
                organisation="Riverbank Council social work",
                channel=Ch.EMAIL,
            ),
        ],
        children=[
            ChildSpec(
                "Lily",
                "Morrison",
                CASTLEBRAE,
                "P4",
                looked_after=True,
                links=[
                    (0, R.MOTHER, True, False, ""),
                    (2, R.FOSTER_CARER, False, True, ""),
                    (3, R.CORPORATE_PARENT, True, False, ""),
                ],
            ),
            ChildSpec(
                "Jay",
                "Morrison",
                NORTHFIELD,
                "S2",
                looked_after=True,
                young_carer=True,
                links=[(0, R.MOTHER, True, False, ""), (1, R.KINSHIP_CARER, True, True, "")],
            ),
        ],
        strengths="Lily and Jay are very close and see each other every weekend at Gran's. "
        "Nicola wants to hear about both children's progress.",
        exceptions="Lily is more settled on Mondays after a weekend with Jay.",
        key_contacts={CASTLEBRAE: "pastoral", NORTHFIELD: "pastoral"},
    )
    apart.contacts = [
        ContactSpec(
            CASTLEBRAE,
            80,
            "pastoral",
            [0, 2, 3],
            [0],
            P.SUPPORT,
            "neutral",
            CC.MEETING,
            "Child's plan meeting with Nicola, Sandra and the social worker. Nicola said she "
            "is working with the community alcohol service and would like reports read "
            "to her.",
            "Reports to be explained by phone; Nicola invited to the class assembly.",
            level="intensive",
            formal=True,
            confidentiality=CONF.PASTORAL,
            reason="Parent's health shared at a child's plan meeting.",
            follow_up_days=21,
            follow_up_done=True,
        ),
        ContactSpec(
            CASTLEBRAE,
            35,
            "teacher",
            [2],
            [0],
            P.GOOD_NEWS,
            "positive",
            CC.TEXT,
            "Text to Sandra: Lily read her poem to the class today.",
            "",
        ),
        ContactSpec(
            NORTHFIELD,
            50,
            "pastoral",
            [1],
            [1],
            P.WELLBEING,
            "neutral",
            CC.PHONE,
            "Margaret said Jay helps a lot at home and is tired some mornings.",
            "Jay linked with the young carers' group; homework club offered.",
            level="enhanced",
            follow_up_days=14,
        ),
        ContactSpec(
            CASTLEBRAE,
            6,
            "pastoral",
            [0],
            [0],
            P.PROGRESS,
            "positive",
            CC.PHONE,
            "Called Nicola to talk through Lily's report, as agreed. Nicola was pleased "
            "with her reading.",
            "",
        ),
    ]
    residential = FamilySpec(
        name=CASES["residential"],
        parents=[
            ParentSpec(
                "Marcus",
                "Bell",
                household="Oakview children's house",
                organisation="Oakview children's house",
                channel=Ch.PHONE,
                good_times="Weekdays 10am–4pm",
            ),
            ParentSpec(
                "",
                "Riverbank Council Children and Families",
                organisation="Riverbank Council social work",
                channel=Ch.EMAIL,
            ),
            ParentSpec("Tracey", "Hughes", channel=Ch.TEXT, reading=ParentCarer.Reading.SPOKEN),
        ],
        children=[
            ChildSpec(
                "Jordan",
                "Hughes",
                NORTHFIELD,
                "S4",
                looked_after=True,
                links=[
                    (0, R.KEY_WORKER, False, True, ""),
                    (1, R.CORPORATE_PARENT, True, False, ""),
                    (2, R.MOTHER, True, False, ""),
                ],
            )
        ],
        strengths="Jordan is a talented artist and a loyal friend. Marcus knows him well and "
        "comes to every review.",
        exceptions="Jordan attends every day when he has art first period.",
        key_contacts={NORTHFIELD: "pastoral"},
    )
    residential.contacts = [
        ContactSpec(
            NORTHFIELD,
            90,
            "pastoral",
            [0, 1],
            [0],
            P.SUPPORT,
            "neutral",
            CC.MEETING,
            "Looked-after review with Jordan, Marcus and the social worker. Jordan chose "
            "which teachers know about his care arrangements.",
            "Only Ms Nair and Mrs MacLeod are told the details; Jordan's art teacher to "
            "be told he lives at Oakview, nothing more.",
            level="intensive",
            formal=True,
            confidentiality=CONF.NAMED,
            reason="Care arrangements; Jordan decided who knows.",
            named=["head"],
            consent="Jordan (S4) agreed at his review who is told; his social worker recorded it.",
            follow_up_days=60,
        ),
        ContactSpec(
            NORTHFIELD,
            45,
            "pastoral",
            [0],
            [0],
            P.GOOD_NEWS,
            "positive",
            CC.PHONE,
            "Told Marcus that Jordan's artwork was chosen for the school exhibition.",
            "",
        ),
        ContactSpec(
            NORTHFIELD,
            15,
            "pastoral",
            [0, 2],
            [0],
            P.PROGRESS,
            "neutral",
            CC.EMAIL,
            "Sent Marcus and Tracey Jordan's English progress report, as agreed at review.",
            "",
        ),
    ]
    restriction = FamilySpec(
        name="Mia Stewart's family",
        parents=[
            ParentSpec("Kerry", "Stewart", household="Mum's house", channel=Ch.PHONE),
            ParentSpec("Gary", "Stewart", household="Dad's flat", channel=Ch.LETTER),
        ],
        children=[
            ChildSpec(
                "Mia",
                "Stewart",
                CASTLEBRAE,
                "P4",
                links=[
                    (0, R.MOTHER, True, True, ""),
                    (
                        1,
                        R.FATHER,
                        True,
                        False,
                        "Court order (Sheriff Court, 2025): school reports and "
                        "parents' evening only; no collection from school and no address details.",
                    ),
                ],
            )
        ],
        strengths="Mia is a keen reader and very creative. Both parents come to parents' evening.",
        exceptions="Mia is calm and chatty on days she has been to after-school club.",
        key_contacts={CASTLEBRAE: "teacher"},
    )
    restriction.contacts = [
        ContactSpec(
            CASTLEBRAE,
            55,
            "teacher",
            [0],
            [0],
            P.PROGRESS,
            "positive",
            CC.MEETING,
            "Parents' evening with Kerry: Mia's reading age is well ahead.",
            "",
        ),
        ContactSpec(
            CASTLEBRAE,
            54,
            "teacher",
            [1],
            [0],
            P.PROGRESS,
            "positive",
            CC.MEETING,
            "Parents' evening with Gary, separate slot as the order allows: shared Mia's "
            "reading progress.",
            "",
            formal=True,
        ),
    ]
    return [starting, bereavement, exclusions, apart, residential, restriction]

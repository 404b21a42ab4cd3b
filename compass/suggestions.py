"""Concrete next steps for a family's weakest lever, at the family's communication level.

Kept as a Python table, not a model: it is guidance content that changes with the product
(reviewed in code, versioned, tested), not something each school should have to maintain;
schools already reword what they see of the compass (regions, lever steps) in admin.
Drawn from the guidance's practice lists (general, enhanced and intensive communication,
and the six things professionals can do), in our own words.
"""

from __future__ import annotations

from dataclasses import dataclass

# Six habits of staff who build good relationships with parents (our wording of the guidance).
HABITS = (
    "Let the parent see that they are valued.",
    "Start from what the family does well, and build on it.",
    "Keep one steady point of contact, and make staff easy to reach.",
    "Bring the family along: ask what they see as the issue, the way forward and progress.",
    "Be clear and honest, and kind in how you say it.",
    "Treat each parent as a person, and keep learning what they need.",
)

# lever -> level -> ideas, most approachable first.
IDEAS: dict[str, dict[str, tuple[str, ...]]] = {
    "communication": {
        "general": (
            "Make a good-news call or send a short note home about something the child did well.",
            "Ask how the parent likes to be contacted (a call, a text, a chat at the gate) "
            "and use that.",
            "Say hello at the gate or at pick-up, with nothing to report but the day.",
        ),
        "enhanced": (
            "Before any meeting, tell the parent why, who will be there, when and for how long.",
            "Open every conversation with the child's strengths before anything else.",
            "Call back after a meeting to check how the agreed steps are going.",
        ),
        "intensive": (
            "Give the parent a discreet, quick way to reach their key member of staff.",
            "Explain formal processes (exclusion, additional support, child protection) and "
            "the parent's rights in plain words, spoken as well as written.",
            "Agree a regular check-in (e.g. a weekly call) so contact is not only about problems.",
        ),
    },
    "access": {
        "general": (
            "Offer parents' evening slots at other times, including early morning or evening.",
            "Invite the parent to an informal event: a class assembly, a coffee morning, "
            "a family learning session.",
            "Make sure reception knows the family and welcomes them by name.",
        ),
        "enhanced": (
            "Offer a meeting at another time or place, in a comfortable, private room.",
            "Invite the parent to help plan the meeting and agree the agenda together.",
            "Arrange an interpreter, transport or childcare if that is what stops them coming.",
        ),
        "intensive": (
            "Offer to meet at home or in a place the parent chooses.",
            "Invite a supporter of the parent's choice to come to meetings.",
            "Work with the other services involved so the family has one plan, not several.",
        ),
    },
    "attitude": {
        "general": (
            "Ask the parent what works at home; they are the expert on their child.",
            "Notice and name something the family is already doing well.",
            "Record what was said and agreed, not judgements about the parent.",
        ),
        "enhanced": (
            "Use the parent's own view of what works when planning next steps.",
            "Look for the exceptions together: what is different on the good days?",
            "Agree one small step each, rather than a list of demands.",
        ),
        "intensive": (
            "Ask the parent what would help most right now, and act on one thing quickly.",
            "Keep the problem separate from the person: it is the situation that is hard.",
            "Tell the parent what changed as a result of what they told you.",
        ),
    },
}

# Which of the six habits speaks most directly to each lever.
LEVER_HABITS = {"communication": (0, 4), "access": (2, 5), "attitude": (1, 3)}


@dataclass(frozen=True)
class Suggestions:
    lever: str
    lever_label: str
    step: int
    level_label: str
    ideas: tuple[str, ...]
    habits: tuple[str, ...]


def suggestions_for(placement) -> Suggestions:
    """Next steps for the placement's weakest lever at its communication level."""
    from compass.models import Lever

    lever = placement.weakest_lever()
    return Suggestions(
        lever=lever,
        lever_label=Lever(lever).label,
        step=placement.lever_steps()[lever],
        level_label=placement.get_level_display(),
        ideas=IDEAS[lever][placement.level],
        habits=tuple(HABITS[i] for i in LEVER_HABITS[lever]),
    )

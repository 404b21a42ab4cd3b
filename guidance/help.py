"""Short guidance for each form, in the portal's own words: a few points shown above the form
and linked to it (aria-describedby), so that help is where the work is done."""

FORM_GUIDANCE: dict[str, tuple[str, list[str]]] = {
    "contact-log": (
        "Before you log it",
        [
            "Write what was said and agreed, in plain words the family could read.",
            "Good news counts: a quick positive call is worth logging too.",
            "If you promised something, set a follow-up date so it is not lost.",
        ],
    ),
    "contact-edit": (
        "Correcting a contact",
        [
            "Change what is wrong or missing; the earlier version is kept with your name.",
            "Keep to facts: what happened, what was said, what was agreed.",
        ],
    ),
    "meeting-plan": (
        "Planning with the family",
        [
            "Tell the family beforehand why you are meeting, who will be there, when, and for "
            "how long.",
            "Ask them what they would like to talk about, and whether they would like to bring "
            "someone with them.",
            "Choose a time and place that suit them: home, a community venue or a call can be "
            "easier than school.",
        ],
    ),
    "meeting-record": (
        "In the room",
        [
            "Open with strengths: what goes well, what the child and the family are good at.",
            "Ask what already works, and when things are a little better; do more of that.",
            "The problem is the problem, not the parent or the child. Small steps are enough: "
            "each one with an owner and a date.",
        ],
    ),
    "placement": (
        "Placing a relationship",
        [
            "You are placing the relationship between school and home, not judging the family.",
            "Look at each lever from the parent's side: how we talk with them, how easy we are to "
            "reach, and how we see them.",
            "Give the evidence in a sentence. Relationships move both ways; that is normal.",
        ],
    ),
    "complaint": (
        "Handling a complaint",
        [
            "Talk rather than write where you can, and reply personally.",
            "Ask at once what the parent thinks would help, and name one person they will deal "
            "with.",
            "When it is settled, tell the parent what changed because they raised it.",
        ],
    ),
    "parent-preferences": (
        "Getting it from the parent",
        [
            "Ask the parent, and use their own words where you can.",
            "Most parents would rather talk than get a letter: note the channel and times that "
            "work.",
            "Barriers such as shift work, transport, language or reading are ours to work "
            "around, not judgements about the family.",
        ],
    ),
    "import": (
        "Importing pupils and families",
        [
            "Export a CSV from the school information system: one row per pupil and parent or "
            "carer.",
            "You see a dry run first; nothing is saved until you confirm.",
            "Importing the same file again changes nothing, and an empty cell never wipes what "
            "staff have added.",
        ],
    ),
}

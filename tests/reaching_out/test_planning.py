"""The right adult, the right way: who a message goes to, by which channel, in which language
and when; text lengths; and the placeholders a template may hold."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from reaching_out import placeholders, planning, services
from reaching_out.models import Channel, ChannelStop, Kind, Message, MessageTemplate
from tests import factories
from tests.reaching_out.conftest import template_make

NEWS = "Finn and Isla built the tallest tower in the class together."


@pytest.fixture(autouse=True)
def _no_texts(settings):
    """Texts are not set up (no GOV.UK Notify) unless a test says so."""
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEXT_TEMPLATE = ""


@pytest.fixture
def phone(cast):
    cast.school.phone = "0131 496 0000"
    cast.school.save(update_fields=["phone"])
    return cast.school.phone


def _drafting(cast, parents, children, *, kind=Kind.GOOD_NEWS, **kw):
    return services.drafting(
        school=cast.school,
        sender=cast.teacher,
        kind=kind,
        parents=parents,
        children=children,
        words=kw.pop("words", NEWS),
        **kw,
    )


def _plan(cast, parent, children=(), **kw):
    home = planning.household([parent])
    return planning.plan(
        parent,
        home,
        kind=kw.pop("kind", Kind.GOOD_NEWS),
        school=cast.school,
        templates_in=kw.pop("templates_in", {"en-gb"}),
        child_ids=[c.pk for c in children],
        **kw,
    )


# Who --------------------------------------------------------------------------------------


def test_by_default_those_with_parental_responsibility_and_no_restriction(cast, rowans):
    school_family, isla, mum, dad = rowans
    stepdad = factories.ParentCarerFactory(family=school_family.family, first_name="Callum")
    factories.ChildParentFactory(
        child=isla, parent=stepdad, relationship="step_parent", parental_responsibility=False
    )
    dad.child_links.update(restriction="No information about the children's school.")
    home = planning.household([mum, dad, stepdad])

    assert planning.default_recipients(home, [isla.pk]) == [mum.pk]


def test_a_restricted_parent_is_refused_with_the_restrictions_words(cast, rowans, templates):
    _sf, isla, mum, dad = rowans
    words = "Court order of 2 March 2026: no contact about the children's schooling."
    dad.child_links.update(restriction=words)

    made = _drafting(cast, [mum, dad], [isla])

    assert [d.parent for d in made.drafts] == [mum]
    [refused] = made.refused
    assert refused.parent == dad
    assert f"Not sent to Euan Rowan: a recorded restriction applies: “{words}”" in refused.refused
    messages = services.queue(school=cast.school, sender=cast.teacher, drafting=made)
    assert [m.parent for m in messages] == [mum]
    assert not Message.objects.filter(parent=dad).exists()


def test_an_adult_not_linked_to_the_child_is_refused(cast, rowans, templates):
    school_family, isla, mum, _dad = rowans
    neighbour = factories.ParentCarerFactory(family=school_family.family, first_name="Morag")

    made = _drafting(cast, [mum, neighbour], [isla])

    assert [p.parent for p in made.refused] == [neighbour]
    assert "is not recorded as a parent or carer of this child" in made.refused[0].refused


def test_separated_parents_each_get_their_own_message_about_their_own_children(
    cast, rowans, templates
):
    school_family, isla, mum, dad = rowans
    # Finn is Isla's half-brother: his mum is Ailsa, his father is not Euan.
    finn = factories.ChildFactory(
        school=cast.school, family=school_family.family, first_name="Finn", last_name="Rowan"
    )
    factories.ChildParentFactory(child=finn, parent=mum)
    mum.household, dad.household = "Mum's flat", "Dad's house"
    dad.preferred_channel = "email"
    for parent in (mum, dad):
        parent.save(update_fields=["household", "preferred_channel"])

    made = _drafting(cast, [mum, dad], [isla, finn])
    messages = services.queue(school=cast.school, sender=cast.teacher, drafting=made)

    assert len(messages) == 2
    by_parent = {m.parent: m for m in messages}
    to_mum, to_dad = by_parent[mum], by_parent[dad]
    assert (to_mum.to, to_dad.to) == ("ailsa@example.org", "euan@example.org")
    assert set(to_mum.children.all()) == {isla, finn}
    assert list(to_dad.children.all()) == [isla]
    assert to_mum.subject == "Good news about Isla and Finn"
    assert to_dad.subject == "Good news about Isla"
    assert "Finn" not in to_dad.body.replace(NEWS, "")
    assert "Ailsa" not in to_dad.body and "ailsa@" not in to_dad.body
    assert "Euan" not in to_mum.body


# Which way --------------------------------------------------------------------------------


def test_a_parent_who_prefers_things_spoken_gets_a_call_instead(cast, rowans, templates):
    _sf, isla, mum, _dad = rowans
    mum.reading = mum.Reading.SPOKEN
    mum.save(update_fields=["reading"])

    made = _drafting(cast, [mum], [isla])

    [draft] = made.drafts
    assert draft.plan.channel == Channel.CALL
    assert "Ailsa prefers things spoken or read with them: a phone call is offered instead." in (
        draft.plan.notes
    )
    [message] = services.queue(school=cast.school, sender=cast.teacher, drafting=made)
    assert (message.channel, message.state, message.to) == ("call", "to_call", "07700 900123")


def test_email_preferred_with_no_address_goes_another_way_with_a_note(cast, rowans):
    _sf, isla, mum, _dad = rowans
    mum.email = ""
    mum.save(update_fields=["email"])

    plan = _plan(cast, mum, [isla])

    assert plan.channel == Channel.LETTER
    assert "They prefer e-mails, but no e-mail address is held." in plan.notes
    assert "No postal address is held: the letter goes home by hand." in plan.notes


def test_the_senders_choice_of_an_open_channel_is_kept(cast, rowans):
    _sf, isla, mum, _dad = rowans

    assert _plan(cast, mum, [isla], chosen=Channel.LETTER).channel == Channel.LETTER
    # Texts are not set up: the choice is not open, the preference stands.
    assert _plan(cast, mum, [isla], chosen=Channel.TEXT).channel == Channel.EMAIL


def test_texts_go_by_text_only_when_notify_is_set_up(cast, rowans, settings):
    _sf, isla, _mum, dad = rowans
    plan = _plan(cast, dad, [isla])
    assert plan.channel == Channel.EMAIL
    assert "They prefer text messages, but texts are not set up." in plan.notes

    settings.NOTIFY_API_KEY = "x" * 74
    settings.NOTIFY_TEXT_TEMPLATE = "template"
    plan = _plan(cast, dad, [isla])
    assert (plan.channel, plan.to) == (Channel.TEXT, "07700 900456")


def test_a_stopped_email_is_not_used_unless_the_school_must_send(cast, rowans, templates):
    _sf, isla, mum, _dad = rowans
    ChannelStop.objects.create(parent=mum, channel=Channel.EMAIL, how=ChannelStop.How.LINK)

    plan = _plan(cast, mum, [isla])
    assert plan.channel == Channel.LETTER
    assert plan.stopped == [Channel.EMAIL]
    assert Channel.EMAIL not in plan.open_channels
    assert "They prefer e-mails, but they asked for no more e-mails." in plan.notes

    must = _plan(cast, mum, [isla], must_send=True)
    assert must.channel == Channel.EMAIL
    assert (
        "They asked for no more e-mails: this goes only because the school must send it."
        in must.notes
    )
    made = _drafting(cast, [mum], [isla], must_send=True)
    [message] = services.queue(
        school=cast.school,
        sender=cast.teacher,
        drafting=made,
        despite_stop="The school must tell every parent about the closure.",
    )
    assert message.channel == Channel.EMAIL
    assert message.despite_stop == "The school must tell every parent about the closure."


# Which language ---------------------------------------------------------------------------


def test_a_polish_template_is_used_for_a_parent_whose_language_is_polish(
    cast, rowans, templates, phone
):
    _sf, isla, mum, _dad = rowans
    mum.language = "Polish"
    mum.save(update_fields=["language"])
    template_make(
        Kind.GOOD_NEWS,
        "pl",
        subject="Dobre wiadomości o {child_name}",
        body="Dzień dobry {parent_name},\n\n{news}\n\nPozdrawiamy,\n{staff_name}, {school_name}",
        text="{school_name}: dobre wiadomości o {child_name}. {news}",
    )

    made = _drafting(cast, [mum], [isla])

    [draft] = made.drafts
    assert draft.plan.language == "pl"
    assert draft.subject == "Dobre wiadomości o Isla"
    assert draft.body.startswith("Dzień dobry Ailsa Rowan,")
    assert phone not in draft.body  # no interpreter line needed
    [message] = services.queue(school=cast.school, sender=cast.teacher, drafting=made)
    assert (message.language, message.interpreter_line) == ("pl", False)


def test_with_no_polish_template_english_goes_with_a_line_offering_an_interpreter(
    cast, rowans, templates, phone
):
    _sf, isla, mum, _dad = rowans
    mum.language = "Polish"
    mum.save(update_fields=["language"])

    made = _drafting(cast, [mum], [isla])

    [draft] = made.drafts
    assert draft.plan.language == "en-gb"
    assert draft.subject == "Good news about Isla"
    assert (
        "No Polish version of this message yet: it goes in English with a line in Polish "
        "offering a call with an interpreter." in draft.plan.notes
    )
    line = services.interpreter_line(mum, cast.school)
    assert phone in line
    assert draft.body.endswith("\n\n" + line)
    [message] = services.queue(school=cast.school, sender=cast.teacher, drafting=made)
    assert (message.language, message.interpreter_line) == ("en-gb", True)
    assert message.body.endswith(line)


def test_a_language_with_no_catalogue_gets_the_line_in_english(cast, rowans, templates, phone):
    _sf, isla, mum, _dad = rowans
    mum.language = "Somali"
    mum.save(update_fields=["language"])

    made = _drafting(cast, [mum], [isla])

    [draft] = made.drafts
    assert draft.body.endswith(
        "If you would like this explained in Somali, call 0131 496 0000 and we will arrange "
        "an interpreter."
    )
    assert (
        "It goes in English with a line offering a call with a Somali interpreter."
        in draft.plan.notes
    )


def test_an_english_speaker_gets_no_interpreter_line(cast, rowans, templates, phone):
    _sf, isla, mum, _dad = rowans

    [draft] = _drafting(cast, [mum], [isla]).drafts

    assert "interpreter" not in draft.body
    assert draft.plan.notes == []


def test_a_kind_with_no_english_words_cannot_be_drafted(cast, rowans):
    _sf, isla, mum, _dad = rowans
    MessageTemplate.objects.filter(kind=Kind.GOOD_NEWS).delete()
    template_make(Kind.GOOD_NEWS, "pl")
    with pytest.raises(ValidationError, match="no English words yet"):
        _drafting(cast, [mum], [isla])


# When -------------------------------------------------------------------------------------


def _london(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)  # November: London is on UTC


def test_a_time_outside_every_quiet_hour_is_kept(cast, rowans):
    _sf, _isla, mum, _dad = rowans
    when = _london(2026, 11, 18, 10, 0)

    assert planning.next_allowed(when, school=cast.school, parent=mum) == (when, "")


def test_the_parents_no_messages_before_holds_until_then(cast, rowans):
    _sf, _isla, mum, _dad = rowans
    mum.no_contact_before = dt.time(9, 0)

    at, why = planning.next_allowed(_london(2026, 11, 18, 8, 0), school=cast.school, parent=mum)

    assert at == _london(2026, 11, 18, 9, 0)
    assert why == "no messages before 09:00, as they asked"


def test_the_parents_no_messages_after_holds_until_the_next_morning(cast, rowans):
    _sf, _isla, mum, _dad = rowans
    cast.school.quiet_from = dt.time(21, 0)
    mum.no_contact_before, mum.no_contact_after = dt.time(8, 0), dt.time(19, 0)

    at, why = planning.next_allowed(_london(2026, 11, 18, 19, 30), school=cast.school, parent=mum)

    assert at == _london(2026, 11, 19, 8, 0)
    assert why == "no messages after 19:00, as they asked"


def test_school_quiet_hours_hold_a_friday_evening_message_until_monday(cast, rowans):
    _sf, _isla, mum, _dad = rowans

    at, why = planning.next_allowed(_london(2026, 11, 20, 18, 30), school=cast.school, parent=mum)

    assert at == _london(2026, 11, 23, 7, 30)
    assert why == "the school's quiet hours"


def test_quiet_hours_then_the_parents_own_hour(cast, rowans):
    _sf, _isla, mum, _dad = rowans
    mum.no_contact_before = dt.time(9, 30)

    at, why = planning.next_allowed(_london(2026, 11, 21, 12, 0), school=cast.school, parent=mum)

    assert at == _london(2026, 11, 23, 9, 30)
    assert why == "no messages before 09:30, as they asked"


def test_a_parent_who_wants_messages_only_overnight_gets_them_before_their_hour(cast, rowans):
    _sf, _isla, mum, _dad = rowans
    # Works days: nothing between 08:00 and 20:00 (not before 20:00, not after 08:00).
    mum.no_contact_before, mum.no_contact_after = dt.time(20, 0), dt.time(8, 0)

    at, why = planning.next_allowed(_london(2026, 11, 18, 10, 0), school=cast.school, parent=mum)

    # 20:00 is in the school's quiet hours, which end at 07:30: before their 08:00.
    assert at == _london(2026, 11, 19, 7, 30)
    assert why == "the school's quiet hours"
    early = _london(2026, 11, 19, 7, 45)
    assert planning.next_allowed(early, school=cast.school, parent=mum) == (early, "")
    cast.school.quiet_from = dt.time(22, 0)
    assert planning.next_allowed(_london(2026, 11, 18, 10, 0), school=cast.school, parent=mum) == (
        _london(2026, 11, 18, 20, 0),
        "no messages between 08:00 and 20:00, as they asked",
    )


def test_a_held_message_is_queued_held_with_the_reason(cast, rowans, templates, time_machine):
    _sf, isla, mum, _dad = rowans
    mum.no_contact_before = dt.time(9, 0)
    mum.save(update_fields=["no_contact_before"])
    time_machine.move_to(_london(2026, 11, 18, 8, 0), tick=False)

    [message] = services.queue(
        school=cast.school, sender=cast.teacher, drafting=_drafting(cast, [mum], [isla])
    )

    assert (message.state, message.send_after) == ("held", _london(2026, 11, 18, 9, 0))
    assert message.held_because == "no messages before 09:00, as they asked"


# Lengths and placeholders -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("a" * 160, (160, 1)),
        ("a" * 161, (161, 2)),
        ("a" * 306, (306, 2)),
        ("a" * 307, (307, 3)),
        ("€" * 80, (160, 1)),  # an extended character takes two
        ("ą" * 70, (70, 1)),
        ("ą" * 71, (71, 2)),
        ("ą" * 134, (134, 2)),
        ("ą" * 135, (135, 3)),
        ("a" * 159 + "ą", (160, 3)),  # one character outside the alphabet
    ],
)
def test_a_text_counts_its_characters_and_texts(text, counted):
    assert services.segments(text) == counted


def test_an_unknown_placeholder_is_named():
    [problem] = placeholders.problems("Dear {parent_name}, news of {chlid_name}", Kind.GOOD_NEWS)
    assert problem.startswith("{chlid_name} is not a placeholder for this kind of message.")
    assert "{child_name}" in problem


def test_a_placeholder_of_another_kind_is_refused():
    [problem] = placeholders.problems("Tell us here: {link}", Kind.GOOD_NEWS)
    assert problem.startswith("{link} is not a placeholder for this kind of message.")
    assert placeholders.problems("Tell us here: {link}", Kind.HEAR_FROM_YOU) == []


@pytest.mark.parametrize(
    "text", ["{child_name:>20}", "{child_name!r}", "{child_name.upper}", "{child_name[0]}"]
)
def test_a_format_spec_or_attribute_is_refused(text):
    [problem] = placeholders.problems(text, Kind.GOOD_NEWS)
    assert "is not a placeholder: use a plain name" in problem


@pytest.mark.parametrize("text", ["Dear {parent_name", "Dear parent_name}", "{{child_name}"])
def test_an_unclosed_brace_is_refused(text):
    assert placeholders.problems(text, Kind.GOOD_NEWS) == [
        "A brace is not closed: write placeholders as {parent_name}, or {{ for a brace."
    ]


def test_empty_braces_are_refused():
    assert placeholders.problems("Dear {}", Kind.GOOD_NEWS) == [
        "Write a placeholder's name between the braces, e.g. {parent_name}."
    ]


def test_doubled_braces_and_known_names_pass():
    assert placeholders.problems("{{not a placeholder}} {child_name}", Kind.GOOD_NEWS) == []
    assert placeholders.fill("{{x}} {child_name}", {"child_name": "Isla"}) == "{x} Isla"


def test_filling_never_evaluates_what_a_value_holds():
    filled = placeholders.fill("{news}", {"news": "{parent_name} {0.__class__}"})
    assert filled == "{parent_name} {0.__class__}"


def test_a_template_with_an_unknown_placeholder_is_refused_when_saved(db):
    template = MessageTemplate(
        kind=Kind.GOOD_NEWS,
        language="en-gb",
        subject="Good news about {child_name}",
        body="Dear {parent_name}, {chlid_name} did well.",
        text="{school_phone} {childname}",
    )

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    errors = refused.value.message_dict
    assert "{chlid_name}" in errors["body"][0]
    assert "{childname}" in errors["text"][0]
    assert "subject" not in errors


def test_a_link_in_the_subject_is_refused(db):
    template = MessageTemplate(
        kind=Kind.HEAR_FROM_YOU, language="en-gb", subject="Tell us: {link}", body="{link}"
    )

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert refused.value.message_dict["subject"] == ["The parent's link goes in the message."]


def test_a_schools_own_words_win_over_the_portals_for_that_school_only(cast, rowans, templates):
    _sf, isla, mum, _dad = rowans
    template_make(Kind.GOOD_NEWS, school=cast.school, subject="Great news about {child_name}!")

    assert services.templates_for(cast.school, Kind.GOOD_NEWS)["en-gb"].school == cast.school
    assert services.templates_for(cast.other_school, Kind.GOOD_NEWS)["en-gb"].school is None
    [draft] = _drafting(cast, [mum], [isla]).drafts
    assert draft.subject == "Great news about Isla!"

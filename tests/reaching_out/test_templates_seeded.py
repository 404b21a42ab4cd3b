"""The portal's default words (migrations 0002 and 0004): every parent kind in every language, each
valid for its kind (the placeholders admin would accept), with what each kind must carry, and
a way back that removes only these defaults. And the templates' admin: placeholders listed and
checked, a preview, the portal's words kept by superusers, a school's by its administrator, and
nothing about families (messages, letters, stops) in admin at all."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse

from portal.access import ADMINISTRATORS_GROUP
from reaching_out import placeholders
from reaching_out.models import (
    PARENT_KINDS,
    ChannelStop,
    Kind,
    LetterBatch,
    Message,
    MessageTemplate,
)
from reaching_out.services import segments
from tests import factories

seeded = importlib.import_module("reaching_out.migrations.0002_default_templates")
evenings = importlib.import_module("reaching_out.migrations.0004_evening_templates")
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SAMPLE = {
    "parent_name": "Ailsa Rowan",
    "child_name": "Robin",
    "school_name": "Castlebrae Primary",
    "school_phone": "0131 496 0000",
    "staff_name": "Ms Reid",
    "news": "Robin read a whole page aloud to the class today.",
    "words": "The school trip is on Friday.",
    "meeting_when": "Tuesday 9 December at 15:30",
    "meeting_place": "Castlebrae Primary, the family room",
    "step": "Read together for ten minutes at bedtime",
    "step_due": "19 December",
    "link": "https://portal.example.org/p/abcdefghijkl/",
    "evening_name": "Spring parents' evening",
    "evening_when": "Tuesday 24 November, 15:30–19:00",
    "book_by": "Monday 23 November, 18:00",
    "appointments": "- Tuesday 24 November, 15:30: Ms Reid (Robin), in person, Room 4",
}
MUST_CARRY = {
    Kind.GOOD_NEWS: {"news", "child_name"},
    Kind.INVITATION: {"meeting_when", "meeting_place", "link"},
    Kind.SUMMARY: {"link"},
    Kind.STEP_REMINDER: {"step"},
    Kind.HEAR_FROM_YOU: {"link"},
    Kind.FREE: {"words"},
    Kind.EVENING_INVITE: {"evening_name", "evening_when", "book_by", "link"},
    Kind.EVENING_BOOKED: {"appointments", "link"},
    Kind.EVENING_REMINDER: {"appointments", "link"},
}
# Whom to call with a question: the evenings' words give the school's number.
MUST_CARRY_IN_BODY = {
    Kind.EVENING_INVITE: {"school_phone"},
    Kind.EVENING_BOOKED: {"school_phone"},
    Kind.EVENING_REMINDER: {"school_phone"},
}


@pytest.fixture(autouse=True)
def _defaults(db):
    """The migrations' words (a test that flushed the database may have removed them)."""
    seeded.seed(apps, None)
    evenings.seed(apps, None)


def test_every_parent_kind_has_words_in_every_language():
    rows = MessageTemplate.objects.filter(school__isnull=True)
    found = {(t.kind, t.language) for t in rows}
    wanted = {(kind.value, code) for kind in PARENT_KINDS for code in LANGUAGES}
    assert wanted <= found
    assert len(wanted) == 9 * 8


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_seeded_template_is_valid_and_carries_what_its_kind_needs(language):
    for kind in PARENT_KINDS:
        template = MessageTemplate.objects.get(school=None, kind=kind, language=language)
        template.full_clean()  # the placeholders admin would accept, the lengths
        for field in ("subject", "body", "text"):
            assert not placeholders.problems(getattr(template, field), kind), field
        assert MUST_CARRY[kind] <= placeholders.used(template.body), (kind, language)
        assert MUST_CARRY[kind] <= placeholders.used(template.text), (kind, language)
        assert MUST_CARRY_IN_BODY.get(kind, set()) <= placeholders.used(template.body)
        # Signed by a person, in the school's voice, and addressed to the one parent.
        assert {"staff_name", "school_name", "parent_name"} <= placeholders.used(template.body)
        assert "{staff_name}" in template.text
        assert "{link}" not in template.subject
        # A few short paragraphs.
        assert 2 <= template.body.count("\n\n") <= 7
        filled = placeholders.fill(template.body, SAMPLE)
        assert "{" not in filled and "}" not in filled


@pytest.mark.parametrize("language", LANGUAGES)
def test_texts_are_short(language):
    for kind in PARENT_KINDS:
        template = MessageTemplate.objects.get(school=None, kind=kind, language=language)
        _chars, texts = segments(placeholders.fill(template.text, SAMPLE))
        limit = 2 if kind == Kind.GOOD_NEWS and language == "en-gb" else 4
        assert texts <= limit, (kind, language, texts)


def test_going_back_removes_only_the_defaults():
    school = factories.SchoolFactory()
    own = MessageTemplate.objects.create(
        school=school,
        kind=Kind.GOOD_NEWS,
        language="en-gb",
        subject="Great news",
        body="Dear {parent_name}, {news} {staff_name}",
    )

    evenings.unseed(apps, None)
    assert MessageTemplate.objects.filter(school__isnull=True).count() == 48
    assert not MessageTemplate.objects.filter(kind__startswith="evening_").exists()
    seeded.unseed(apps, None)

    assert list(MessageTemplate.objects.all()) == [own]
    seeded.seed(apps, None)
    assert MessageTemplate.objects.filter(school__isnull=True).count() == 48
    evenings.seed(apps, None)
    assert MessageTemplate.objects.filter(school__isnull=True).count() == 72
    # Seeding again changes nothing (an administrator's edits to a default are kept).
    MessageTemplate.objects.filter(school=None, kind=Kind.FREE, language="pl").update(
        subject="Wiadomość ze szkoły: {school_name}"
    )
    seeded.seed(apps, None)
    evenings.seed(apps, None)
    assert MessageTemplate.objects.filter(school__isnull=True).count() == 72
    assert MessageTemplate.objects.get(school=None, kind=Kind.FREE, language="pl").subject == (
        "Wiadomość ze szkoły: {school_name}"
    )


# Admin ---------------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def school_admin(cast):
    """The cast's administrator, administering the school, with the templates' permissions."""
    group = Group.objects.get(name=ADMINISTRATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reaching_out", content_type__model="messagetemplate"
        )
    )
    cast.school.administrators.add(cast.admin)
    return cast.admin


def _default(kind=Kind.INVITATION, language="en-gb"):
    return MessageTemplate.objects.get(school=None, kind=kind, language=language)


def _data(template, **changes):
    data = {
        "school": template.school_id or "",
        "kind": template.kind,
        "language": template.language,
        "subject": template.subject,
        "body": template.body,
        "text": template.text,
    }
    data.update(changes)
    return data


def test_only_templates_are_in_admin():
    assert MessageTemplate in admin.site._registry
    for model in (Message, LetterBatch, ChannelStop):
        assert model not in admin.site._registry
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:reaching_out_{model._meta.model_name}_changelist")


def test_the_change_page_lists_the_placeholders_and_previews_the_words(login, superuser):
    template = _default(Kind.INVITATION)
    page = login(superuser).get(
        reverse("admin:reaching_out_messagetemplate_change", args=[template.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "<code>{meeting_place}</code>" in text and "<code>{news}</code>" not in text
    # The preview: sample values filled in, the parent's link included.
    assert "Dear Ailsa Rowan," in text and "Tuesday 9 December at 15:30" in text
    assert "https://portal.example.org/p/sample-link/" in text
    assert "{parent_name}" in text  # the words themselves, in the form


def test_an_unknown_placeholder_is_refused_and_nothing_saved(login, superuser):
    template = _default(Kind.GOOD_NEWS)
    before = template.body
    url = reverse("admin:reaching_out_messagetemplate_change", args=[template.pk])
    response = login(superuser).post(
        url, _data(template, body="Dear {parent_name}, {chlid_name} did well. {staff_name}")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "{chlid_name} is not a placeholder for this kind of message" in str(errors["body"])
    template.refresh_from_db()
    assert template.body == before


def test_a_superuser_changes_the_portals_words(login, superuser):
    template = _default(Kind.FREE, "cy")
    url = reverse("admin:reaching_out_messagetemplate_change", args=[template.pk])
    response = login(superuser).post(url, _data(template, subject="Neges: {school_name}"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Neges: {school_name}"


def test_a_school_administrator_keeps_their_schools_words_only(login, school_admin, cast):
    client = login(school_admin)
    default = _default(Kind.GOOD_NEWS)
    theirs = MessageTemplate.objects.create(
        school=cast.other_school,
        kind=Kind.GOOD_NEWS,
        language="en-gb",
        subject="Hillside news",
        body="Dear {parent_name}, {news} {staff_name}",
    )
    listing = client.get(reverse("admin:reaching_out_messagetemplate_changelist"))
    assert listing.status_code == 200
    assert "Good news about {child_name}" in listing.content.decode()  # read, to copy from
    assert "Hillside news" not in listing.content.decode()
    change = reverse("admin:reaching_out_messagetemplate_change", args=[default.pk])
    client.post(change, _data(default, subject="Changed by a school"))
    default.refresh_from_db()
    assert default.subject == "Good news about {child_name}"
    other = reverse("admin:reaching_out_messagetemplate_change", args=[theirs.pk])
    assert client.get(other).status_code == 302  # not theirs: back to the list
    assert not MessageTemplate.objects.filter(subject="Changed by a school").exists()

    add = reverse("admin:reaching_out_messagetemplate_add")
    words = {
        "kind": Kind.GOOD_NEWS,
        "language": "en-gb",
        "subject": "Well done, {child_name}!",
        "body": "Dear {parent_name},\n\n{news}\n\n{staff_name}, {school_name}",
        "text": "",
    }
    # A new default is not theirs to make; another school's words neither.
    response = client.post(add, {**words, "school": ""})
    assert response.status_code == 200 and "Choose your school" in response.content.decode()
    response = client.post(add, {**words, "school": cast.other_school.pk})
    assert response.status_code == 200
    response = client.post(add, {**words, "school": "99999999999999999999"})
    assert response.status_code == 200  # a wrong choice, said so, not a database error
    assert not MessageTemplate.objects.filter(subject="Well done, {child_name}!").exists()
    response = client.post(add, {**words, "school": cast.school.pk})
    assert response.status_code == 302
    assert MessageTemplate.objects.get(subject="Well done, {child_name}!").school == cast.school

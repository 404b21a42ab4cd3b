"""A parent keeps their own contact preferences up to date through their link: they see only
their own details; what they change waits, beside what is held, for a member of staff who may
edit the family's parents to accept it (then kept in the parent's history) or not."""

import pytest
from django.test import Client
from django.urls import reverse

from families.models import ParentCarer
from family_voice.models import PreferenceChange, Purpose
from tests import factories
from tests.family_voice.conftest import link_path, make_link, pass_check

WAITING = PreferenceChange.Status.WAITING


def _answers(parent, **changes):
    """The form as sent with nothing changed, then `changes`."""
    data = {
        "preferred_channel": parent.preferred_channel,
        "phone": parent.phone,
        "email": parent.email,
        "good_times": parent.good_times,
        "language": parent.language,
        "reading": parent.reading,
        "transport_needs": parent.transport_needs,
        "work_pattern": parent.work_pattern,
        "dates_to_avoid": parent.dates_to_avoid,
        "good_places": parent.good_places,
        "note": "",
    }
    if parent.interpreter_needed:
        data["interpreter_needed"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def mums_page(cast, fam):
    """(client that passed the check on mum's preferences link, its path, mum)."""
    _school_family, mum, dad, _meeting = fam
    mum.phone, mum.good_times = "07700 900111", "Mornings"
    mum.save()
    dad.phone, dad.good_times = "07700 900999", "Saturday lunchtimes"
    dad.save()
    made = make_link(cast, mum, Purpose.PREFERENCES)
    client = Client()
    page = pass_check(client, made.url)
    return client, link_path(made.url), mum, page


def _ask(cast, fam, **changes):
    """Mum asks for changes through her link (passing the check on a fresh phone)."""
    mum = fam[1]
    made = make_link(cast, mum, Purpose.PREFERENCES)
    client = Client()
    pass_check(client, made.url)
    return client.post(link_path(made.url), _answers(mum, **changes))


def _teaches(cast, fam):
    """The teacher teaches the family's child, so sees the family (but edits no parent)."""
    group = factories.ClassGroupFactory(school=cast.school)
    group.staff.add(cast.teacher)
    fam[0].family.children.update(class_group=group)


def test_the_parent_sees_only_their_own_details(mums_page):
    _client, _path, _mum, page = mums_page
    text = page.text
    assert page.status_code == 200
    assert "Hello Ailsa" in text and "07700 900111" in text and "ailsa@example.org" in text
    assert "Mornings" in text
    # Never another adult's details, nor the children's.
    assert "07700 900999" not in text and "euan@example.org" not in text
    assert "Saturday lunchtimes" not in text and "Euan" not in text
    assert "Isla" not in text
    assert "Would you like us to read letters with you or phone instead of writing?" in text


def test_the_page_asks_the_second_check_first(cast, fam, client):
    made = make_link(cast, fam[1], Purpose.PREFERENCES)
    page = client.get(link_path(made.url))
    assert reverse("family_voice:check", args=[link_path(made.url).split("/")[2]]) in page.text
    assert "ailsa@example.org" not in page.text and "Your phone number" not in page.text
    posted = client.post(link_path(made.url), _answers(fam[1], phone="07700 900222"))
    assert posted.status_code == 302
    assert not PreferenceChange.objects.exists()


def test_a_change_waits_and_does_not_touch_the_parents_record(mums_page):
    client, path, mum, _page = mums_page
    response = client.post(
        path,
        _answers(
            mum,
            phone="07700 900222",
            reading="spoken",
            interpreter_needed="on",
            note="Texts are best after 3.",
        ),
    )
    assert response.status_code == 200
    assert "Thank you. The school will check these changes and update your details." in (
        response.text
    )
    assert "07700 900222" in response.text  # what is waiting is shown
    change = PreferenceChange.objects.get()
    assert change.status == WAITING and change.parent == mum and change.family == mum.family
    # Only what differs, as JSON-safe strings and booleans.
    assert change.proposed == {
        "phone": "07700 900222",
        "interpreter_needed": True,
        "reading": "spoken",
    }
    assert change.note == "Texts are best after 3."
    held = ParentCarer.objects.get(pk=mum.pk)
    assert (held.phone, held.reading, held.interpreter_needed) == (
        "07700 900111",
        "confident",
        False,
    )
    # Their own write, through their link: no member of staff named in its history.
    assert change.history.first().history_user is None


def test_asking_again_replaces_what_waits(mums_page):
    client, path, mum, _page = mums_page
    client.post(path, _answers(mum, phone="07700 900222"))
    page = client.get(path)
    # The form keeps what they asked for, so asking again does not drop it.
    assert 'value="07700 900222"' in page.text
    assert "The school has not checked them yet" in page.text
    client.post(path, _answers(mum, phone="07700 900222", good_times="Evenings"))
    change = PreferenceChange.objects.get()
    assert change.proposed == {"phone": "07700 900222", "good_times": "Evenings"}


def test_asking_for_nothing_takes_a_waiting_change_back(mums_page):
    client, path, mum, _page = mums_page
    client.post(path, _answers(mum, phone="07700 900222"))
    response = client.post(path, _answers(mum))
    assert "Nothing is waiting now" in response.text
    change = PreferenceChange.objects.get()
    assert change.status == PreferenceChange.Status.DECLINED
    assert not PreferenceChange.objects.filter(status=WAITING).exists()
    assert client.post(path, _answers(mum)).text.count("You have not changed anything.") == 1
    assert PreferenceChange.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not an address"}, "Write the email address like this"),
        ({"phone": "call me maybe"}, "Use numbers only"),
        ({"good_times": "x" * 201}, "Please use fewer words here."),
        ({"reading": "<script>"}, "Choose one of the answers in the list."),
        ({"language": ""}, "Tell us which language suits you."),
        ({"note": "y" * 1001}, "1000 letters at most"),
    ],
)
def test_bad_input_is_said_next_to_the_field_and_nothing_is_saved(mums_page, changes, message):
    client, path, mum, _page = mums_page
    response = client.post(path, _answers(mum, **changes))
    assert response.status_code == 400
    assert message in response.text
    assert not PreferenceChange.objects.exists()
    if "email" in changes:
        assert 'value="not an address"' in response.text  # kept as typed


def _accept_url(change):
    return reverse("family_voice:preference-accept", args=[change.pk])


def _decline_url(change):
    return reverse("family_voice:preference-decline", args=[change.pk])


def test_accepting_applies_the_change_and_the_parents_history_names_who(cast, fam, login):
    _ask(cast, fam, phone="07700 900222", email="ailsa.rowan@example.org", reading="support")
    change = PreferenceChange.objects.get()
    response = login(cast.pastoral).post(_accept_url(change))
    assert response.status_code == 302
    mum = ParentCarer.objects.get(pk=fam[1].pk)
    assert (mum.phone, mum.email, mum.reading) == (
        "07700 900222",
        "ailsa.rowan@example.org",
        "support",
    )
    latest = mum.history.first()
    assert latest.history_user == cast.pastoral and latest.phone == "07700 900222"
    change.refresh_from_db()
    assert change.status == PreferenceChange.Status.ACCEPTED
    assert change.decided_by == cast.pastoral and change.decided_at is not None
    # Accepting twice changes nothing more.
    again = login(cast.pastoral).post(_accept_url(change))
    assert again.status_code == 302
    assert mum.history.count() == ParentCarer.objects.get(pk=mum.pk).history.count()


def test_accepting_checks_the_values_again(cast, fam, login):
    mum = fam[1]
    change = PreferenceChange.objects.create(
        school=cast.school,
        family=mum.family,
        parent=mum,
        proposed={"email": "not-an-email", "reading": "shouting", "interpreter_needed": "yes"},
    )
    response = login(cast.pastoral).post(_accept_url(change))
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert "is not a valid choice" in response.text
    assert "Not a yes or no." in response.text
    assert ParentCarer.objects.get(pk=mum.pk).email == "ailsa@example.org"
    change.refresh_from_db()
    assert change.status == WAITING


def test_not_now_leaves_the_record_and_keeps_the_reason(cast, fam, login):
    _ask(cast, fam, phone="07700 900222")
    change = PreferenceChange.objects.get()
    client = login(cast.headteacher)
    refused = client.post(_decline_url(change), {"reason": ""})
    assert refused.status_code == 400
    assert "Say briefly why this change is not taken on now." in refused.text
    assert PreferenceChange.objects.get().status == WAITING
    response = client.post(_decline_url(change), {"reason": "Phoned her: the old number is right."})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == PreferenceChange.Status.DECLINED
    assert change.decline_reason == "Phoned her: the old number is right."
    assert change.decided_by == cast.headteacher
    assert ParentCarer.objects.get(pk=fam[1].pk).phone == ""


def test_a_teacher_who_may_not_edit_parents_is_refused(cast, fam, login):
    _teaches(cast, fam)
    _ask(cast, fam, phone="07700 900222")
    change = PreferenceChange.objects.get()
    client = login(cast.teacher)
    assert client.get(reverse("families:family-detail", args=[fam[0].family_id])).status_code == 200
    assert client.post(_accept_url(change)).status_code == 403
    assert client.post(_decline_url(change), {"reason": "No"}).status_code == 403
    review = reverse("family_voice:preference-review", args=[change.pk])
    assert client.get(review).status_code == 403
    assert ParentCarer.objects.get(pk=fam[1].pk).phone == ""
    assert PreferenceChange.objects.get().status == WAITING


@pytest.mark.parametrize("who", ["outsider_pastoral", "outsider_headteacher"])
def test_another_schools_staff_get_404(cast, fam, login, who):
    _ask(cast, fam, phone="07700 900222")
    change = PreferenceChange.objects.get()
    client = login(getattr(cast, who))
    assert client.post(_accept_url(change)).status_code == 404
    assert (
        client.get(reverse("family_voice:preference-review", args=[change.pk])).status_code == 404
    )
    assert PreferenceChange.objects.get().status == WAITING


def test_the_key_contact_may_accept(cast, fam, login):
    _teaches(cast, fam)
    fam[0].key_contact = cast.teacher
    fam[0].save()
    _ask(cast, fam, good_times="Evenings")
    change = PreferenceChange.objects.get()
    assert login(cast.teacher).post(_accept_url(change)).status_code == 302
    assert ParentCarer.objects.get(pk=fam[1].pk).good_times == "Evenings"


def test_the_family_page_shows_each_change_side_by_side(cast, fam, login):
    _teaches(cast, fam)
    _ask(cast, fam, phone="07700 900222", note="Texts are best after 3.")
    url = reverse("families:family-detail", args=[fam[0].family_id])
    text = login(cast.pastoral).get(url).text
    assert "Changes parents have asked for" in text
    block = text.split('id="preference-changes"', 1)[1].split("</section>", 1)[0]
    assert "What we hold" in block and "What they asked for" in block
    assert "(nothing)" in block and "07700 900222" in block
    assert "In Ailsa Rowan's own words, through their link" in block
    assert "Texts are best after 3." in block
    assert _accept_url(PreferenceChange.objects.get()) in block
    # A teacher who may not edit the parents is told, without the values.
    teacher_text = login(cast.teacher).get(url).text
    teacher_block = teacher_text.split('id="preference-changes"', 1)[1].split("</section>", 1)[0]
    assert "Ailsa Rowan has asked to change" in teacher_block
    assert "07700 900222" not in teacher_block


def test_no_block_while_nothing_waits(cast, fam, login):
    url = reverse("families:family-detail", args=[fam[0].family_id])
    assert "Changes parents have asked for" not in login(cast.pastoral).get(url).text


def test_the_family_page_reads_the_changes_in_a_fixed_number_of_queries(
    cast, fam, login, django_assert_max_num_queries
):
    url = reverse("families:family-detail", args=[fam[0].family_id])
    client = login(cast.pastoral)
    counts = []
    for n in (2, 6):
        while PreferenceChange.objects.count() < n:
            parent = factories.ParentCarerFactory(family=fam[0].family)
            PreferenceChange.objects.create(
                school=cast.school,
                family=parent.family,
                parent=parent,
                proposed={"phone": "07700 900333"},
            )
        client.get(url)  # warm
        with django_assert_max_num_queries(80) as captured:
            assert client.get(url).text.count('data-testid="preference-change"') == n
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_key_contacts_home_page_says_changes_wait(cast, fam, login):
    _teaches(cast, fam)
    fam[0].key_contact = cast.teacher
    fam[0].save()
    _ask(cast, fam, phone="07700 900222")
    text = login(cast.teacher).get(reverse("home")).text
    assert "Parents have asked to change their details (1)" in text
    assert reverse("families:family-detail", args=[fam[0].family_id]) in text
    # Not the key contact: no panel.
    assert "Parents have asked to change their details" not in (
        login(cast.pastoral).get(reverse("home")).text
    )

"""Writing to a family's adults from the staff pages: who it goes to by default, a preview of
each person's own message before anything is queued, the sender's edits kept, a restriction
refused with its words, and a form sent twice queuing once."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from families.models import Contact
from reaching_out import services
from reaching_out.models import Message
from tests import factories


@pytest.fixture
def taught(cast, rowans):
    """Isla is in the cast's teacher's class, so the teacher works with her family."""
    school_family, isla, mum, dad = rowans
    group = factories.ClassGroupFactory(school=cast.school, name="P4R")
    group.staff.add(cast.teacher)
    isla.class_group = group
    isla.save()
    return group


def _url(family_pk, query=""):
    return reverse("reaching_out:write", args=[family_pk]) + query


def _preview_data(isla, parents, news="Isla read her story to the whole class."):
    return {
        "action": "preview",
        "kind": "good_news",
        "children": [isla.pk],
        "parents": [p.pk for p in parents],
        "words": news,
    }


def test_the_form_offers_each_adult_and_says_who_a_restriction_covers(
    login, cast, rowans, taught, templates, school_day
):
    school_family, isla, mum, dad = rowans
    step = factories.ParentCarerFactory(family=school_family.family, first_name="Gary")
    factories.ChildParentFactory(child=isla, parent=step, restriction="Court order: no contact")
    page = login(cast.teacher).get(
        _url(school_family.family_id, f"?kind=good_news&child={isla.pk}")
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Ailsa Rowan" in text and "Euan Rowan" in text
    assert "Court order: no contact" in text and "nothing will be sent to them" in text
    # Ticked by default: those with parental responsibility and no restriction.
    form = page.context["form"]
    assert set(form.initial["parents"]) == {mum.pk, dad.pk}


def test_the_preview_shows_each_adults_own_message_and_queues_nothing(
    login, cast, rowans, taught, templates, school_day
):
    school_family, isla, mum, dad = rowans
    client = login(cast.teacher)
    page = client.post(_url(school_family.family_id), _preview_data(isla, [mum, dad]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "To Ailsa Rowan" in text and "To Euan Rowan" in text
    assert "Isla read her story to the whole class." in text
    assert not Message.objects.exists()


def test_sending_queues_one_message_each_with_the_senders_edits_kept(
    login,
    cast,
    rowans,
    taught,
    templates,
    school_day,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    school_family, isla, mum, dad = rowans
    client = login(cast.teacher)
    data = _preview_data(isla, [mum])
    page = client.post(_url(school_family.family_id), data)
    [(draft, form)] = page.context["drafts"]
    data.update(
        {
            "action": "send",
            f"draft-{mum.pk}-channel": "email",
            f"draft-{mum.pk}-subject": "Isla's story",
            f"draft-{mum.pk}-body": form.initial["body"] + "\n\nShe was very proud.",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(school_family.family_id), data)
    assert response.status_code == 302
    [message] = Message.objects.all()
    assert message.parent == mum and message.edited and message.subject == "Isla's story"
    assert "She was very proud." in message.body
    # The immediate task backend sent it at commit: it arrived, and it is a positive contact.
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    [email] = mailoutbox
    assert email.to == ["ailsa@example.org"] and email.subject == "Isla's story"
    contact = Contact.objects.get(pk=message.contact_id)
    assert contact.tone == "positive" and contact.channel == "email"
    assert list(contact.parents.all()) == [mum] and list(contact.children.all()) == [isla]
    assert AccessLog.objects.filter(action="send", object_id=message.pk, user=cast.teacher).exists()


def test_a_restricted_adult_posted_by_hand_gets_nothing(
    login, cast, rowans, taught, templates, school_day
):
    school_family, isla, mum, dad = rowans
    step = factories.ParentCarerFactory(
        family=school_family.family, first_name="Gary", email="gary@example.org"
    )
    factories.ChildParentFactory(child=isla, parent=step, restriction="Court order: no contact")
    client = login(cast.teacher)
    page = client.post(_url(school_family.family_id), _preview_data(isla, [mum, step]))
    text = page.content.decode()
    assert "Court order: no contact" in text and "To Gary" not in text
    data = _preview_data(isla, [mum, step])
    data.update(
        {
            "action": "send",
            f"draft-{mum.pk}-channel": "email",
            f"draft-{mum.pk}-subject": "Good news",
            f"draft-{mum.pk}-body": "Hello",
        }
    )
    client.post(_url(school_family.family_id), data)
    assert list(Message.objects.values_list("parent_id", flat=True)) == [mum.pk]


def test_good_news_needs_the_news_and_a_child(login, cast, rowans, taught, templates):
    school_family, isla, mum, dad = rowans
    page = login(cast.teacher).post(
        _url(school_family.family_id),
        {"action": "preview", "kind": "good_news", "parents": [mum.pk], "words": ""},
    )
    form = page.context["form"]
    assert "Write the good news itself." in form.errors["words"]
    assert "Choose the child the good news is about." in form.errors["children"]
    assert not Message.objects.exists()


def test_a_teacher_who_does_not_work_with_the_family_cannot_write(login, cast, rowans, templates):
    school_family, *_ = rowans
    assert login(cast.teacher).get(_url(school_family.family_id)).status_code == 404
    assert login(cast.outsider_teacher).get(_url(school_family.family_id)).status_code in (403, 404)


def test_sent_twice_queues_once(login, cast, rowans, taught, templates, school_day):
    school_family, isla, mum, dad = rowans
    client = login(cast.teacher)
    page = client.post(_url(school_family.family_id), _preview_data(isla, [mum]))
    token = page.content.decode().split('name="form_token" value="')[1].split('"')[0]
    data = _preview_data(isla, [mum])
    data.update(
        {
            "action": "send",
            "form_token": token,
            f"draft-{mum.pk}-channel": "letter",
            f"draft-{mum.pk}-subject": "Good news",
            f"draft-{mum.pk}-body": "Hello",
        }
    )
    client.post(_url(school_family.family_id), data)
    client.post(_url(school_family.family_id), data)
    [message] = Message.objects.all()
    assert message.channel == "letter" and message.state == Message.State.TO_PRINT


def test_the_family_page_shows_the_messages_and_the_way_to_write(
    login, cast, rowans, taught, templates, school_day
):
    school_family, isla, mum, dad = rowans
    result = services.drafting(
        school=cast.school,
        sender=cast.teacher,
        kind="good_news",
        parents=[mum],
        children=[isla],
        words="A lovely painting.",
    )
    services.queue(school=cast.school, sender=cast.teacher, drafting=result)
    page = login(cast.teacher).get(
        reverse("families:family-detail", args=[school_family.family_id])
    )
    text = page.content.decode()
    assert 'id="messages"' in text and "Good news</a> to Ailsa Rowan by e-mail" in text
    assert "Write to the family" in text


def test_a_meetings_own_decision_to_invite_despite_a_restriction_is_honoured(
    cast, rowans, templates, school_day, smtp_server
):
    """Planning refuses a restricted adult, except for the messages of a meeting where a member
    of staff decided, with a reason, to invite them (the meeting plan's rule); and the worker
    honours the same rule when it sends."""
    from django.utils import timezone

    school_family, isla, mum, dad = rowans
    words = "Letters about Isla only, by court order"
    factories.ChildParentFactory._meta.model.objects.filter(parent=dad).update(restriction=words)
    meeting = factories.MeetingFactory(
        school=cast.school,
        family=school_family.family,
        chair=cast.pastoral,
        starts_at=timezone.now() + timezone.timedelta(days=5),
    )
    meeting.children.add(isla)
    factories.MeetingParentFactory(
        meeting=meeting,
        parent=dad,
        override_reason="Both parents are to be invited",
        override_by=cast.pastoral,
        override_at=timezone.now(),
        override_restriction=words,
    )
    good_news = services.drafting(
        school=cast.school,
        sender=cast.pastoral,
        kind="good_news",
        parents=[dad],
        children=[isla],
        words="A good week.",
    )
    assert good_news.refused and words in good_news.refused[0].refused
    invitation = services.drafting(
        school=cast.school,
        sender=cast.pastoral,
        kind="invitation",
        parents=[dad],
        children=[isla],
        meeting=meeting,
        chosen={dad.pk: "email"},
    )
    assert not invitation.refused and invitation.drafts[0].parent == dad
    [message] = services.queue(
        school=cast.school, sender=cast.pastoral, drafting=invitation, meeting=meeting
    )
    services.send_due()
    message.refresh_from_db()
    assert message.state == Message.State.SENT, message.failure
    assert smtp_server.to("euan@example.org")


def test_a_polish_invitation_gives_the_day_in_polish(cast, rowans, templates, school_day):
    import datetime as dt

    from django.utils import timezone

    from tests.reaching_out.conftest import template_make

    school_family, isla, mum, dad = rowans
    mum.language = "Polish"
    mum.save()
    template_make(
        "invitation",
        "pl",
        subject="Zaproszenie",
        body="Dzień dobry {parent_name}, zapraszamy na spotkanie: {meeting_when}. {link}",
        text="Spotkanie: {meeting_when}. {link}",
    )
    meeting = factories.MeetingFactory(
        school=cast.school,
        family=school_family.family,
        chair=cast.pastoral,
        starts_at=timezone.make_aware(dt.datetime(2026, 11, 24, 15, 30)),
    )
    meeting.children.add(isla)
    factories.MeetingParentFactory(meeting=meeting, parent=mum)
    result = services.drafting(
        school=cast.school,
        sender=cast.pastoral,
        kind="invitation",
        parents=[mum],
        children=[isla],
        meeting=meeting,
    )
    [draft] = result.drafts
    assert draft.plan.language == "pl"
    assert "wtorek 24 listopada, 15:30" in draft.body.lower()

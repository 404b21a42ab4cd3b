"""The outbox and what staff do with one message: the list (its queries do not grow with the
messages), a call made, a failed message tried another way, letters printed and posted, good
news for a class (each child's own news), a parent's stop, and Notify's signed callbacks."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Contact
from reaching_out import services
from reaching_out.models import ChannelStop, Message
from tests import factories


def _message(cast, parent, *, by=None, state="queued", channel="email", **fields):
    return Message.objects.create(
        school=cast.school,
        family=parent.family,
        parent=parent,
        kind=fields.pop("kind", "good_news"),
        channel=channel,
        subject=fields.pop("subject", "Good news about Isla"),
        body=fields.pop("body", "Isla read her story to the class."),
        to=fields.pop("to", parent.email),
        sent_by=by or cast.pastoral,
        send_after=timezone.now(),
        state=state,
        **fields,
    )


@pytest.fixture
def taught(cast, rowans):
    school_family, isla, mum, dad = rowans
    group = factories.ClassGroupFactory(school=cast.school, name="P4R")
    group.staff.add(cast.teacher)
    isla.class_group = group
    isla.save()
    return group


def test_the_outbox_reads_the_same_queries_for_few_or_many(
    login, cast, rowans, django_assert_max_num_queries
):
    school_family, isla, mum, dad = rowans
    client = login(cast.pastoral)
    for _ in range(3):
        _message(cast, mum)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("reaching_out:outbox")).status_code == 200
    for _ in range(40):
        _message(cast, dad, state="failed", failure="The e-mail server refused the address.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("reaching_out:outbox"))
    text = page.content.decode()
    assert "Euan Rowan" in text and "The e-mail server refused the address." in text
    assert "Page 1 of 1" not in text or "Next" not in text


def test_a_teacher_sees_only_their_own_messages(login, cast, rowans, taught):
    school_family, isla, mum, dad = rowans
    mine = _message(cast, mum, by=cast.teacher, subject="Mine")
    theirs = _message(cast, dad, by=cast.pastoral, subject="Theirs")
    client = login(cast.teacher)
    page = client.get(reverse("reaching_out:outbox")).content.decode()
    assert reverse("reaching_out:message", args=[mine.pk]) in page
    assert reverse("reaching_out:message", args=[theirs.pk]) not in page
    assert client.get(reverse("reaching_out:message", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reaching_out:message", args=[mine.pk])).status_code == 200


def test_a_call_made_becomes_a_contact_under_who_called(login, cast, rowans):
    school_family, isla, mum, dad = rowans
    call = _message(cast, mum, state="to_call", channel="call")
    call.children.add(isla)
    client = login(cast.pastoral)
    page = client.get(reverse("reaching_out:message", args=[call.pk])).content.decode()
    assert "I made the call" in page
    client.post(reverse("reaching_out:call-made", args=[call.pk]), {"note": "Mum was delighted."})
    call.refresh_from_db()
    assert call.state == Message.State.SENT
    contact = Contact.objects.get(pk=call.contact_id)
    assert contact.channel == "phone" and contact.staff == cast.pastoral
    assert "Mum was delighted." in contact.summary and contact.tone == "positive"


def test_a_failure_says_why_and_can_go_another_way(login, cast, rowans, templates):
    school_family, isla, mum, dad = rowans
    failed = _message(
        cast,
        mum,
        state="failed",
        failure="The e-mail server refused the address. You could try a letter or a phone call.",
    )
    client = login(cast.pastoral)
    page = client.get(reverse("reaching_out:message", args=[failed.pk])).content.decode()
    assert "You could try a letter or a phone call." in page and "Send it another way" in page
    response = client.post(
        reverse("reaching_out:another-way", args=[failed.pk]), {"channel": "letter"}
    )
    again = Message.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and again.channel == "letter"
    assert again.state == Message.State.TO_PRINT and again.body == failed.body
    failed.refresh_from_db()
    assert failed.state == Message.State.FAILED


def test_cancelling_a_waiting_message(login, cast, rowans):
    school_family, isla, mum, dad = rowans
    held = _message(cast, mum, state="held", held_because="the school's quiet hours")
    login(cast.pastoral).post(reverse("reaching_out:message-cancel", args=[held.pk]))
    held.refresh_from_db()
    assert held.state == Message.State.CANCELLED


def test_letters_print_as_one_batch_and_posting_logs_each(login, cast, rowans):
    school_family, isla, mum, dad = rowans
    mum.postal_address = "12 Rowan Road\nRiverside"
    mum.save()
    first = _message(cast, mum, state="to_print", channel="letter", to=mum.postal_address)
    second = _message(cast, dad, state="to_print", channel="letter", to="")
    client = login(cast.pastoral)
    page = client.get(reverse("reaching_out:letters")).content.decode()
    assert "Print 2 letters as one PDF" in page and "no postal address held" in page
    client.post(reverse("reaching_out:letters"))
    first.refresh_from_db()
    batch = first.batch
    assert batch is not None and first.state == Message.State.PRINTED
    pdf = client.get(reverse("reaching_out:batch-pdf", args=[batch.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.post(reverse("reaching_out:batch-posted", args=[batch.pk]))
    for letter in (first, second):
        letter.refresh_from_db()
        assert letter.state == Message.State.SENT
        assert Contact.objects.get(pk=letter.contact_id).channel == "letter"
    # Posting again changes nothing.
    client.post(reverse("reaching_out:batch-posted", args=[batch.pk]))
    assert Contact.objects.filter(channel="letter").count() == 2


def test_a_teacher_does_not_run_the_letters(login, cast):
    assert login(cast.teacher).get(reverse("reaching_out:letters")).status_code == 403


# Good news for a class -------------------------------------------------------------------


@pytest.fixture
def class_of_three(cast, rowans, taught):
    school_family, isla, mum, dad = rowans
    pupils = [isla]
    for name, parent_name in (("Omar", "Samira"), ("Zofia", "Kasia")):
        sf = factories.SchoolFamilyFactory(school=cast.school, family__name=f"Family {name}")
        child = factories.ChildFactory(
            school=cast.school, family=sf.family, first_name=name, class_group=taught
        )
        parent = factories.ParentCarerFactory(
            family=sf.family,
            first_name=parent_name,
            email=f"{parent_name.lower()}@example.org",
            preferred_channel="email",
        )
        factories.ChildParentFactory(child=child, parent=parent)
        pupils.append(child)
    return taught, pupils


def _rows(pupils, news: dict):
    data = {"news-TOTAL_FORMS": str(len(pupils)), "news-INITIAL_FORMS": str(len(pupils))}
    for i, child in enumerate(pupils):
        data[f"news-{i}-child"] = str(child.pk)
        if child.first_name in news:
            data[f"news-{i}-send"] = "on"
            data[f"news-{i}-news"] = news[child.first_name]
    return data


def test_good_news_for_a_class_names_each_childs_own_news(
    login, cast, class_of_three, templates, school_day
):
    group, pupils = class_of_three
    client = login(cast.teacher)
    page = client.get(reverse("reaching_out:good-news")).content.decode()
    assert "Omar" in page and "Zofia" in page and "Isla" in page
    news = {"Isla": "Isla read her story aloud.", "Omar": "Omar helped a new pupil settle in."}
    data = {"class": group.pk, "action": "preview", **_rows(pupils, news)}
    preview = client.post(reverse("reaching_out:good-news"), data).content.decode()
    assert (
        "Omar helped a new pupil settle in." in preview and "Isla read her story aloud." in preview
    )
    assert "To Samira" in preview and "To Kasia" not in preview
    assert not Message.objects.exists()
    data["action"] = "send"
    client.post(reverse("reaching_out:good-news"), data)
    messages = Message.objects.select_related("parent")
    by_parent = {m.parent.first_name: m for m in messages}
    assert set(by_parent) == {"Ailsa", "Euan", "Samira"}
    assert "Omar helped a new pupil settle in." in by_parent["Samira"].body
    assert "Isla" not in by_parent["Samira"].body
    assert "Omar" not in by_parent["Ailsa"].body


def test_a_ticked_child_without_news_is_sent_back_with_nothing_queued(
    login, cast, class_of_three, templates
):
    group, pupils = class_of_three
    data = {"class": group.pk, "action": "preview", **_rows(pupils, {"Omar": ""})}
    page = login(cast.teacher).post(reverse("reaching_out:good-news"), data).content.decode()
    assert "Write this child&#x27;s own news, or untick them." in page
    assert not Message.objects.exists()


def test_the_class_preview_reads_the_same_queries_for_more_pupils(
    login, cast, class_of_three, templates, django_assert_max_num_queries
):
    group, pupils = class_of_three
    client = login(cast.teacher)
    data = {"class": group.pk, "action": "preview", **_rows(pupils[:1], {"Isla": "Good day."})}
    data["news-0-child"] = str(pupils[0].pk)
    with django_assert_max_num_queries(40) as one:
        client.post(reverse("reaching_out:good-news"), data)
    for i in range(12):
        sf = factories.SchoolFamilyFactory(school=cast.school)
        child = factories.ChildFactory(school=cast.school, family=sf.family, class_group=group)
        parent = factories.ParentCarerFactory(family=sf.family, email=f"p{i}@example.org")
        factories.ChildParentFactory(child=child, parent=parent)
        pupils.append(child)
    news = {c.first_name: "A good day." for c in pupils}
    data = {"class": group.pk, "action": "preview", **_rows(pupils, news)}
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.post(reverse("reaching_out:good-news"), data)
    assert page.context["count"] >= len(pupils)


# A parent's stop, and Notify's callbacks ----------------------------------------------------


def test_the_stop_link_stops_emails_and_the_school_sees_it(client, login, cast, rowans, templates):
    school_family, isla, mum, dad = rowans
    url = services.stop_url(mum, "email")
    path = url[url.index("/m/stop/") :]
    page = client.get(path)
    assert page.status_code == 200 and "Stop e-mails" in page.content.decode()
    assert not ChannelStop.objects.exists()
    done = client.post(path)
    assert done.status_code == 200
    stop = ChannelStop.objects.get(parent=mum)
    assert stop.channel == "email" and stop.how == "link"
    # The next good news to mum does not go by e-mail, and the family page shows her choice.
    result = services.drafting(
        school=cast.school,
        sender=cast.pastoral,
        kind="good_news",
        parents=[mum],
        children=[isla],
        words="Another good day.",
    )
    assert result.drafts[0].plan.channel != "email"
    family_page = (
        login(cast.pastoral)
        .get(reverse("families:family-detail", args=[school_family.family_id]))
        .content.decode()
    )
    assert "asked for no more e-mails" in family_page


def test_a_stop_link_that_was_tampered_with_is_not_found(client, rowans):
    school_family, isla, mum, dad = rowans
    url = services.stop_url(mum, "email")
    path = url[url.index("/m/stop/") :]
    assert client.get(path[:-3] + "xyz/").status_code == 404
    assert client.post(path.replace("/m/stop/", "/m/stop/x")).status_code == 404
    assert not ChannelStop.objects.exists()


def test_restarting_a_stop_needs_the_parents_say_so(login, cast, rowans):
    school_family, isla, mum, dad = rowans
    stop = ChannelStop.objects.create(parent=mum, channel="email", how="link")
    client = login(cast.pastoral)
    client.post(reverse("reaching_out:stop-restart", args=[stop.pk]), {"reason": ""})
    stop.refresh_from_db()
    assert stop.restarted_at is None
    client.post(
        reverse("reaching_out:stop-restart", args=[stop.pk]),
        {"reason": "Asked at parents' evening"},
    )
    stop.refresh_from_db()
    assert stop.restarted_at and stop.restarted_by == cast.pastoral


@pytest.fixture
def notify_token(settings):
    settings.NOTIFY_CALLBACK_TOKEN = "a-long-shared-secret-set-in-notify"
    return settings.NOTIFY_CALLBACK_TOKEN


def test_a_delivery_receipt_needs_the_token(client, cast, rowans, notify_token):
    school_family, isla, mum, dad = rowans
    sent = _message(
        cast,
        mum,
        state="sent",
        provider="notify",
        provider_id="740e5834-3a29-46b4-9a6f-16142fde533a",
    )
    body = json.dumps(
        {"id": sent.provider_id, "reference": str(sent.reference), "status": "delivered"}
    )
    url = reverse("reaching_out:notify-status")
    assert client.post(url, body, content_type="application/json").status_code == 401
    wrong = client.post(
        url, body, content_type="application/json", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    sent.refresh_from_db()
    assert sent.state == Message.State.SENT
    right = client.post(
        url,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {notify_token}"},
    )
    assert right.status_code == 200
    sent.refresh_from_db()
    assert sent.state == Message.State.DELIVERED and sent.delivered_at


def test_a_bounce_tells_the_sender_in_words(client, cast, rowans, notify_token):
    school_family, isla, mum, dad = rowans
    sent = _message(cast, mum, state="sent", provider="notify", provider_id="abc")
    body = json.dumps({"id": "abc", "reference": None, "status": "permanent-failure"})
    client.post(
        reverse("reaching_out:notify-status"),
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {notify_token}"},
    )
    sent.refresh_from_db()
    assert sent.state == Message.State.BOUNCED and "does not exist" in sent.failure


def test_stop_by_text_stops_texts_to_that_number(client, cast, rowans, notify_token):
    school_family, isla, mum, dad = rowans
    body = json.dumps(
        {
            "id": "x",
            "source_number": "447700900456",
            "destination_number": "07537",
            "message": " Stop ",
            "date_received": "2026-11-18T10:00:00.000Z",
        }
    )
    response = client.post(
        reverse("reaching_out:notify-inbound"),
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {notify_token}"},
    )
    assert response.status_code == 200
    [stop] = ChannelStop.objects.all()
    assert stop.parent == dad and stop.channel == "text" and stop.how == "text_reply"


def test_garbage_to_the_callbacks_is_a_clear_400(client, notify_token):
    for name in ("reaching_out:notify-status", "reaching_out:notify-inbound"):
        response = client.post(
            reverse(name),
            "not json",
            content_type="application/json",
            headers={"Authorization": f"Bearer {notify_token}"},
        )
        assert response.status_code == 400


# The home page and the meeting page ---------------------------------------------------------


def test_the_home_page_shows_the_senders_calls_and_failures(login, cast, rowans):
    school_family, isla, mum, dad = rowans
    _message(cast, mum, state="to_call", channel="call")
    _message(cast, dad, state="bounced", failure="The address does not exist.")
    page = login(cast.pastoral).get(reverse("home")).content.decode()
    assert "Messages that need you" in page and "Call Ailsa Rowan" in page
    assert "The address does not exist." in page


def test_a_meeting_page_offers_the_invitation(login, cast, rowans):
    school_family, isla, mum, dad = rowans
    meeting = factories.MeetingFactory(
        school=cast.school,
        family=school_family.family,
        chair=cast.pastoral,
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    page = login(cast.pastoral).get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    text = page.content.decode()
    assert "Send the invitation to the parents" in text
    assert f"kind=invitation&amp;meeting={meeting.pk}" in text

"""Who may open each complaint page: every role of the cast, outsiders, anonymous, wrong method."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def complaints(cast):
    link = factories.SchoolFamilyFactory(school=cast.school, family__name="The Kowalski family")
    parent = factories.ParentCarerFactory(
        family=link.family, first_name="Ewa", last_name="Kowalski"
    )
    teachers = factories.ComplaintFactory(
        school=cast.school,
        family=link.family,
        raised_by=parent,
        raised_by_name="",
        about="Reading book not changed for three weeks",
        point_of_contact=cast.teacher,
    )
    pastorals = factories.ComplaintFactory(
        school=cast.school,
        family=link.family,
        about="Lunchtime supervision in the playground",
        point_of_contact=cast.pastoral,
    )
    return SimpleNamespace(
        family=link.family, parent=parent, teachers=teachers, pastorals=pastorals
    )


def _assert_login_redirect(response):
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_and_headteacher_see_every_complaint_of_the_school(cast, login, complaints, role):
    response = login(getattr(cast, role)).get(reverse("complaints:complaint-list"))
    assert response.status_code == 200
    assert "Reading book not changed" in response.text
    assert "Lunchtime supervision" in response.text
    assert "Record a complaint" in response.text


def test_teacher_sees_only_complaints_they_are_point_of_contact_for(cast, login, complaints):
    response = login(cast.teacher).get(reverse("complaints:complaint-list"))
    assert response.status_code == 200
    assert "Reading book not changed" in response.text
    assert "Lunchtime supervision" not in response.text
    assert "Record a complaint" not in response.text


@pytest.mark.parametrize("role", ["authority_officer", "outsider_authority_officer"])
def test_authority_officers_get_403_on_the_list(cast, login, complaints, role):
    assert login(getattr(cast, role)).get(reverse("complaints:complaint-list")).status_code == 403


def test_administrator_without_a_school_gets_403_on_the_list(cast, login, complaints):
    assert login(cast.admin).get(reverse("complaints:complaint-list")).status_code == 403


@pytest.mark.parametrize("role", ["outsider_teacher", "outsider_pastoral", "outsider_headteacher"])
def test_outsiders_list_shows_none_of_our_complaints(cast, login, complaints, role):
    response = login(getattr(cast, role)).get(reverse("complaints:complaint-list"))
    assert response.status_code == 200
    assert "Kowalski" not in response.text


def test_list_filters_by_status_and_search(cast, login, complaints):
    complaints.pastorals.status = "resolved"
    complaints.pastorals.outcome = "Extra supervisor at lunch."
    complaints.pastorals.save()
    client = login(cast.pastoral)
    url = reverse("complaints:complaint-list")
    open_only = client.get(url, {"status": "open"}).text
    assert "Reading book" in open_only
    assert "Lunchtime supervision" not in open_only
    # The search goes by POST and is remembered: the words never appear in a URL.
    response = client.post(reverse("complaints:complaint-search"), {"q": "lunchtime"})
    assert response.status_code == 302 and "lunchtime" not in response.url
    searched = client.get(url).text
    assert "Reading book" not in searched and "Lunchtime supervision" in searched
    client.post(reverse("complaints:complaint-search"), {"q": "lunchtime", "clear": "1"})
    assert "Reading book" in client.get(url).text


def test_search_keeps_the_filters_and_refuses_other_methods_and_roles(cast, login, client):
    search = reverse("complaints:complaint-search")
    pastoral = login(cast.pastoral)
    response = pastoral.post(search, {"q": "x", "status": "open", "mine": "1"})
    assert response.url == reverse("complaints:complaint-list") + "?status=open&mine=1"
    assert pastoral.get(search).status_code == 405
    assert login(cast.authority_officer).post(search, {"q": "x"}).status_code == 403
    client.logout()
    assert reverse("login") in client.post(search, {"q": "x"})["Location"]


# --- add ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("pastoral", 200),
        ("headteacher", 200),
        ("teacher", 403),
        ("authority_officer", 403),
        ("admin", 403),  # no school: a page, not a record
        ("outsider_teacher", 403),
    ],
)
def test_add_page_by_role(cast, login, complaints, role, status):
    assert login(getattr(cast, role)).get(reverse("complaints:complaint-add")).status_code == status


def test_outsider_pastoral_cannot_choose_our_family(cast, login, complaints):
    response = login(cast.outsider_pastoral).get(reverse("complaints:complaint-add"))
    assert response.status_code == 200
    assert "Kowalski" not in response.text


# --- detail, edit, reply --------------------------------------------------------------------

DETAIL = [
    ("pastoral", 200),
    ("headteacher", 200),
    ("teacher", 403),  # a colleague's complaint: not their point of contact
    ("authority_officer", 403),
    ("admin", 404),
    ("outsider_teacher", 404),
    ("outsider_pastoral", 404),
    ("outsider_headteacher", 404),
    ("outsider_authority_officer", 404),
]


@pytest.mark.parametrize("role,status", DETAIL)
def test_detail_of_a_pastoral_led_complaint_by_role(cast, login, complaints, role, status):
    url = reverse("complaints:complaint-detail", args=[complaints.pastorals.pk])
    response = login(getattr(cast, role)).get(url)
    assert response.status_code == status
    if status == 200:
        assert "Lunchtime supervision" in response.text


def test_point_of_contact_teacher_sees_their_complaint(cast, login, complaints):
    url = reverse("complaints:complaint-detail", args=[complaints.teachers.pk])
    response = login(cast.teacher).get(url)
    assert response.status_code == 200
    assert "Ewa Kowalski" in response.text
    assert "Record the personal reply" in response.text
    assert reverse("complaints:complaint-edit", args=[complaints.teachers.pk]) not in response.text


@pytest.mark.parametrize(
    "role,status",
    [
        ("pastoral", 200),
        ("headteacher", 200),
        ("teacher", 403),  # even their own: the pastoral team edits the record
        ("authority_officer", 403),
        ("admin", 404),
        ("outsider_pastoral", 404),
        ("outsider_headteacher", 404),
    ],
)
def test_edit_page_by_role(cast, login, complaints, role, status):
    url = reverse("complaints:complaint-edit", args=[complaints.teachers.pk])
    assert login(getattr(cast, role)).get(url).status_code == status


@pytest.mark.parametrize(
    "role,status",
    [
        ("teacher", 200),  # point of contact
        ("pastoral", 200),
        ("headteacher", 200),
        ("authority_officer", 403),
        ("admin", 404),
        ("outsider_teacher", 404),
        ("outsider_pastoral", 404),
    ],
)
def test_reply_page_by_role(cast, login, complaints, role, status):
    url = reverse("complaints:complaint-reply", args=[complaints.teachers.pk])
    assert login(getattr(cast, role)).get(url).status_code == status


def test_teacher_cannot_reply_to_a_colleagues_complaint(cast, login, complaints):
    url = reverse("complaints:complaint-reply", args=[complaints.pastorals.pk])
    client = login(cast.teacher)
    assert client.get(url).status_code == 403
    response = client.post(url, {"reply": "x", "replied_on": "2020-01-01"})
    assert response.status_code == 403
    complaints.pastorals.refresh_from_db()
    assert complaints.pastorals.reply == ""


def test_teacher_cannot_post_an_edit(cast, login, complaints):
    url = reverse("complaints:complaint-edit", args=[complaints.teachers.pk])
    response = login(cast.teacher).post(url, {"about": "changed"})
    assert response.status_code == 403
    complaints.teachers.refresh_from_db()
    assert complaints.teachers.about == "Reading book not changed for three weeks"


# --- overview -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("headteacher", 200),
        ("pastoral", 403),
        ("teacher", 403),
        ("authority_officer", 403),
        ("admin", 403),  # no school: a page, not a record
    ],
)
def test_overview_by_role(cast, login, complaints, role, status):
    response = login(getattr(cast, role)).get(reverse("complaints:complaint-overview"))
    assert response.status_code == status


def test_outsider_headteacher_overview_counts_only_their_school(cast, login, complaints):
    response = login(cast.outsider_headteacher).get(reverse("complaints:complaint-overview"))
    assert response.status_code == 200
    assert '<p class="display-6 mb-0" data-testid="open-count">0</p>' in response.text


# --- anonymous and wrong methods ------------------------------------------------------------


def _all_urls(complaints):
    pk = complaints.teachers.pk
    return [
        reverse("complaints:complaint-list"),
        reverse("complaints:complaint-add"),
        reverse("complaints:complaint-overview"),
        reverse("complaints:complaint-detail", args=[pk]),
        reverse("complaints:complaint-edit", args=[pk]),
        reverse("complaints:complaint-reply", args=[pk]),
    ]


def test_anonymous_users_are_sent_to_login_everywhere(client, complaints):
    for url in _all_urls(complaints):
        _assert_login_redirect(client.get(url))


@pytest.mark.parametrize("name", ["complaint-list", "complaint-overview"])
def test_read_only_pages_refuse_post(cast, login, complaints, name):
    assert login(cast.headteacher).post(reverse(f"complaints:{name}")).status_code == 405


def test_detail_refuses_post(cast, login, complaints):
    url = reverse("complaints:complaint-detail", args=[complaints.teachers.pk])
    assert login(cast.pastoral).post(url).status_code == 405


def test_form_pages_refuse_put_and_delete(cast, login, complaints):
    client = login(cast.pastoral)
    for url in _all_urls(complaints)[3:] + [reverse("complaints:complaint-add")]:
        if url.endswith(f"/{complaints.teachers.pk}/"):
            continue
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405

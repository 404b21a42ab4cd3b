"""Logging and editing a contact through the form: access, defaults, errors, history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from families.models import Contact, SchoolFamily
from families.services import contact_log
from tests.families.conftest import contact_form_data as _form_data
from tests.families.conftest import make_family


def _add_url(fam):
    return reverse("families:contact-add", args=[fam.family.pk])


def _logged(cast, fam, **kwargs):
    values = {
        "school": cast.school,
        "family": fam.family,
        "staff": cast.teacher,
        "parents": [fam.mum],
        "summary": "Chatted at the gate about the class trip.",
    }
    values.update(kwargs)
    return contact_log(**values)


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_family_roles_can_open_the_form(cast, fam, login, role):
    assert login(getattr(cast, role)).get(_add_url(fam)).status_code == 200


def test_authority_officer_gets_403(cast, fam, login):
    assert login(cast.authority_officer).get(_add_url(fam)).status_code == 403


def test_administrator_with_no_school_gets_404(cast, fam, login):
    assert login(cast.admin).get(_add_url(fam)).status_code == 404


def test_outsider_gets_404(cast, fam, login):
    assert login(cast.outsider_pastoral).get(_add_url(fam)).status_code == 404
    assert login(cast.outsider_pastoral).post(_add_url(fam), _form_data(fam)).status_code == 404
    assert not Contact.objects.exists()


def test_anonymous_goes_to_login(client, fam):
    assert reverse("login") in client.get(_add_url(fam))["Location"]


def test_put_is_405(cast, fam, login):
    assert login(cast.teacher).put(_add_url(fam)).status_code == 405


def test_defaults_are_me_and_unrestricted_parents(cast, login):
    setup = make_family(cast, teacher=cast.teacher, restricted_dad=True)
    form = login(cast.teacher).get(_add_url(setup)).context["form"]
    assert form.initial["staff"] == cast.teacher.pk
    assert form.initial["parents"] == [setup.mum.pk]
    assert form.initial["children"] == [setup.child.pk]
    assert "restriction recorded" in form.fields["parents"].label_from_instance(setup.dad)


def test_logging_a_contact_puts_it_top_of_the_chronology(cast, fam, login):
    _logged(cast, fam, summary="An older chat.", occurred_at=timezone.now() - datetime.timedelta(1))
    client = login(cast.teacher)
    response = client.post(_add_url(fam), _form_data(fam, staff=cast.teacher.pk), follow=True)
    assert response.status_code == 200
    text = response.text
    assert text.index("helped a new classmate") < text.index("An older chat")
    contact = Contact.objects.get(summary__contains="classmate")
    assert contact.staff == cast.teacher
    assert SchoolFamily.objects.get(pk=fam.school_family.pk).positive_count == 1


# What saving a contact asks of the database, after the signed-in user's session, account and
# memberships: the family, the parents and children chosen, the view's and the save's
# savepoints, whether the family is on the roll, the contact, its history row, its parents, its
# children, the family's summary, the two releases, and the school's phrases to hint about. A
# query added to every save (a model constraint Django checks with a query of its own, a
# lookup per parent) shows here.
SAVE_QUERIES = 17


def test_saving_a_contact_asks_the_same_few_queries_however_many_are_involved(cast, fam, login):
    client = login(cast.teacher)
    client.get(_add_url(fam))

    def queries_for(**data):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(_add_url(fam), _form_data(fam, staff=cast.teacher.pk, **data))
        assert response.status_code == 302
        return [q["sql"] for q in captured]

    one = queries_for(parents=[fam.mum.pk])
    both = queries_for(parents=[fam.mum.pk, fam.dad.pk], summary="Both came to the gate.")
    assert Contact.objects.filter(family=fam.family).count() == 2
    assert len(one) == len(both) == SAVE_QUERIES, "\n".join(both)


def test_future_date_is_shown_beside_the_field_and_nothing_saved(cast, fam, login):
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = login(cast.teacher).post(
        _add_url(fam), _form_data(fam, staff=cast.teacher.pk, occurred_at=future)
    )
    assert response.status_code == 200
    assert "cannot be logged in the future" in response.text
    assert "helped a new classmate" in response.text  # nothing typed is lost
    assert not Contact.objects.exists()


def test_no_parent_and_no_reason_are_refused(cast, fam, login):
    data = _form_data(fam, staff=cast.teacher.pk, parents=[], confidentiality="pastoral")
    response = login(cast.teacher).post(_add_url(fam), data)
    form = response.context["form"]
    assert "parents" in form.errors
    assert "confidentiality_reason" in form.errors
    assert not Contact.objects.exists()


def test_child_of_another_family_is_refused(cast, fam, login):
    other = make_family(cast, name="Family Birch")
    data = _form_data(fam, staff=cast.teacher.pk, children=[other.child.pk])
    response = login(cast.teacher).post(_add_url(fam), data)
    assert "children" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_overlong_summary_is_refused(cast, fam, login):
    data = _form_data(fam, staff=cast.teacher.pk, summary="x" * 2001)
    response = login(cast.teacher).post(_add_url(fam), data)
    assert "summary" in response.context["form"].errors


def test_good_news_link_presets_tone(cast, fam, login):
    form = login(cast.teacher).get(_add_url(fam), {"tone": "positive"}).context["form"]
    assert form.initial["tone"] == "positive"


def test_completing_a_follow_up_links_it(cast, fam, login):
    first = _logged(cast, fam, follow_up_on=timezone.localdate(), agreed="Ring back on Friday.")
    url = _add_url(fam) + f"?completes={first.pk}"
    client = login(cast.teacher)
    assert "Ring back on Friday" in client.get(url).text
    response = client.post(url, _form_data(fam, staff=cast.teacher.pk, summary="Rang back."))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.follow_up_contact.summary == "Rang back."
    assert first.follow_up_done_at is not None
    assert client.get(url).status_code == 404  # already done


def test_edit_access(cast, fam, login):
    contact = _logged(cast, fam)
    url = reverse("families:contact-edit", args=[contact.pk])
    assert login(cast.teacher).get(url).status_code == 200
    # Only the author edits in place; others correct a contact with an amendment beside it.
    assert login(cast.pastoral).get(url).status_code == 403
    assert login(cast.headteacher).get(url).status_code == 403
    assert login(cast.authority_officer).get(url).status_code == 403
    assert login(cast.outsider_headteacher).get(url).status_code == 404
    assert login(cast.headteacher).delete(url).status_code == 405


def test_another_teacher_may_read_but_not_edit(cast, fam, login):
    contact = _logged(cast, fam, staff=cast.pastoral)
    assert (
        login(cast.teacher).get(reverse("families:contact-edit", args=[contact.pk])).status_code
        == 403
    )
    text = login(cast.teacher).get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert reverse("families:contact-edit", args=[contact.pk]) not in text


def test_edit_keeps_history_and_shows_who_edited(cast, fam, login):
    contact = _logged(cast, fam)
    client = login(cast.teacher)
    data = _form_data(fam, staff=cast.teacher.pk, summary="Corrected summary.", tone="concern")
    response = client.post(reverse("families:contact-edit", args=[contact.pk]), data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "Corrected summary."
    assert contact.staff == cast.teacher
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Edited by Teacher" in page
    history = client.get(reverse("families:contact-history", args=[contact.pk]))
    assert history.status_code == 200
    assert "Chatted at the gate" in history.text and "Corrected summary." in history.text
    assert "Neutral" in history.text and "Concern" in history.text  # tone, by its label


def test_history_is_hidden_with_the_contact(cast, fam, login):
    contact = _logged(
        cast, fam, staff=cast.pastoral, confidentiality="pastoral", confidentiality_reason="Health"
    )
    url = reverse("families:contact-history", args=[contact.pk])
    assert login(cast.teacher).get(url).status_code == 404
    assert login(cast.headteacher).get(url).status_code == 200
    assert login(cast.authority_officer).get(url).status_code == 403
    assert login(cast.headteacher).post(url).status_code == 405


def test_teacher_cannot_log_contact_with_a_family_they_do_not_work_with(cast, login):
    other = make_family(cast, name="Family Birch")
    client = login(cast.teacher)
    assert client.get(_add_url(other)).status_code == 404
    response = client.post(_add_url(other), _form_data(other, staff=cast.teacher.pk))
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_summary_field_has_focus_for_quick_logging(cast, fam, login):
    text = login(cast.teacher).get(_add_url(fam)).text
    assert 'name="summary" cols="40" rows="3" autofocus' in text

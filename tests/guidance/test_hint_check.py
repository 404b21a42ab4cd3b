"""The while-typing hint (htmx): who may ask, what it shows, and how it is counted."""

import pytest
from django.urls import reverse

from guidance.models import HintTally
from tests.families.conftest import make_family

URL = reverse("guidance:hint-check")
HX = {"HX-Request": "true"}


def _check(client, text, *, hinted=(), field="summary"):
    data = {"hint_field": field, field: text, f"hinted-{field}": list(hinted)}
    return client.post(URL, data, headers=HX)


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_staff_who_write_about_families_get_hints(cast, login, role):
    response = _check(login(getattr(cast, role)), "Mum is hard to reach.")
    assert response.status_code == 200
    text = response.content.decode()
    assert "“hard to reach”" in text
    assert "Say what we have tried" in text
    assert 'name="hinted-summary" value="hard to reach"' in text


@pytest.mark.parametrize("role", ["authority_officer", "admin"])
def test_roles_that_write_nothing_about_families_get_403(cast, login, role):
    assert _check(login(getattr(cast, role)), "hard to reach").status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = _check(client, "hard to reach")
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_get_is_not_allowed(cast, login):
    assert login(cast.teacher).get(URL).status_code == 405


def test_a_missing_field_name_is_a_bad_request(cast, login):
    client = login(cast.teacher)
    assert client.post(URL, {"hint_field": "<b>"}, headers=HX).status_code == 400


def test_factual_words_get_an_empty_hint(cast, login):
    response = _check(login(cast.teacher), "Rang Mum at 9 to arrange the trip.")
    assert "language-hint-box" not in response.content.decode()


def test_a_hint_is_counted_once_per_form_however_often_the_field_is_checked(cast, login):
    client = login(cast.teacher)
    _check(client, "Mum is hard to reach")
    _check(client, "Mum is hard to reach, we think", hinted=["hard to reach"])
    tally = HintTally.objects.get(school=cast.school, phrase="hard to reach")
    assert (tally.shown, tally.taken) == (1, 0)


def test_a_phrase_rewritten_stays_listed_as_hinted_for_the_save(cast, login):
    response = _check(login(cast.teacher), "Tried two calls.", hinted=["hard to reach"])
    text = response.content.decode()
    assert 'value="hard to reach"' in text
    assert "language-hint-box" not in text


def test_made_up_hinted_phrases_are_not_trusted(cast, login):
    response = _check(login(cast.teacher), "Fine.", hinted=["anything at all"])
    assert "anything at all" not in response.content.decode()


def test_tallies_hold_no_user(cast, login):
    _check(login(cast.teacher), "a difficult parent")
    field_names = {f.name for f in HintTally._meta.get_fields()}
    assert not field_names & {"user", "staff", "author", "recorded_by"}
    assert HintTally.objects.get().school == cast.school


def test_the_contact_form_carries_the_hint_wiring_and_a_polite_live_region(cast, login):
    fam = make_family(cast, teacher=cast.teacher)
    page = login(cast.teacher).get(reverse("families:contact-add", args=[fam.family.pk]))
    text = page.content.decode()
    assert 'hx-trigger="input changed delay:600ms"' in text
    assert f'hx-post="{URL}"' in text
    assert '<div id="hint-summary" class="language-hint" aria-live="polite"></div>' in text
    assert 'aria-describedby="id_summary_helptext hint-summary"' in text


def test_ten_identical_checks_raise_the_shown_tally_by_at_most_one(cast, login):
    client = login(cast.teacher)
    for _ in range(10):
        assert _check(client, "Mum is hard to reach.").status_code == 200
    tally = HintTally.objects.get(school=cast.school, phrase="hard to reach")
    assert tally.shown == 1
    # Another phrase in the same session is still counted, once.
    for _ in range(3):
        _check(client, "A difficult parent on the phone.")
    assert (
        HintTally.objects.filter(school=cast.school).exclude(phrase="hard to reach").get().shown
        == 1
    )


def test_the_same_phrase_counts_again_in_another_session_or_after_the_window(
    cast, login, client, time_machine
):
    time_machine.move_to("2026-11-23 10:00Z", tick=False)
    _check(login(cast.teacher), "Mum is hard to reach.")
    client.logout()
    _check(login(cast.pastoral), "Mum is hard to reach.")
    time_machine.move_to("2026-11-23 10:20Z", tick=False)
    _check(client, "Mum is hard to reach.")  # within the half hour: not again
    time_machine.move_to("2026-11-23 10:35Z", tick=False)
    _check(client, "Mum is hard to reach.")  # the same session, a new half hour
    _check(client, "Mum is hard to reach.")
    assert HintTally.objects.get(school=cast.school, phrase="hard to reach").shown == 3

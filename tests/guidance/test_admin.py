"""Admin: a school's phrases are added in admin and used at once; tallies are read-only."""

from django.urls import reverse

from guidance.hints import matcher_for_school
from guidance.models import HintTally, Phrase
from tests import factories
from tests.conftest import otp_verify_session


def _superuser_client(client):
    user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    otp_verify_session(client, user)
    return client


def test_an_administrator_adds_a_phrase_for_one_school(client, cast):
    response = _superuser_client(client).post(
        reverse("admin:guidance_phrase_add"),
        {
            "school": cast.school.pk,
            "phrase": "frequent flyer",
            "why": "It mocks a parent who often comes in.",
            "suggestion": "Say how often and what about: “Came in three times this week about "
            "the bus.”",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Phrase.objects.filter(school=cast.school, phrase="frequent flyer").exists()
    found = matcher_for_school(cast.school).find("A frequent flyer.")
    assert [f.phrase for f in found] == ["frequent flyer"]


def test_the_same_phrase_twice_for_one_school_is_refused_in_plain_words(client, cast):
    factories.PhraseFactory(school=cast.school, phrase="frequent flyer")
    response = _superuser_client(client).post(
        reverse("admin:guidance_phrase_add"),
        {"school": cast.school.pk, "phrase": "Frequent Flyer", "why": "x", "suggestion": "y"},
    )
    assert response.status_code == 200
    assert "This school already has this phrase." in response.content.decode()


def test_the_phrase_list_opens(client, cast):
    response = _superuser_client(client).get(reverse("admin:guidance_phrase_changelist"))
    assert response.status_code == 200
    assert "hard to reach" in response.content.decode()


def test_tallies_are_read_only_in_admin(client, cast):
    tally = factories.HintTallyFactory(school=cast.school)
    client = _superuser_client(client)
    assert client.get(reverse("admin:guidance_hinttally_changelist")).status_code == 200
    assert client.get(reverse("admin:guidance_hinttally_add")).status_code == 403
    client.post(reverse("admin:guidance_hinttally_delete", args=[tally.pk]), {"post": "yes"})
    assert HintTally.objects.filter(pk=tally.pk).exists()


def test_staff_without_admin_rights_cannot_open_the_phrase_list(client, cast, login):
    response = login(cast.headteacher).get(reverse("admin:guidance_phrase_changelist"))
    assert response.status_code in (302, 403)

"""When the school system misbehaves: every failure is one plain sentence (never a stack
trace, never the secret), and busy or faulty answers are tried again after a wait."""

import pytest

from school_systems import api
from tests.school_systems.oneroster_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    SCHOOL,
    OneRosterServer,
)


def _fetch(server, *, secret=CLIENT_SECRET, waits=None, **options):
    options.setdefault("page_size", 2)
    options.setdefault("backoff", 0.001)
    return api.fetch_bundle(
        base_url=options.pop("base_url", server.base_url),
        token_url=options.pop("token_url", server.token_url),
        client_id=CLIENT_ID,
        client_secret=secret,
        org=SCHOOL,
        sleep=(waits.append if waits is not None else lambda seconds: None),
        **options,
    )


def _problem(server, **options) -> str:
    with pytest.raises(api.OneRosterError) as caught:
        _fetch(server, **options)
    message = str(caught.value)
    assert CLIENT_SECRET not in message
    assert "Traceback" not in message
    return message


def test_a_wrong_secret_is_refused_in_plain_words(oneroster):
    message = _problem(oneroster, secret="wrong")
    assert message == "The school system refused the portal's client id or secret (401)."
    assert not oneroster.gets("/orgs")


def test_credentials_the_system_no_longer_accepts_are_refused_in_plain_words(oneroster):
    oneroster.refuse_credentials = True
    assert "refused the portal's client id or secret (401)" in _problem(oneroster)


def test_a_500_is_tried_again_and_the_pull_goes_on(oneroster):
    oneroster.answer_once("/users", 500, "Internal Server Error")
    waits = []
    bundle = _fetch(oneroster, waits=waits)
    assert len(bundle.users) == 6
    assert waits == [0.001]  # one back-off wait, then the page again
    assert [q["offset"] for q in oneroster.gets("/users")] == [["0"], ["0"], ["2"], ["4"], ["6"]]


def test_a_429_waits_as_long_as_retry_after_asks(oneroster):
    oneroster.answer_once("/users", 429, "slow down", headers={"Retry-After": "7"})
    waits = []
    bundle = _fetch(oneroster, waits=waits)
    assert waits == [7.0]
    assert len(bundle.users) == 6


def test_a_429_on_the_token_url_is_tried_again_too(oneroster):
    oneroster.answer_once("/oauth/token", 429, "", headers={"Retry-After": "1"})
    waits = []
    _fetch(oneroster, waits=waits)
    assert waits == [1.0]
    assert oneroster.tokens_issued == 1


def test_a_retry_after_longer_than_the_portal_waits_ends_the_pull_plainly(oneroster):
    oneroster.answer_once("/orgs", 429, "", headers={"Retry-After": "3600"})
    message = _problem(oneroster, max_wait=60)
    assert message == (
        f"The school system at {oneroster.origin.removeprefix('http://')} is busy (429) and "
        "asked the portal to wait 3600 seconds; the next pull will try again."
    )


def test_a_fault_that_persists_gives_up_after_the_tries(oneroster):
    for _ in range(3):
        oneroster.answer_once("/orgs", 503, "down")
    message = _problem(oneroster, tries=3)
    assert "had a fault (503)" in message
    assert "tried 3 times; the next pull will try again" in message
    assert len(oneroster.gets("/orgs")) == 3


def test_an_answer_that_is_not_json_is_a_plain_problem(oneroster):
    oneroster.answer_once("/users", 200, "<html><body>Sign in</body></html>")
    message = _problem(oneroster)
    # What the server sent is not repeated: an unknown server's words stay out of admin.
    assert message.startswith("The school system's answer to /users was not JSON (it was ")
    assert message.endswith("): check the OneRoster base URL.")
    assert "Sign in" not in message


def test_json_without_the_list_is_a_plain_problem(oneroster):
    json_type = {"Content-Type": "application/json"}
    oneroster.answer_once("/orgs", 200, '{"data": []}', headers=json_type)
    assert _problem(oneroster) == "The school system's answer to /orgs had no “orgs” list."


def test_a_token_answer_without_a_token_is_a_plain_problem(oneroster):
    oneroster.answer_once("/oauth/token", 200, '{"token_type": "bearer"}')
    assert _problem(oneroster) == "The school system's sign-in answer held no access token."


def test_a_token_refused_even_when_fresh_is_a_plain_problem(oneroster):
    oneroster.answer_once("/orgs", 401, "{}")
    oneroster.answer_once("/orgs", 401, "{}")
    message = _problem(oneroster)
    assert "refused the portal's access token for /orgs (401), even a new one" in message
    assert oneroster.tokens_issued == 2


def test_a_wrong_base_url_is_a_plain_problem(oneroster):
    message = _problem(oneroster, base_url=oneroster.origin + "/wrong")
    assert message.startswith("The school system has nothing at /orgs (404)")


def test_a_wrong_token_url_is_a_plain_problem(oneroster):
    message = _problem(oneroster, token_url=oneroster.origin + "/nothing")
    assert message == "There is nothing at the OAuth 2 token URL (404): check it."


def test_a_slow_system_times_out_plainly(oneroster):
    oneroster.answer_once("/orgs", 200, "{}", delay=0.2)
    message = _problem(oneroster, timeout=0.05, tries=1)
    assert "did not answer within 0.05 seconds" in message


def test_a_system_that_is_not_there_is_a_plain_problem():
    with OneRosterServer() as gone:
        base, token = gone.base_url, gone.token_url
    with pytest.raises(api.OneRosterError) as caught:
        api.fetch_bundle(
            base_url=base,
            token_url=token,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            tries=2,
            backoff=0,
        )
    assert "could not reach the school system" in str(caught.value)
    assert "tried 2 times" in str(caught.value)


def test_a_next_link_to_another_host_is_not_followed(oneroster):
    oneroster.answer_once(
        "/orgs",
        200,
        '{"orgs": [{"sourcedId": "X"}]}',
        headers={"Link": '<https://elsewhere.example/orgs?offset=1>; rel="next"'},
    )
    message = _problem(oneroster)
    assert "at another address (elsewhere.example); the portal did not follow it" in message


def test_a_redirect_is_not_followed(oneroster):
    """The bearer token goes only to the address set in admin: a redirect elsewhere is a
    problem, and nothing is asked of the other address."""
    elsewhere = "http://127.0.0.1:9/ims/oneroster/v1p1/users"
    oneroster.answer_once("/users", 302, "", headers={"Location": elsewhere})
    assert _problem(oneroster) == "The school system answered 302 to /users."

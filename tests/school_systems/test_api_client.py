"""The OneRoster 1.1 REST client against a real server on loopback: sign-in with OAuth 2 client
credentials, paging, the school's own records, and what the bundle holds."""

import pytest

from school_systems import api
from tests.school_systems.oneroster_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_SCHOOL,
    SCHOOL,
)


def _fetch(server, *, org=SCHOOL, **options):
    options.setdefault("page_size", 2)
    options.setdefault("backoff", 0)
    return api.fetch_bundle(
        base_url=server.base_url,
        token_url=server.token_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        org=org,
        **options,
    )


def _client(server, **options):
    options.setdefault("page_size", 2)
    options.setdefault("backoff", 0)
    return api.Client(
        base_url=server.base_url,
        token_url=server.token_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        **options,
    )


def test_seven_users_come_in_four_pages_of_two(oneroster):
    users = _client(oneroster).collection("/users", "users")
    assert [u["sourcedId"] for u in users] == [u["sourcedId"] for u in oneroster.data["users"]]
    offsets = [q["offset"] for q in oneroster.gets("/users")]
    assert offsets == [["0"], ["2"], ["4"], ["6"]]
    assert {q["limit"][0] for q in oneroster.gets("/users")} == {"2"}


def test_paging_stops_at_x_total_count_without_asking_for_an_empty_page(oneroster):
    oneroster.data["users"] = oneroster.data["users"][:6]
    users = _client(oneroster).collection("/users", "users")
    assert len(users) == 6
    assert [q["offset"] for q in oneroster.gets("/users")] == [["0"], ["2"], ["4"]]


def test_without_a_total_paging_goes_on_to_an_empty_page(oneroster):
    """A short page need not be the last (a server may cap the page size and send no total):
    one more request, rather than leaving pupils out."""
    oneroster.total_count = False
    users = _client(oneroster, page_size=3).collection("/users", "users")
    assert len(users) == 7
    assert [q["offset"] for q in oneroster.gets("/users")] == [["0"], ["3"], ["6"], ["7"]]


def test_a_server_capping_the_page_size_without_a_total_is_read_to_the_end(oneroster):
    oneroster.total_count = False
    oneroster.max_limit = 2
    users = _client(oneroster, page_size=5).collection("/users", "users")
    assert len(users) == 7


def test_a_link_rel_next_is_followed(oneroster):
    oneroster.total_count = False
    oneroster.link_next = True
    users = _client(oneroster).collection("/users", "users")
    assert len(users) == 7
    assert len(oneroster.gets("/users")) == 4


def test_a_server_capping_the_page_size_is_still_read_to_the_end(oneroster):
    oneroster.max_limit = 2
    users = _client(oneroster, page_size=5).collection("/users", "users")
    assert len(users) == 7


def test_one_token_serves_the_whole_pull(oneroster):
    _fetch(oneroster)
    assert oneroster.tokens_issued == 1
    assert len(oneroster.gets("/users")) == 4
    (form,) = oneroster.token_forms
    assert form["grant_type"] == ["client_credentials"]
    assert "roster-core.readonly" in form["scope"][0]


def test_a_token_refused_as_expired_is_fetched_again_once(oneroster):
    client = _client(oneroster)
    client.collection("/orgs", "orgs")
    oneroster.expire_tokens()
    users = client.collection("/users", "users")
    assert len(users) == 7
    assert oneroster.tokens_issued == 2


def test_a_token_past_its_lifetime_is_renewed_before_use(oneroster):
    now = [1000.0]
    oneroster.expires_in = 60
    client = _client(oneroster, clock=lambda: now[0])
    first = client.token()
    assert client.token() == first
    now[0] += 61
    assert client.token() != first
    assert oneroster.tokens_issued == 2


def test_the_bundle_holds_oneroster_csv_column_names(oneroster):
    bundle = _fetch(oneroster)
    assert bundle.version == "1.1"
    assert bundle.source == oneroster.base_url
    ewan = bundle.users[0]
    assert (ewan.file, ewan.line) == ("users (API)", 1)
    assert ewan.fields["agentSourcedIds"] == "PAR-1"
    assert ewan.fields["orgSourcedIds"] == SCHOOL
    assert ewan.fields["grades"] == "P4"
    assert ewan.fields["userIds"] == "{MIS:STU-1}"
    anna = next(u for u in bundle.users if u.get("sourcedId") == "PAR-1")
    assert anna.fields["agentSourcedIds"] == "STU-1,STU-2"
    school = next(o for o in bundle.orgs if o.get("sourcedId") == SCHOOL)
    assert school.fields["parentSourcedId"] == "LA-1"
    (p4,) = bundle.classes
    assert p4.fields["schoolSourcedId"] == SCHOOL
    assert p4.fields["termSourcedIds"] == "T-2026"
    enrolment = bundle.enrollments[0]
    assert (enrolment.get("userSourcedId"), enrolment.get("classSourcedId")) == ("STU-1", "CLS-P4")
    assert {d.get("sourcedId"): d.get("birthDate") for d in bundle.demographics}["STU-1"] == (
        "2018-03-14"
    )


def test_only_the_sources_school_is_kept(oneroster):
    bundle = _fetch(oneroster)
    assert {u.get("sourcedId") for u in bundle.users} == {
        "STU-1",
        "STU-2",
        "STU-3",
        "PAR-1",
        "PAR-2",
        "TEA-1",
    }
    assert "STU-9" not in {d.get("sourcedId") for d in bundle.demographics}
    assert [c.get("sourcedId") for c in bundle.classes] == ["CLS-P4"]
    # Classes and enrolments are asked of the school's own endpoints.
    assert oneroster.gets(f"/schools/{SCHOOL}/classes")
    assert oneroster.gets(f"/schools/{SCHOOL}/enrollments")
    assert not oneroster.gets("/classes")


def test_without_a_school_id_everything_is_taken(oneroster):
    bundle = _fetch(oneroster, org="")
    assert len(bundle.users) == 7
    assert {c.get("sourcedId") for c in bundle.classes} == {"CLS-P4", "CLS-S1"}


def test_a_school_id_the_system_does_not_know_is_a_plain_problem(oneroster):
    with pytest.raises(api.OneRosterError, match="no org with sourcedId “NOPE”"):
        _fetch(oneroster, org="NOPE")


def test_demographics_refused_is_read_as_a_missing_optional_table(oneroster):
    oneroster.answer_once("/demographics", 403, "{}")
    bundle = _fetch(oneroster, org=OTHER_SCHOOL)
    assert bundle.missing == ["demographics"]
    assert bundle.demographics == []
    assert [u.get("sourcedId") for u in bundle.users] == ["STU-9"]


def test_json_lists_and_references_are_written_as_csv_columns():
    fields = api.record_fields(
        {
            "sourcedId": "X",
            "enabledUser": True,
            "orgs": [{"sourcedId": "A"}, {"sourcedId": "B"}],
            "agents": [],
            "children": [{"sourcedId": "C"}],
            "grades": ["P1", "P2"],
            "course": {"href": "/c", "sourcedId": "CRS"},
            "metadata": {"relationship": "Mother", "nested": {"x": 1}},
            "middleName": None,
        }
    )
    assert fields == {
        "sourcedId": "X",
        "enabledUser": "true",
        "orgSourcedIds": "A,B",
        "agentSourcedIds": "",
        "grades": "P1,P2",
        "courseSourcedId": "CRS",
        "metadata.relationship": "Mother",
    }

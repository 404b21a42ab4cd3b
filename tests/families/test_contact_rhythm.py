"""The communication level sets the rhythm: each level's contact frequency, set by the
headteacher, decides which families are due a contact, on the key contact's home page, in the
family list and on the dashboard's "Needing attention"."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from compass.services import placement_withdraw
from families import rhythm
from families.models import ContactRhythm, SchoolFamily
from families.services import contact_log
from tests import factories
from tests.families.conftest import make_family

pytestmark = pytest.mark.usefixtures("compass_defaults")

NOW = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
HOME = reverse("home")
LIST = reverse("families:family-list")
SETTING = reverse("families:contact-rhythm")
ATTENTION = reverse("dashboards:dashboard-attention")


def _family(cast, name, *, level=None, last_contact_weeks=None, key_contact=None):
    """A family at `level` (placed on the compass; never placed: general), last contacted
    `last_contact_weeks` weeks (and a day) ago, or never."""
    setup = make_family(cast, name=name)
    sf = setup.school_family
    if key_contact is not None:
        SchoolFamily.objects.filter(pk=sf.pk).update(key_contact=key_contact)
    if level is not None:
        factories.PlacementFactory(
            school_family=sf, placed_by=cast.pastoral, level=level, placed_at=NOW
        )
    if last_contact_weeks is not None:
        contact_log(
            school=cast.school,
            family=setup.family,
            staff=cast.pastoral,
            parents=[setup.mum],
            summary="Caught up about the week.",
            occurred_at=NOW - datetime.timedelta(weeks=last_contact_weeks, days=1),
        )
    return setup


@pytest.fixture
def families(cast):
    """Five families of the teacher's (key contact) and one of the pastoral lead's."""
    me = cast.teacher
    return {
        # Enhanced asks for a contact every 2 weeks: three weeks is too long.
        "enhanced_due": _family(cast, "Family Ash", level="enhanced", last_contact_weeks=3),
        # General asks for one a term (13 weeks): three weeks is fine.
        "general_fine": _family(cast, "Family Beech", level="general", last_contact_weeks=3),
        "never_placed_fine": _family(cast, "Family Cherry", last_contact_weeks=5),
        # Intensive asks for one a week; none at all yet.
        "intensive_none": _family(cast, "Family Damson", level="intensive"),
        "general_due": _family(cast, "Family Elder", level="general", last_contact_weeks=14),
        "someone_elses": _family(cast, "Family Fig", level="intensive", key_contact=cast.pastoral),
        "_": [
            SchoolFamily.objects.filter(school=cast.school)
            .exclude(family__name="Family Fig")
            .update(key_contact=me)
        ],
    }


DUE = {"Family Ash", "Family Damson", "Family Elder", "Family Fig"}
ALL = DUE | {"Family Beech", "Family Cherry"}


def _names_in(text, names=ALL):
    return {name for name in names if name in text}


@time_machine.travel(NOW, tick=False)
def test_the_level_of_the_latest_placement_is_kept_with_the_family(cast):
    setup = _family(cast, "Family Ash", level="enhanced")
    sf = SchoolFamily.objects.get(pk=setup.school_family.pk)
    assert sf.current_level == "enhanced"
    later = factories.PlacementFactory(
        school_family=sf, placed_by=cast.pastoral, level="intensive", placed_at=NOW
    )
    assert SchoolFamily.objects.get(pk=sf.pk).current_level == "intensive"
    placement_withdraw(placement=later, withdrawn_by=cast.pastoral, reason="Wrong family.")
    assert SchoolFamily.objects.get(pk=sf.pk).current_level == "enhanced"
    assert make_family(cast, name="Family New").school_family.current_level == "general"


@time_machine.travel(NOW, tick=False)
def test_key_contact_home_page_lists_their_families_due_a_contact(cast, login, families):
    text = login(cast.teacher).get(HOME).text
    assert "Due a contact" in text
    panel = text.split('data-testid="due-contact"')[1].split("</ul>")[0]
    assert _names_in(panel) == DUE - {"Family Fig"}  # Fig's key contact is the pastoral lead
    ash = families["enhanced_due"].school_family.family_id
    assert f'href="{reverse("families:family-detail", args=[ash])}"' in panel
    assert "last contact 3 weeks, 1 day ago" in panel.replace("\xa0", " ")  # timesince's
    assert "enhanced level, at least every 2 weeks" in panel
    assert "no contact recorded yet; intensive level, at least every week" in panel
    # The longest waiting first: never contacted, then 14 weeks, then 3.
    assert panel.index("Family Damson") < panel.index("Family Elder") < panel.index("Family Ash")
    assert "due_contact=on" in text and f"key_contact={cast.teacher.pk}" in text


@time_machine.travel(NOW, tick=False)
def test_no_panel_when_none_of_my_families_is_due(cast, login):
    setup = _family(cast, "Family Ash", level="enhanced", last_contact_weeks=1)
    SchoolFamily.objects.filter(pk=setup.school_family.pk).update(key_contact=cast.teacher)
    assert "Due a contact" not in login(cast.teacher).get(HOME).text


@time_machine.travel(NOW, tick=False)
def test_the_school_sets_the_frequency_of_each_level(cast, login, families):
    ContactRhythm.objects.create(
        school=cast.school, general_weeks=20, enhanced_weeks=4, intensive_weeks=1
    )
    panel = login(cast.teacher).get(HOME).text.split('data-testid="due-contact"')[1]
    panel = panel.split("</ul>")[0]
    # Three weeks is now within the enhanced rhythm, and 14 within the general one.
    assert _names_in(panel) == {"Family Damson"}


@time_machine.travel(NOW, tick=False)
def test_a_contact_logged_takes_the_family_off_the_panel(cast, login, families):
    setup = families["enhanced_due"]
    contact_log(
        school=cast.school,
        family=setup.family,
        staff=cast.teacher,
        parents=[setup.mum],
        summary="Rang to say the reading is coming on.",
        occurred_at=NOW - datetime.timedelta(hours=1),
    )
    panel = login(cast.teacher).get(HOME).text.split('data-testid="due-contact"')[1]
    assert "Family Ash" not in panel.split("</ul>")[0]


@time_machine.travel(NOW, tick=False)
def test_family_list_filter_shows_only_families_due_for_their_level(cast, login, families):
    client = login(cast.headteacher)
    text = client.get(LIST).text
    assert "Due a contact for their level" in text
    assert _names_in(text) == ALL
    assert _names_in(client.get(LIST, {"due_contact": "on"}).text) == DUE
    mine = client.get(LIST, {"due_contact": "on", "key_contact": cast.teacher.pk}).text
    assert _names_in(mine) == DUE - {"Family Fig"}


@pytest.mark.parametrize("count", [2, 8])
def test_family_list_filter_is_one_query_whatever_the_rows(
    cast, login, django_assert_max_num_queries, count
):
    with time_machine.travel(NOW, tick=False):
        for n in range(count):
            _family(cast, f"Family {n}", level=["general", "enhanced", "intensive"][n % 3])
        client = login(cast.headteacher)
        client.get(LIST)  # the session's first list notes which read to try first (a write)
        with django_assert_max_num_queries(12):
            response = client.get(LIST, {"due_contact": "on"})
    assert response.text.count("Log contact<") == count


@time_machine.travel(NOW, tick=False)
def test_dashboard_needing_attention_counts_families_due_for_their_level(cast, login, families):
    client = login(cast.headteacher)
    text = client.get(reverse("dashboards:dashboard")).text
    assert "6 weeks" not in text
    assert "<strong>4</strong> are due a contact for their communication level" in text
    assert "general every 13 weeks, enhanced every 2 weeks, intensive every week" in text
    response = client.get(ATTENTION)
    lists = {item["key"]: item for item in response.context["lists"]}
    assert "no_contact" not in lists
    assert lists["due_contact"]["count"] == 4
    assert {row["family__name"] for row in lists["due_contact"]["rows"]} == DUE
    assert "Due a contact for their communication level" in response.text
    assert "(enhanced: every 2 weeks)" in response.text
    assert f'href="{SETTING}"' in response.text
    assert "No contact at all for (weeks)" not in response.text


@time_machine.travel(NOW, tick=False)
def test_due_contact_csv_names_the_level_and_its_frequency(cast, login, families):
    response = login(cast.pastoral).get(reverse("dashboards:dashboard-csv", args=["due-contact"]))
    lines = response.content.decode().splitlines()
    assert lines[0].endswith(",communication level,contact at least every (weeks)")
    rows = {line.split(",")[0]: line for line in lines[1:]}
    assert set(rows) == DUE
    assert rows["Family Ash"].endswith(",Enhanced,2")
    old = login(cast.pastoral).get(reverse("dashboards:dashboard-csv", args=["no-contact"]))
    assert old.status_code == 404


@time_machine.travel(NOW, tick=False)
def test_dashboard_query_count_does_not_grow(cast, login, django_assert_max_num_queries):
    def run(n):
        for i in range(n):
            _family(cast, f"Family {n}-{i}", level="enhanced", last_contact_weeks=3)
        client = login(cast.headteacher)
        client.get(ATTENTION)  # once first: the school's terms are then known
        with django_assert_max_num_queries(30) as captured:
            client.get(ATTENTION)
        return len(captured)

    assert run(2) == run(6)


# ---------------------------------------------------------------------------------------------
# The headteacher's setting


@time_machine.travel(NOW, tick=False)
def test_headteacher_sees_the_defaults_and_changes_them(cast, login, families):
    client = login(cast.headteacher)
    # The family list's filter, asked before the change (its read is then kept: families.views
    # .lists), follows it too.
    assert _names_in(client.get(LIST, {"due_contact": "on"}).text) == DUE
    page = client.get(SETTING).text
    assert "How often families hear from us" in page
    assert 'name="general_weeks" value="13"' in page
    assert 'name="enhanced_weeks" value="2"' in page
    assert 'name="intensive_weeks" value="1"' in page
    table = page.split('data-testid="rhythm-levels"')[1].split("</table>")[0]
    assert '<th scope="row">Enhanced</th><td>2 weeks</td><td class="text-end">1</td>' in table
    response = client.post(
        SETTING, {"general_weeks": 12, "enhanced_weeks": 4, "intensive_weeks": 1}
    )
    assert response.status_code == 302
    saved = ContactRhythm.objects.get(school=cast.school)
    assert (saved.general_weeks, saved.enhanced_weeks, saved.intensive_weeks) == (12, 4, 1)
    assert saved.history.latest().history_user == cast.headteacher
    # Family Ash (enhanced, three weeks) is no longer due; the rest still are.
    attention = client.get(ATTENTION).context["counts"]
    assert attention["due_contact"] == 3
    assert _names_in(client.get(LIST, {"due_contact": "on"}).text) == DUE - {"Family Ash"}
    assert "general every 12 weeks, enhanced every 4 weeks" in client.get(ATTENTION).text


@time_machine.travel(NOW, tick=False)
def test_a_closer_level_may_not_wait_longer_error_next_to_the_field(cast, login):
    response = login(cast.headteacher).post(
        SETTING, {"general_weeks": 13, "enhanced_weeks": 2, "intensive_weeks": 3}
    )
    assert response.status_code == 200
    text = response.text
    assert 'id="id_intensive_weeks"' in text
    assert "at least as often as at the enhanced level (every 2 weeks or less)" in text
    assert not ContactRhythm.objects.exists()
    refused = login(cast.headteacher).post(
        SETTING, {"general_weeks": 0, "enhanced_weeks": 2, "intensive_weeks": 1}
    )
    assert "greater than or equal to 1" in refused.text


@time_machine.travel(NOW, tick=False)
def test_second_save_from_an_old_page_is_stopped_not_lost(cast, login):
    ContactRhythm.objects.create(school=cast.school)
    client = login(cast.headteacher)
    page = client.get(SETTING).text
    version = page.split('name="edited_from" value="')[1].split('"')[0]
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        client.post(SETTING, {"general_weeks": 10, "enhanced_weeks": 2, "intensive_weeks": 1})
    response = client.post(
        SETTING,
        {"general_weeks": 8, "enhanced_weeks": 2, "intensive_weeks": 1, "edited_from": version},
    )
    assert response.status_code == 200
    assert 'data-testid="edit-conflict"' in response.text
    assert ContactRhythm.objects.get(school=cast.school).general_weeks == 10


def test_pastoral_reads_the_rhythm_but_only_the_headteacher_changes_it(cast, login):
    client = login(cast.pastoral)
    page = client.get(SETTING)
    assert page.status_code == 200
    assert "The headteacher sets the rhythm" in page.text
    assert 'name="general_weeks"' not in page.text
    refused = client.post(SETTING, {"general_weeks": 4, "enhanced_weeks": 2, "intensive_weeks": 1})
    assert refused.status_code == 403
    assert not ContactRhythm.objects.exists()
    for role in ("teacher", "authority_officer", "admin"):
        assert login(getattr(cast, role)).get(SETTING).status_code == 403


def test_each_school_has_its_own_rhythm(cast, login):
    ContactRhythm.objects.create(school=cast.other_school, general_weeks=4, enhanced_weeks=2)
    assert rhythm.rhythm_for(cast.school).general_weeks == 13
    assert 'name="general_weeks" value="13"' in login(cast.headteacher).get(SETTING).text
    other = login(cast.outsider_headteacher).get(SETTING).text
    assert 'name="general_weeks" value="4"' in other

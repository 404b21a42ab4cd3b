"""The family page: access per role, what it shows first, confidentiality, extensions, queries."""

import datetime

import pytest
from django.urls import reverse

from families import extensions
from families.models import Contact, SchoolFamily
from families.services import contact_log
from tests import factories
from tests.families.conftest import make_family


def _url(fam):
    return reverse("families:family-detail", args=[fam.family.pk])


def _log(cast, fam, **kwargs):
    values = {
        "school": cast.school,
        "family": fam.family,
        "staff": cast.teacher,
        "parents": [fam.mum],
        "summary": "Robin read aloud to the class today.",
        "tone": "positive",
    }
    values.update(kwargs)
    return contact_log(**values)


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_family_roles_get_200(cast, fam, login, role):
    assert login(getattr(cast, role)).get(_url(fam)).status_code == 200


def test_authority_officer_gets_403(cast, fam, login):
    assert login(cast.authority_officer).get(_url(fam)).status_code == 403


@pytest.mark.parametrize("role", ["admin", "outsider_authority_officer"])
def test_no_school_or_another_schools_authority_officer_gets_404(cast, fam, login, role):
    # Administrators have no school: every family is another school's, never confirmed.
    assert login(getattr(cast, role)).get(_url(fam)).status_code == 404


@pytest.mark.parametrize("role", ["outsider_teacher", "outsider_pastoral", "outsider_headteacher"])
def test_outsiders_get_404(cast, fam, login, role):
    assert login(getattr(cast, role)).get(_url(fam)).status_code == 404


def test_teacher_who_does_not_teach_the_family_gets_404(cast, login):
    other = make_family(cast, name="Family Birch")
    assert login(cast.teacher).get(_url(other)).status_code == 404


def test_anonymous_goes_to_login(client, fam):
    response = client.get(_url(fam))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_post_is_405(cast, fam, login):
    assert login(cast.teacher).post(_url(fam)).status_code == 405


def test_strengths_and_key_contact_come_before_the_chronology(cast, fam, login):
    fam.family.strengths = "Mum walks Robin to school every day."
    fam.family.save()
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(key_contact=cast.pastoral)
    _log(cast, fam)
    text = login(cast.teacher).get(_url(fam)).text
    assert text.index("Mum walks Robin") < text.index("Chronology") < text.index("read aloud")
    assert cast.pastoral.get_full_name() in text


def test_family_shape_shows_restriction_and_responsibility(cast, login):
    setup = make_family(cast, teacher=cast.teacher, restricted_dad=True)
    setup.mum.interpreter_needed = True
    setup.mum.language = "Polish"
    setup.mum.save()
    text = login(cast.teacher).get(_url(setup)).text
    assert "Restriction recorded:" in text
    assert "Court order: no school reports" in text
    assert "Father" in text and "Mother" in text
    assert "Interpreter needed" in text and "Language: Polish" in text


def test_confidential_contact_does_not_leak_to_a_teacher(cast, fam, login):
    _log(
        cast,
        fam,
        staff=cast.pastoral,
        tone="concern",
        confidentiality="pastoral",
        confidentiality_reason="Bereavement",
        summary="Grandad died at the weekend.",
    )
    teacher_text = login(cast.teacher).get(_url(fam)).text
    assert "Grandad" not in teacher_text
    assert "Bereavement" not in teacher_text
    assert "0 concern" in teacher_text
    pastoral_text = login(cast.headteacher).get(_url(fam)).text
    assert "Grandad" in pastoral_text
    assert "1 concern" in pastoral_text


def test_named_staff_contact_is_seen_only_by_those_named(cast, fam, login):
    _log(
        cast,
        fam,
        staff=cast.pastoral,
        confidentiality="named",
        confidentiality_reason="Family asked",
        named_staff=[cast.teacher],
        summary="Dad has started a new job.",
    )
    assert "new job" in login(cast.teacher).get(_url(fam)).text
    assert "new job" not in login(cast.headteacher).get(_url(fam)).text


def test_chronology_newest_first_and_filter_by_child(cast, fam, login):
    sibling = factories.ChildFactory(
        school=cast.school, family=fam.family, first_name="Skye", class_group=fam.class_group
    )
    now = datetime.datetime.now(datetime.UTC)
    _log(
        cast,
        fam,
        summary="Older note about Robin.",
        children=[fam.child],
        occurred_at=now - datetime.timedelta(days=2),
    )
    _log(cast, fam, summary="Newer note about Skye.", children=[sibling])
    client = login(cast.teacher)
    text = client.get(_url(fam)).text
    assert text.index("Newer note") < text.index("Older note")
    text = client.get(_url(fam), {"child": fam.child.pk}).text
    assert "Older note" in text and "Newer note" not in text


def test_htmx_request_gets_only_the_chronology(cast, fam, login):
    _log(cast, fam)
    response = login(cast.teacher).get(
        _url(fam), headers={"HX-Request": "true", "HX-Target": "chronology"}
    )
    assert response.status_code == 200
    assert 'id="chronology"' in response.text
    assert "<html" not in response.text
    assert "read aloud" in response.text


@pytest.fixture
def registered_extensions(monkeypatch):
    """A fake section and timeline source, as compass or meetings would register."""
    monkeypatch.setattr(extensions, "_sections", [])
    monkeypatch.setattr(extensions, "_sources", [])

    def entries(request, school_family, limit):
        return [
            extensions.TimelineEntry(
                when=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                kind="placement",
                kind_label="Compass placement",
                template="families/includes/test_entry.html",
                obj="Placed as a partner in learning",
            )
        ]

    extensions.register_section(
        extensions.FamilySection(
            template="families/includes/test_section.html",
            context=lambda request, sf: {"message": f"Compass for {sf.family.name}"},
        )
    )
    extensions.register_section(
        extensions.FamilySection(
            template="families/includes/test_section.html", context=lambda request, sf: None
        )
    )
    extensions.register_timeline_source(
        extensions.TimelineSource(kind="placement", kind_label="Compass placement", entries=entries)
    )


def test_registered_sections_and_sources_appear(cast, fam, login, registered_extensions, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], _test_templates()]}]
    _log(cast, fam)
    client = login(cast.teacher)
    text = client.get(_url(fam)).text
    assert text.count("Compass for Family Rowan") == 1
    assert "Placed as a partner in learning" in text
    text = client.get(_url(fam), {"kind": "placement"}).text
    assert "Placed as a partner" in text and "read aloud" not in text
    text = client.get(_url(fam), {"kind": "contact"}).text
    assert "Placed as a partner" not in text and "read aloud" in text


def _test_templates():
    import pathlib

    return pathlib.Path(__file__).parent / "templates"


@pytest.mark.parametrize("contacts", [2, 8])
def test_family_page_query_count_does_not_grow(
    cast, fam, login, django_assert_max_num_queries, contacts, monkeypatch
):
    # Other apps' sections and sources have their own budgets; this one is the family page's.
    monkeypatch.setattr(extensions, "_sections", [])
    monkeypatch.setattr(extensions, "_sources", [])
    sibling = factories.ChildFactory(school=cast.school, family=fam.family)
    factories.ChildParentFactory(child=sibling, parent=fam.mum)
    for n in range(contacts):
        contact = _log(
            cast,
            fam,
            children=[fam.child, sibling],
            parents=[fam.mum, fam.dad],
            summary=f"Note {n}",
        )
        contact.summary = f"Edited note {n}"
        contact._history_user = cast.pastoral
        contact.save()
    client = login(cast.teacher)
    # 18 for the page (one of them the contacts' amendments), plus the access log: its row, the
    # content-type lookup (cold in tests) and the link to the audit page (one permission check).
    with django_assert_max_num_queries(21):
        response = client.get(_url(fam))
    assert response.text.count("Edited by Pastoral") == contacts
    assert Contact.objects.count() == contacts


@pytest.mark.parametrize("contacts", [2, 8])
def test_chronology_fragment_query_count_does_not_grow(
    cast, fam, login, django_assert_max_num_queries, contacts, monkeypatch
):
    monkeypatch.setattr(extensions, "_sources", [])
    for n in range(contacts):
        _log(cast, fam, children=[fam.child], parents=[fam.mum, fam.dad], summary=f"Note {n}")
    client = login(cast.teacher)
    with django_assert_max_num_queries(16):  # 15 (amendments too), plus the access log's row
        response = client.get(
            _url(fam),
            {"child": fam.child.pk},
            headers={"HX-Request": "true", "HX-Target": "chronology"},
        )
    assert response.text.count("Note ") == contacts


def test_chronology_shows_the_newest_twenty_then_older_ones_on_request(cast, fam, login):
    start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    for n in range(25):
        _log(
            cast,
            fam,
            summary=f"Week {n + 1:02d} note",
            occurred_at=start + datetime.timedelta(7 * n),
        )
    client = login(cast.pastoral)

    first = client.get(_url(fam)).text
    shown = [n for n in range(1, 26) if f"Week {n:02d} note" in first]
    assert shown == list(range(6, 26))  # the newest twenty
    assert "Show older entries" in first
    assert "limit=40" in first

    everything = client.get(_url(fam), {"limit": 40}).text
    assert all(f"Week {n:02d} note" in everything for n in range(1, 26))
    assert "Show older entries" not in everything


def _balance_shown(client, fam, **query):
    balance = client.get(_url(fam), query).context["balance"]
    return balance["positive"], balance["neutral"], balance["concern"]


def test_balance_counts_every_readable_contact_beyond_the_first_page(cast, fam, login):
    from families.services import contact_withdraw

    start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    for n in range(22):
        _log(cast, fam, occurred_at=start + datetime.timedelta(days=n), children=[fam.child])
    _log(cast, fam, tone="neutral", summary="Asked about the trip.")
    _log(cast, fam, tone="concern", summary="Robin was upset at lunch.")
    _log(
        cast,
        fam,
        staff=cast.pastoral,
        tone="concern",
        summary="A private matter at home.",
        confidentiality="pastoral",
        confidentiality_reason="Health",
    )
    withdrawn = _log(cast, fam, summary="Logged against the wrong family.")
    contact_withdraw(contact=withdrawn, withdrawn_by=cast.pastoral, reason="Wrong family")

    pastoral = login(cast.pastoral)
    # 26 contacts: the first page shows 20, the balance counts all the user may read.
    assert _balance_shown(pastoral, fam) == (22, 1, 2)
    # Filtering the chronology by child or by type does not change the family's balance.
    assert _balance_shown(pastoral, fam, child=fam.child.pk) == (22, 1, 2)
    assert _balance_shown(pastoral, fam, kind="placement") == (22, 1, 2)
    # The class teacher may not read the pastoral-level note, nor count it.
    teacher = login(cast.teacher)
    assert _balance_shown(teacher, fam) == (22, 1, 1)
    assert _balance_shown(teacher, fam, kind="placement") == (22, 1, 1)

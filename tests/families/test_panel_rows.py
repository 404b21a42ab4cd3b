"""The home page's family panels draw their lists in Python (families.panel_rows): they say
exactly what the template loops they replaced said, for awkward rows too (names and words that
need escaping, a family never contacted, follow-ups overdue, due today and later, long words
cut short)."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from families.models import SchoolFamily
from families.panel_rows import due_contact_rows, follow_up_rows, good_news_rows
from families.services import contact_log
from tests.families.conftest import make_family
from tests.markup import plain

NOW = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)
HOME = reverse("home")

# The loops as families/panels/*.html drew them before families.panel_rows.
DUE_CONTACT = """{% for row in panel.families %}
      <li class="mb-1">
        <a href="{% url 'families:family-detail' row.family_id %}">{{ row.family.name }}</a>
        <span class="text-body-secondary">— {% if row.seen_last_at %}last contact {{ row.seen_last_at|timesince:panel.now }} ago{% else %}no contact recorded yet{% endif %}; {{ row.level_label|lower }} level, at least every {% if row.every_weeks == 1 %}week{% else %}{{ row.every_weeks }} weeks{% endif %}</span>
        <a class="ms-1" href="{% url 'families:contact-add' row.family_id %}">Log a contact<span class="visually-hidden"> with {{ row.family.name }}</span></a>
      </li>
    {% endfor %}"""  # noqa: E501
GOOD_NEWS = """{% for row in panel.families %}
      <li class="mb-1">
        <a href="{% url 'families:family-detail' row.family_id %}">{{ row.family.name }}</a>
        <span class="text-body-secondary">— {% if row.seen_last_positive_at %}last positive contact {{ row.seen_last_positive_at|date:"j M Y" }}{% else %}no positive contact recorded yet{% endif %}</span>
        <a class="ms-1" href="{% url 'families:contact-add' row.family_id %}?tone=positive&amp;purpose=good_news">Log good news<span class="visually-hidden"> for {{ row.family.name }}</span></a>
        {% url 'reaching_out:write' row.family_id as send_url %}{% if send_url %}<a class="ms-1" href="{{ send_url }}?kind=good_news">Send good news<span class="visually-hidden"> to {{ row.family.name }}</span></a>{% endif %}
      </li>
    {% endfor %}"""  # noqa: E501
FOLLOW_UPS = """{% for contact in panel.follow_ups %}
      <li class="mb-2">
        <a class="fw-semibold" href="{% url 'families:family-detail' contact.family_id %}">{{ contact.family.name }}</a> —
        {% if contact.follow_up_on < panel.today %}<span class="tone-concern">overdue since {{ contact.follow_up_on|date:"j M" }}</span>{% elif contact.follow_up_on == panel.today %}due today{% else %}due {{ contact.follow_up_on|date:"j M" }}{% endif %}:
        {{ contact.agreed|default:contact.summary|truncatewords:15 }}
        <a class="ms-1" href="{% url 'families:contact-add' contact.family_id %}?completes={{ contact.pk }}">Log the follow-up<span class="visually-hidden"> with {{ contact.family.name }}</span></a>
      </li>
    {% endfor %}"""  # noqa: E501

AWKWARD = 'Family "O\'Brien" <b>&</b>'
LONG = "<script>x</script> " + " ".join(f"word{n}" for n in range(30))


def _log(cast, fam, when, **kwargs):
    return contact_log(
        school=cast.school,
        family=fam.family,
        staff=cast.pastoral,
        parents=[fam.mum],
        summary=kwargs.pop("summary", "Talked about the week."),
        occurred_at=when,
        **kwargs,
    )


@pytest.fixture
def home(cast, login):
    """A pastoral lead's home with every family panel showing awkward rows."""
    with time_machine.travel(NOW - datetime.timedelta(days=120), tick=False):
        awkward = make_family(cast, name=AWKWARD, teacher=cast.pastoral)
        never = make_family(cast, name="Family Birch", teacher=cast.pastoral)
        quiet = make_family(cast, name="Family <Cedar>", teacher=cast.pastoral)
        SchoolFamily.objects.filter(family__in=[awkward.family, never.family, quiet.family]).update(
            key_contact=cast.pastoral
        )
    with time_machine.travel(NOW - datetime.timedelta(days=45), tick=False):
        _log(cast, awkward, NOW - datetime.timedelta(days=45), tone="positive")
    with time_machine.travel(NOW - datetime.timedelta(days=100), tick=False):
        _log(cast, quiet, NOW - datetime.timedelta(days=100), tone="neutral")
    with time_machine.travel(NOW - datetime.timedelta(days=10), tick=False):
        for due_on, agreed in (
            (datetime.date(2026, 3, 2), LONG),
            (datetime.date(2026, 3, 10), ""),
            (datetime.date(2026, 3, 14), "Ring about <the> trip & the form"),
        ):
            _log(
                cast,
                awkward,
                NOW - datetime.timedelta(days=10),
                agreed=agreed,
                summary="A <summary> used where nothing was agreed",
                follow_up_on=due_on,
            )
    with time_machine.travel(NOW, tick=False):
        response = login(cast.pastoral).get(HOME)
        panels = {panel["template"]: panel for panel in response.context["panels"]}
        drawn = {
            name: (panel, Template(loop).render(Context({"panel": _as_read_before(panel)})))
            for name, loop in (
                ("families/panels/due_contact.html", DUE_CONTACT),
                ("families/panels/good_news.html", GOOD_NEWS),
                ("families/panels/follow_ups.html", FOLLOW_UPS),
            )
            if (panel := panels.get(name))
        }
    return response, drawn


def _as_read_before(panel: dict) -> dict:
    """The panel's plain rows (families.panel_rows) in the shape the loops read: models, a
    family's name at `family.name`."""

    def shaped(row):
        return SimpleNamespace(
            **{name: getattr(row, name) for name in row.__slots__},
            family=SimpleNamespace(name=row.family_name),
            **({"level_label": row.level_label} if hasattr(row, "every_weeks") else {}),
        )

    return {
        **panel,
        **{
            key: [shaped(row) for row in panel[key]]
            for key in ("families", "follow_ups")
            if key in panel
        },
    }


def _lines(html) -> list[str]:
    return plain(html).replace("><", ">\n<").splitlines()


def test_each_panel_draws_what_its_loop_drew(home):
    response, drawn = home
    assert len(drawn) == 3
    for panel, templated in drawn.values():
        assert _lines(panel["rows"]) == _lines(templated)
        assert str(panel["rows"]) in response.text


def test_the_rows_escape_what_people_wrote_and_say_when(home):
    response, drawn = home
    due = str(drawn["families/panels/due_contact.html"][0]["rows"])
    assert "Family &lt;Cedar&gt;" in due and "last contact 3\xa0months" in due
    assert "no contact recorded yet" in due
    news = str(drawn["families/panels/good_news.html"][0]["rows"])
    assert "Family &quot;O&#x27;Brien&quot; &lt;b&gt;&amp;&lt;/b&gt;" in news
    assert "last positive contact 24 Jan 2026" in news
    assert "no positive contact recorded yet" in news
    follow_ups = str(drawn["families/panels/follow_ups.html"][0]["rows"])
    assert "overdue since 2 Mar" in follow_ups and "due 14 Mar" in follow_ups
    # Half past eleven at night in UTC is still the 10th in London in March: due today.
    assert "due today" in follow_ups
    assert "&lt;script&gt;x&lt;/script&gt; word0" in follow_ups and "word14" not in follow_ups
    assert "A &lt;summary&gt; used where nothing was agreed" in follow_ups
    assert "Ring about &lt;the&gt; trip &amp; the form" in follow_ups


def test_no_rows_draw_nothing():
    assert due_contact_rows([], NOW) == good_news_rows([]) == ""
    assert follow_up_rows([], NOW.date()) == ""

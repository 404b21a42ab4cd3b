"""The home page's meetings panel draws its four lists in Python (meetings.panel_rows): they say
exactly what the template loops they replaced said, for a family and steps whose words need
escaping, steps overdue and not, and a meeting late in the evening."""

import datetime

import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionPoint, Meeting
from meetings.panel_rows import chaired_overdue_rows, follow_up_rows, my_step_rows, upcoming_rows
from tests import factories
from tests.markup import plain

NOW = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)

# The loops as meetings/home_panel.html drew them before meetings.panel_rows.
LOOPS = {
    "chaired_overdue_rows": """{% for p in panel.chaired_overdue %}
      <li><span class="badge text-bg-danger">Overdue</span> {{ p.meeting.family.name }}: {{ p.what }} — {{ p.owner_name }}, was due {{ p.due_on|date:"j M" }}. <a href="{% url 'meetings:meeting-detail' p.meeting_id %}#actions">Open the meeting<span class="visually-hidden"> with {{ p.meeting.family.name }}</span></a></li>
    {% endfor %}""",  # noqa: E501
    "my_point_rows": """{% for p in panel.my_points %}
      <li>{{ p.meeting.family.name }}: {{ p.what }} — {% if p.due_on < panel.today %}<span class="tone-concern">overdue since {{ p.due_on|date:"j M" }}</span>{% else %}by {{ p.due_on|date:"j M" }}{% endif %}. <a href="{% url 'meetings:action-edit' p.pk %}">Update<span class="visually-hidden"> “{{ p.what }}”</span></a></li>
    {% endfor %}""",  # noqa: E501
    "follow_up_rows": """{% for f in panel.follow_ups %}
      <li>{{ f.meeting.family.name }}: {{ f.get_channel_display|lower }} by {{ f.due_on|date:"j M" }}{% if f.due_on < panel.today %} <span class="tone-concern">(overdue)</span>{% endif %}. <a href="{% url 'meetings:follow-up-log' f.pk %}">Log it<span class="visually-hidden"> for {{ f.meeting.family.name }}</span></a></li>
    {% endfor %}""",  # noqa: E501
    "upcoming_rows": """{% load clock %}{% for m in panel.upcoming %}
      <li><a href="{% url 'meetings:meeting-plan' m.pk %}">{{ m.starts_at|date:"D j M" }}, {{ m.starts_at|clock }}: {{ m.family.name }}</a> — preparation {{ m.prep_done }} of {{ m.prep_total }} done</li>
    {% endfor %}""",  # noqa: E501
}


def _lines(html) -> list[str]:
    return plain(html).replace("><", ">\n<").splitlines()


@time_machine.travel(NOW, tick=False)
def test_each_list_draws_what_its_loop_drew(cast, login, household):
    household.family.name = 'Family "O\'Brien" <b>&</b>'
    household.family.save()
    # Late in the evening, drawn in the school's time zone as the template drew it.
    late = datetime.datetime(2026, 3, 15, 23, 30, tzinfo=datetime.UTC)
    meeting = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral, starts_at=late
    )
    Meeting.objects.filter(pk=meeting.pk).update(prep_told_why=True)
    today = timezone.localdate()
    for what, due in (('Star <chart> & "stickers"', -3), ("Ring the clinic", 4)):
        factories.ActionPointFactory(
            meeting=meeting,
            what=what,
            owner_staff=cast.pastoral,
            due_on=today + datetime.timedelta(days=due),
        )
    for due, channel in ((-2, "phone"), (3, "home_visit")):
        meeting.follow_ups.create(
            due_on=today + datetime.timedelta(days=due), owner=cast.pastoral, channel=channel
        )
    response = login(cast.pastoral).get(reverse("home"))
    (panel,) = [
        p for p in response.context["panels"] if p["template"] == "meetings/home_panel.html"
    ]
    # The panel reads its steps as plain rows (meetings.panel_rows.Step); the loops drew them
    # from the models.
    as_models = {
        key: [ActionPoint.objects.get(pk=step.pk) for step in panel[key]]
        for key in ("chaired_overdue", "my_points")
    }
    assert [len(steps) for steps in as_models.values()] == [1, 2]
    for key, loop in LOOPS.items():
        templated = Template(loop).render(Context({"panel": {**panel, **as_models}}))
        assert _lines(panel[key]) == _lines(templated), key
        assert str(panel[key]) in response.text
    assert "Star &lt;chart&gt; &amp; &quot;stickers&quot;" in panel["chaired_overdue_rows"]
    assert "overdue since 7 Mar" in panel["my_point_rows"] and "by 14 Mar" in panel["my_point_rows"]
    assert "phone call by 8 Mar <span" in panel["follow_up_rows"]
    assert "home visit by 13 Mar." in panel["follow_up_rows"]
    assert "Sun 15 Mar, 11:30 p.m.: " in panel["upcoming_rows"]
    assert "preparation 1 of" in panel["upcoming_rows"]
    assert "Family &quot;O&#x27;Brien&quot; &lt;b&gt;&amp;&lt;/b&gt;" in panel["upcoming_rows"]


def test_no_rows_draw_nothing():
    today = NOW.date()
    assert chaired_overdue_rows([]) == my_step_rows([], today) == ""
    assert follow_up_rows([], today) == upcoming_rows([]) == ""

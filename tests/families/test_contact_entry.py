"""A contact in the family chronology, drawn in Python (families.contact_entry), says exactly
what the template it replaced said: for every part a contact may have (confidential with a
consent, about a child and with them, in a lesson, written late, through a parent's link,
agreed, a follow-up due and one done, amendments, edited, by an account since removed), with
text that needs escaping, to each role's links."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse

from families.models import Contact
from families.services import contact_amend, contact_edit, contact_log
from tests.markup import plain

# A contact as families/includes/contact_entry.html drew it before families.contact_entry.
TEMPLATE_ENTRY = """{% load clock %}
{% with contact=entry.obj %}
<article class="timeline-entry card mb-2" aria-labelledby="contact-{{ contact.pk }}-title">
  <div class="card-body py-2">
    <h3 class="h6 mb-1" id="contact-{{ contact.pk }}-title">
      <time datetime="{{ contact.occurred_at|date:'c' }}">{{ contact.occurred_at|date:"j M Y" }}, {{ contact.occurred_at|clock }}</time>
      · {{ contact.get_channel_display }}
      · <span class="tone-{{ contact.tone }}">{{ contact.get_tone_display }}</span>
      {% if contact.is_confidential %}<span class="badge text-bg-warning">Confidential: {{ contact.get_confidentiality_display }}</span>{% endif %}
    </h3>
    <p class="small text-body-secondary mb-1">
      {{ contact.staff.get_full_name }} with {{ contact.with_names|join:", " }}{% if contact.child_names %} · about {{ contact.child_names|join:", " }}{% endif %}
      · {{ contact.get_purpose_display }} · {{ contact.get_formality_display }}, {{ contact.get_level_display|lower }} level · started by {{ contact.get_initiated_by_display|lower }}{% if contact.subject or contact.lesson %} · in school: {% if contact.subject %}{{ contact.subject }}{% endif %}{% if contact.subject and contact.lesson %}, {% endif %}{% if contact.lesson %}{{ contact.get_lesson_display|lower }}{% endif %}{% endif %}
    </p>
    {% if contact.written_days_late %}<p class="small mb-1 late-entry">Written {{ contact.recorded_at|date:"j M Y" }} — {{ contact.written_days_late }} day{{ contact.written_days_late|pluralize }} after</p>{% endif %}
    {% if contact.channel == "link" and contact.initiated_by == "family" %}<p class="small fst-italic mb-1">In {{ contact.with_names|join:" and " }}'s own words, through their link:</p>{% endif %}
    <p class="mb-1">{{ contact.summary|linebreaksbr }}</p>
    {% if contact.agreed %}<p class="mb-1"><strong>Agreed:</strong> {{ contact.agreed|linebreaksbr }}</p>{% endif %}
    {% if contact.is_confidential %}<p class="small mb-1"><strong>Why restricted:</strong> {{ contact.confidentiality_reason }}{% if contact.consent %} · <strong>Consent:</strong> {{ contact.consent }}{% endif %}</p>{% endif %}
    {% if contact.follow_up_on %}
      <p class="small mb-1">{% if contact.follow_up_done_at %}Followed up on {{ contact.follow_up_done_at|date:"j M Y" }}.{% else %}Follow-up by {{ contact.follow_up_on|date:"j M Y" }} ({{ contact.follow_up_owner.get_full_name }}). <a class="d-print-none" href="{% url 'families:contact-add' contact.family_id %}?completes={{ contact.pk }}">Log the follow-up</a>{% endif %}</p>
    {% endif %}
    {% with amendments=contact.amendments.all %}{% if amendments %}{% include "includes/amendments.html" with amendments=amendments %}{% endif %}{% endwith %}
    <p class="small mb-0 d-print-none">
      {% if contact.last_edited_at %}Edited by {% if contact.last_editor_first or contact.last_editor_last %}{{ contact.last_editor_first }} {{ contact.last_editor_last }}{% elif contact.last_editor_username %}{{ contact.last_editor_username }} (account removed){% else %}the system{% endif %} on {{ contact.last_edited_at|date:"j M Y" }}, {{ contact.last_edited_at|clock }} · <a href="{% url 'families:contact-history' contact.pk %}">History<span class="visually-hidden"> of this contact</span></a>{% endif %}
      {% if contact.can_edit %}{% if contact.last_edited_at %} · {% endif %}<a href="{% url 'families:contact-edit' contact.pk %}">Edit<span class="visually-hidden"> this contact</span></a>{% endif %}
      {% if contact.can_amend %}{% if contact.last_edited_at or contact.can_edit %} · {% endif %}<a href="{% url 'families:contact-amend' contact.pk %}">Amend or record a dispute<span class="visually-hidden"> about this contact</span></a>{% endif %}
      {% if contact.can_withdraw %} · <a href="{% url 'families:contact-withdraw' contact.pk %}">Withdraw<span class="visually-hidden"> this contact</span></a>{% endif %}
    </p>
  </div>
</article>
{% endwith %}"""  # noqa: E501

HOSTILE = 'Said <script>alert("x")</script> & "quoted" it\'s\nfine\n\nreally'
UTC = datetime.UTC


def _plain(html: str) -> list[str]:
    """The markup with its layout whitespace taken out, a tag to a line (for a readable diff)."""
    return plain(html).replace("><", ">\n<").splitlines()


def _log(cast, fam, **fields):
    values = {
        "school": cast.school,
        "family": fam.family,
        "staff": cast.teacher,
        "parents": [fam.mum],
        "summary": HOSTILE,
    }
    return contact_log(**values | fields)


@pytest.fixture
def contacts(cast, fam):
    """One contact for each part an entry may show, each on its own day of summer 2026."""
    made = []

    def on(day, hour=9, **fields):
        when = datetime.datetime(2026, 6, day, hour, 30, tzinfo=UTC)
        with time_machine.travel(when + datetime.timedelta(minutes=5), tick=False):
            made.append(_log(cast, fam, occurred_at=when, **fields))
        return made[-1]

    on(1)
    on(2, 23, confidentiality="pastoral", confidentiality_reason="Health <b>", consent="Mum, 1/6")
    on(3, children=[fam.child], with_child=True, tone="concern", subject="Maths & <i>",
       lesson="period_2", agreed="Try again\nnext week <u>")  # fmt: skip
    on(4, channel="link", initiated_by="family", summary="In my words: <b>thanks</b>")
    on(5, follow_up_on=datetime.date(2026, 7, 1), follow_up_owner=cast.pastoral)
    done = on(6, follow_up_on=datetime.date(2026, 6, 20), follow_up_owner=cast.teacher)
    on(7, completes=done)
    late = datetime.datetime(2026, 6, 8, 10, tzinfo=UTC)
    with time_machine.travel(late + datetime.timedelta(days=3), tick=False):
        made.append(_log(cast, fam, occurred_at=late, level="enhanced", formality="formal"))
    amended = on(9, staff=cast.pastoral)
    contact_amend(contact=amended, amended_by=cast.pastoral, text="Fixed <b>", reason="Typo")
    edited = on(10)
    with time_machine.travel(datetime.datetime(2026, 6, 10, 12, tzinfo=UTC), tick=False):
        contact_edit(contact=edited, editor=cast.teacher, parents=[fam.mum], summary="Edited")
    gone = get_user_model().objects.create_user(username="gone.editor", password="x")
    removed = on(11)
    with time_machine.travel(datetime.datetime(2026, 6, 11, 12, tzinfo=UTC), tick=False):
        contact_edit(contact=removed, editor=gone, parents=[fam.mum], summary="By one gone")
    gone.delete()
    return made


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_each_contact_is_drawn_as_the_template_drew_it(cast, fam, contacts, login, role):
    url = reverse("families:family-detail", args=[fam.family.pk])
    with time_machine.travel(datetime.datetime(2026, 6, 12, 9, tzinfo=UTC), tick=False):
        response = login(getattr(cast, role)).get(url)
        entries = [e for e in response.context["entries"] if e.kind == "contact"]
        template = Template(TEMPLATE_ENTRY)
        pairs = [(e.html, template.render(Context({"entry": e}))) for e in entries]
    shown = {e.obj.pk for e in entries}
    readable = Contact.objects.readable_by(getattr(cast, role), cast.school)
    assert shown == set(readable.filter(family=fam.family).values_list("pk", flat=True))
    assert len(entries) >= 10
    for drawn, templated in pairs:
        assert _plain(drawn) == _plain(templated)
        assert str(drawn) in response.text
    page = response.text
    assert "Said &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    assert "it&#x27;s<br>fine<br><br>really" in page
    assert "Written 11 Jun 2026 — 3 days after" in page
    assert "Edited by gone.editor (account removed)" in page
    assert "Fixed &lt;b&gt;" in page and "Maths &amp; &lt;i&gt;, period 2" in page
    assert "Follow-up by 1 Jul 2026" in page and "Followed up on 7 Jun 2026." in page

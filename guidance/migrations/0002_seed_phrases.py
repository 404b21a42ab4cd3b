"""Seed the authority's default phrases to reconsider (a frozen copy of guidance.defaults)."""

from django.db import migrations

PHRASES = [   (   'hard to reach',
        'It puts the distance on the family, when it is often our ways of reaching out that '
        'have not yet worked for them.',
        'Say what we have tried and what has not yet worked: “Two letters and a call at 3pm '
        'unanswered; Mum works shifts; try a text or an early-morning call.”'),
    (   'difficult parent',
        'It labels the person rather than describing the conversation, and follows them into '
        'every future meeting.',
        'Describe what happened and what was said: “Dad was upset that he had not been told '
        'about the detention; he asked to be called first next time.”'),
    (   'refuses to engage',
        'It assumes a choice and a motive; there may be barriers we do not know about yet.',
        'Record the contact attempts and any barriers you know of: “Invited to three meetings '
        'by letter; no reply. Not yet asked what times or places would suit.”'),
    (   'chaotic family',
        'It judges a whole household in two words and hides what the family is managing.',
        'Describe what the family is managing and what helps: “Four children at three schools; '
        'mornings are hard when Mum starts work at 7.”'),
    (   'non-compliant',
        'Parents are partners, not people under orders; the word closes down the conversation.',
        'Say what was agreed and what happened: “We agreed daily reading; the family say '
        'evenings are taken up with the baby. Agreed to try weekends.”'),
    (   'uncooperative',
        'It records our frustration, not the facts, and colours how colleagues read the '
        'family.',
        'Write what was asked, what the parent said and why: “Mum did not want the referral '
        'yet; she would like to talk it over with her sister first.”'),
    (   'aggressive parent',
        'It fixes a label on the person. Record the behaviour, so that it can be understood '
        'and met safely next time.',
        'Describe what was said and done, and what helped: “Dad raised his voice in reception '
        'about the bus; calmer once we sat down in a quiet room.”'),
    (   "doesn't care",
        'Nearly every parent cares about their child; this guesses at feelings we cannot see.',
        "Record what you saw and heard: “Gran did not come to parents' evening; she has said "
        'evenings are hard without a car.”'),
    (   'does not care',
        'Nearly every parent cares about their child; this guesses at feelings we cannot see.',
        'Record what you saw and heard, and what the parent has told us about their '
        'situation.'),
    (   'disengaged',
        'It describes a state of mind, not what happened, and suggests the family has given '
        'up.',
        'Say when we were last in touch and how: “No reply to the last three messages since '
        'October; last spoke at the school gate in September, which went well.”'),
    (   'failed to attend',
        'It blames before we know why; a missed meeting often points to a time or place that '
        'did not suit.',
        'Write “did not come to the 2pm meeting” and what you will try next: another time, a '
        'call first, a place the parent prefers.'),
    (   'DNA',
        '“Did not attend” in shorthand reads as blame and means nothing to the family, who may '
        'one day read their records.',
        'Write it in full and add what happens next: “Did not come; rang and rearranged for '
        'Thursday at 9.”'),
    (   'manipulative',
        'It imputes intent. Colleagues who read it will see the parent through it.',
        'Describe what was asked for and what was said: “Mum asked three members of staff the '
        'same question about the trip; agreed one point of contact.”'),
    (   'in denial',
        "It dismisses the parent's own view of their child, which is where a solution often "
        'starts.',
        "Record the parent's view in their own words beside ours: “Dad sees Sam as shy rather "
        "than anxious; he notices Sam is more settled at his gran's.”"),
    (   'problem family',
        'The problem is the problem, not the family. The label follows the children too.',
        "Name the specific concern and the family's strengths: “Attendance is 82%; the "
        'children are always well prepared on the days they come.”'),
    (   'hostile',
        'It labels a feeling and the person; the parent may be frightened, worried or let '
        'down.',
        'Say what was said and what the parent was worried about: “Mum said she felt blamed at '
        'the last meeting and wanted to know who would be there this time.”'),
    (   'troubled family',
        'It sums a family up by its difficulties and hides what they are managing.',
        'Describe the particular difficulty and what the family is doing about it.'),
    (   'feckless',
        'It is a judgement of character, not a record of anything that happened.',
        'Record the facts: what was agreed, what happened, what might help next time.'),
    (   'unwilling to engage',
        'It assumes a choice; there may be barriers of time, money, language or past '
        'experience.',
        'Record how and when we tried, and ask what would make it easier to meet.'),
    (   'resistant',
        'It turns a difference of view into a fault in the parent.',
        "Write the parent's view and the school's, and what was agreed: “Mum does not want a "
        'referral yet; we agreed to meet again in four weeks.”'),
    (   'inappropriate parent',
        'It is a judgement without a fact in it, and says nothing a colleague can act on.',
        'Describe what was said or done, when, and who was there.'),
    (   'attention seeking',
        'It dismisses a need; a child or parent seeking attention is usually asking for help.',
        'Describe what happened and what the child or parent may have needed at that moment.')]


def seed(apps, schema_editor):
    Phrase = apps.get_model("guidance", "Phrase")
    for phrase, why, suggestion in PHRASES:
        Phrase.objects.get_or_create(
            school=None, phrase=phrase, defaults={"why": why, "suggestion": suggestion}
        )


def unseed(apps, schema_editor):
    Phrase = apps.get_model("guidance", "Phrase")
    Phrase.objects.filter(school=None, phrase__in=[p for p, _, _ in PHRASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

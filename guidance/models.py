"""Respectful recording: labelling or blaming phrases kept as data, and per-term tallies of how
often a hint about them was shown and taken.

The list is the authority's defaults (school empty) plus each school's own rows; a school row
with the same phrase replaces the default for that school, so unticking *active* on it switches
a default off there. Tallies count hints per school, term and phrase, never who saw them.
"""

from django.db import models
from django.db.models.functions import Lower

from portal.compiled import SCHOOL, Compiled, unfiltered
from portal.models import School


class PhraseQuerySet(models.QuerySet):
    def for_school(self, school: School | None) -> list["Phrase"]:
        """The active phrases that apply at `school`: its own rows, then the defaults it keeps."""
        if school is not None and unfiltered(self):
            rows = _phrases_of(school=school)  # every save of a contact or meeting reads these
        else:
            rows = _phrases(self, school)
        chosen: dict[str, Phrase] = {}
        for row in rows:  # defaults first, so a school's own row with the same phrase wins
            chosen[row.phrase.strip().lower()] = row
        return [row for row in chosen.values() if row.is_active]


def _phrases(queryset, school):
    return queryset.filter(models.Q(school=None) | models.Q(school=school)).order_by(
        models.F("school").asc(nulls_first=True), "pk"
    )


# Built once per process and school (portal.compiled).
_phrases_of = Compiled(lambda school: _phrases(Phrase.objects.all(), school), school=SCHOOL)


class Phrase(models.Model):
    """A phrase that labels or blames, why it can hurt, and a factual way to say it instead."""

    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for the authority's list, used by every school. Choose a school "
        "to add a phrase for that school only, or to reword or switch off a default there.",
    )
    phrase = models.CharField(
        max_length=100,
        help_text="Matched as a whole phrase, in any capitals (“hard to reach” also finds "
        "“Hard-to-reach”).",
    )
    why = models.TextField("why it can hurt")
    suggestion = models.TextField(
        "what to write instead", help_text="A factual, strengths-based alternative."
    )
    is_active = models.BooleanField("active", default=True)

    objects = PhraseQuerySet.as_manager()

    class Meta:
        ordering = ["phrase"]
        verbose_name = "phrase to reconsider"
        verbose_name_plural = "phrases to reconsider"
        constraints = [
            models.UniqueConstraint(
                Lower("phrase"),
                condition=models.Q(school=None),
                name="guidance_phrase_default_unique",
                violation_error_message="The authority's list already has this phrase.",
            ),
            models.UniqueConstraint(
                "school",
                Lower("phrase"),
                name="guidance_phrase_school_unique",
                violation_error_message="This school already has this phrase.",
            ),
        ]

    def __str__(self):
        return self.phrase


class HintTally(models.Model):
    """How often a hint about one phrase was shown, and taken, at one school in one term.

    "Taken": the hint was shown while typing and the phrase was gone when the record was saved.
    Deliberately holds no user: the dashboard shows how the school is doing, never a person.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    term_start = models.DateField()
    phrase = models.CharField(max_length=100)
    shown = models.PositiveIntegerField(default=0)
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "hint tally"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "term_start", "phrase"], name="guidance_tally_unique"
            )
        ]

    def __str__(self):
        return f"{self.phrase}: shown {self.shown}, taken {self.taken}"

"""Finding labelling or blaming phrases: whole phrases in any capitals, per school's list."""

from guidance.hints import matcher_for_school
from guidance.models import Phrase
from tests import factories

NAMED = [
    "hard to reach",
    "difficult parent",
    "refuses to engage",
    "chaotic family",
    "non-compliant",
]


def _found(school, text):
    return sorted(f.phrase for f in matcher_for_school(school).find(text))


def test_the_authority_list_is_seeded_with_the_named_phrases_and_others(db):
    defaults = Phrase.objects.filter(school=None, is_active=True)
    assert set(NAMED) <= set(defaults.values_list("phrase", flat=True))
    assert defaults.count() >= 20
    assert all(p.why and p.suggestion for p in defaults)


def test_matching_ignores_capitals_and_treats_hyphens_as_spaces(cast):
    text = "Mum is Hard-to-Reach and a DIFFICULT  parent."
    assert _found(cast.school, text) == ["difficult parent", "hard to reach"]


def test_a_hyphenated_phrase_also_matches_with_a_space(cast):
    assert _found(cast.school, "Described as non compliant.") == ["non-compliant"]


def test_only_whole_phrases_match(cast):
    assert _found(cast.school, "Hostilities ended; the DNAs were fine.") == []
    assert _found(cast.school, "He was hostile.") == ["hostile"]


def test_curly_apostrophes_match_straight_ones(cast):
    assert _found(cast.school, "Dad doesn’t care about homework") == ["doesn't care"]


def test_nothing_to_find_in_plain_factual_words(cast):
    text = "Rang Mum at 9; she works shifts and would like a text before calls."
    assert _found(cast.school, text) == []


def test_a_school_adds_its_own_phrase_which_other_schools_do_not_use(cast):
    factories.PhraseFactory(school=cast.school, phrase="frequent flyer")
    assert _found(cast.school, "A frequent flyer at reception.") == ["frequent flyer"]
    assert _found(cast.other_school, "A frequent flyer at reception.") == []


def test_a_school_switches_a_default_off_for_itself_only(cast):
    factories.PhraseFactory(school=cast.school, phrase="Hostile", is_active=False)
    assert _found(cast.school, "He was hostile.") == []
    assert _found(cast.other_school, "He was hostile.") == ["hostile"]


def test_a_school_rewords_a_default_suggestion(cast):
    factories.PhraseFactory(school=cast.school, phrase="hostile", suggestion="Our own words.")
    (found,) = matcher_for_school(cast.school).find("hostile")
    assert found.suggestion == "Our own words."


def test_inactive_defaults_are_not_used(cast):
    Phrase.objects.filter(school=None, phrase="hostile").update(is_active=False)
    assert _found(cast.school, "He was hostile.") == []


def test_the_seeding_migration_holds_the_same_list_as_the_defaults():
    import importlib

    from guidance.defaults import PHRASES

    migration = importlib.import_module("guidance.migrations.0002_seed_phrases")
    assert migration.PHRASES == PHRASES

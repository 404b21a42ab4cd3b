"""Festival names for templates: `{{ parent.avoid_festivals|festival_names }}`."""

from django import template

from portal.lib.festivals import FESTIVALS

register = template.Library()


@register.filter
def festival_names(keys) -> str:
    """The festivals' names, in words: "Diwali, Eid al-Fitr"; unknown keys are left out."""
    return ", ".join(FESTIVALS[key].label for key in keys or () if key in FESTIVALS)

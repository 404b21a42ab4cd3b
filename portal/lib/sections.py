"""Long forms in sections: each a fieldset with a heading and an id, reached from a short index
of links at the top of the form (`{% form_index form %}`), so a phone user need not scroll
through twenty fields to reach the one they came for."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django.utils.text import slugify


def sectioned_helper(form, sections: list[tuple[str, list[str]]]) -> FormHelper:
    """A crispy helper laying `form` out as one fieldset per (heading, field names) section.

    Names the form does not have (a field removed for this user) are left out, and a section
    left empty is dropped; fields no section names are drawn after the sections, so a field
    added later is never lost from the page.
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.render_unmentioned_fields = True
    parts = []
    for legend, names in sections:
        present = [n for n in names if n in form.fields]
        if present:
            parts.append(Fieldset(legend, *present))
    helper.layout = Layout(*parts)
    return helper


def form_sections(form) -> list[tuple[str, str]]:
    """(id, heading) of each fieldset of the form's crispy layout, in order; a fieldset without
    an id is given one from its heading (`part-<slug>`), which the form then renders."""
    helper = getattr(form, "helper", None)
    layout = getattr(helper, "layout", None)
    if layout is None:
        return []
    found = []
    for part in layout.fields:
        if isinstance(part, Fieldset) and part.legend:
            if not part.css_id:
                part.css_id = f"part-{slugify(str(part.legend))}"
            found.append((part.css_id, str(part.legend)))
    return found

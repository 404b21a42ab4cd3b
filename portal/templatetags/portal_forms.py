"""{% form_token %}: the hidden one-time token of a create form (see portal/lib/once.py);
{% form_index form %}: the index of links to a long form's sections (portal/lib/sections.py)."""

from django import template
from django.utils.html import format_html

from portal.lib import once, sections

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    request = context["request"]
    return format_html(
        '<input type="hidden" name="{}" value="{}">', once.FIELD, once.token_for(request)
    )


@register.inclusion_tag("includes/form_index.html")
def form_index(form, label="Parts of this form"):
    """The short index of links to a long form's sections (portal/lib/sections.py); put it
    before the form, which must then be drawn with {% crispy form %}."""
    return {"sections": sections.form_sections(form), "label": label}

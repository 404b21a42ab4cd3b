"""{% form_token %}: the hidden one-time token of a create form (see portal/lib/once.py)."""

from django import template
from django.utils.html import format_html

from portal.lib import once

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    request = context["request"]
    return format_html(
        '<input type="hidden" name="{}" value="{}">', once.FIELD, once.token_for(request)
    )

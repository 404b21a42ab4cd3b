"""{% page_query number param %}: a link to another page of a list, for includes/pager.html,
whose page number may travel under its own name when a page has two lists."""

from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, param=None):
    request = context.get("request")
    base = request.GET if request is not None else {}
    return querystring(context, base, {param or "page": number})

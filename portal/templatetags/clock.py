"""{{ when|clock }} "9:30 a.m.", {{ when|day_and_time }}: portal/lib/clock.py."""

from django import template

from portal.lib import clock as _clock

register = template.Library()


@register.filter(expects_localtime=True)
def clock(value):
    return _clock.time_of_day(value) if value else ""


@register.filter(expects_localtime=True)
def day_and_time(value):
    return _clock.day_and_time(value) if value else ""

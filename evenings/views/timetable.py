"""(being written)"""

from django.http import Http404


def timetable(request, *args, **kwargs):
    raise Http404


def timetable_print(request, *args, **kwargs):
    raise Http404


def block(request, *args, **kwargs):
    raise Http404


def whole(request, *args, **kwargs):
    raise Http404

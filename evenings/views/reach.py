"""(being written)"""

from django.http import Http404


def not_booked(request, *args, **kwargs):
    raise Http404


def reach(request, *args, **kwargs):
    raise Http404

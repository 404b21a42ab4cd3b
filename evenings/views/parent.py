"""(being written)"""

from django.http import Http404


def page(request, *args, **kwargs):
    raise Http404


def evening(request, *args, **kwargs):
    raise Http404


def book(request, *args, **kwargs):
    raise Http404


def cancel(request, *args, **kwargs):
    raise Http404


def ics(request, *args, **kwargs):
    raise Http404

"""(being written)"""

from django.http import Http404


def book(request, *args, **kwargs):
    raise Http404


def move(request, *args, **kwargs):
    raise Http404


def cancel(request, *args, **kwargs):
    raise Http404

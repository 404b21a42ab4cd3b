"""(being written)"""

from django.http import Http404


def outcome(request, *args, **kwargs):
    raise Http404


def log_contact(request, *args, **kwargs):
    raise Http404

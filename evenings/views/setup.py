"""(being written)"""

from django.http import Http404


def evening_list(request, *args, **kwargs):
    raise Http404


def evening_add(request, *args, **kwargs):
    raise Http404


def evening_detail(request, *args, **kwargs):
    raise Http404


def evening_edit(request, *args, **kwargs):
    raise Http404


def sitting_add(request, *args, **kwargs):
    raise Http404


def sitting_remove(request, *args, **kwargs):
    raise Http404


def evening_staff(request, *args, **kwargs):
    raise Http404


def evening_invite(request, *args, **kwargs):
    raise Http404

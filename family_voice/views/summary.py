"""(Placeholder, being built.)"""

from __future__ import annotations

from django.shortcuts import render

from family_voice.views.parent import parent_page


def page(request, link, token):
    return render(
        request,
        "family_voice/opened.html",
        {"link": link, "school_name": link.school.name, "parent": link.parent, "token": token},
    )


@parent_page
def pdf(request, link, token):
    from django.http import Http404

    raise Http404

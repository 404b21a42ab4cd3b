"""(Placeholder, being built.)"""

from __future__ import annotations

from django.shortcuts import render


def page(request, link, token):
    return render(
        request,
        "family_voice/opened.html",
        {"link": link, "school_name": link.school.name, "parent": link.parent, "token": token},
    )

"""The parent's side of a link: opened with no account, refused plainly when it no longer works,
and, for a link that shows anything about a child, a second check first.

Nothing here reads or writes a session: the second check is remembered in a signed cookie for
this link alone (two hours), so a forwarded link still asks for it. Addresses tried at random
are throttled per connection before the database is asked anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.signing import BadSignature
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

import audit
from family_voice import language, pages, services, tokens
from family_voice.forms import BirthDateCheckForm, CodeCheckForm
from family_voice.models import MAX_FAILED_CHECKS, ParentLink
from portal.http import SchoolRequest
from portal.middleware import school_optional
from portal.security import client_ip

# A page behind a link: (request, the link, its token, any URL arguments) -> response.
PageView = Callable[..., HttpResponse]

CHECK_COOKIE_SALT = "family_voice.checked"
CHECK_LASTS_SECONDS = 2 * 60 * 60
# Addresses that open nothing, per connection, before it is asked to wait.
BAD_TRIES = 20
BAD_TRIES_WINDOW = 10 * 60


def _cookie_name(link: ParentLink) -> str:
    return f"pcl{link.pk}"


def _checked(request: SchoolRequest, link: ParentLink) -> bool:
    try:
        value = request.get_signed_cookie(
            _cookie_name(link), salt=CHECK_COOKIE_SALT, max_age=CHECK_LASTS_SECONDS
        )
    except (KeyError, BadSignature):
        return False
    return value == link.digest[:16]


def _throttle_key(request: SchoolRequest) -> str:
    return f"family_voice:bad:{client_ip(request) or ''}"


def _throttled(request: SchoolRequest) -> bool:
    return cache.get(_throttle_key(request), 0) >= BAD_TRIES


def _count_bad_try(request: SchoolRequest) -> None:
    key = _throttle_key(request)
    if cache.add(key, 1, BAD_TRIES_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, BAD_TRIES_WINDOW)


def _refused(request: SchoolRequest, *, status: int = 404):
    """The same plain page for a link that was changed, stopped or has run out: nothing about
    what it was for, or whose it was (in the language chosen on this phone, if one was)."""
    with translation.override(language.chosen(request) or language.ENGLISH):
        return render(request, "family_voice/refused.html", status=status)


def _open_link(request: SchoolRequest, token: str):
    """(link, None) for a link that works; (None, response) otherwise. Only addresses that open
    no link at all (a bad signature, or a secret that is not the link's) count towards the
    throttle, and only they are slowed: a real link, even a stopped one, is never held up by
    someone else's guessing."""
    link = services.link_for_token(token) if tokens.read(token) is not None else None
    if link is None:
        if _throttled(request):
            return None, render(request, "family_voice/wait.html", status=429)
        _count_bad_try(request)
        return None, _refused(request)
    state = link.state()
    if state == "locked":
        with translation.override(language.for_parent(request, link.parent)):
            return None, render(
                request, "family_voice/locked.html", {"until": link.locked_until}, status=429
            )
    if state != "open" or services.why_closed(link):
        # Stopped, run out, or no longer allowed (e.g. a restriction recorded since it was made).
        return None, _refused(request)
    return link, None


def _check_page(request: SchoolRequest, link: ParentLink, *, status: int = 200, **context):
    return render(
        request,
        "family_voice/check.html",
        {
            "token": context.pop("token"),
            "school_name": link.school.name,
            "by_code": services.may_use_code(link),
            "by_birth_date": services.may_use_birth_date(link),
            "code_sent": link.code_sent_at is not None,
            "code_form": context.pop("code_form", None) or CodeCheckForm(),
            "date_form": context.pop("date_form", None) or BirthDateCheckForm(),
            "tries_left": MAX_FAILED_CHECKS - link.failed_checks,
            **context,
        },
        status=status,
    )


def parent_page(view: PageView) -> Callable[..., HttpResponse]:
    """A page behind a parent's link (the link's own page, or one under it such as a PDF or a
    note). The link must work; for a link that shows anything about a child the second check
    must have been passed here, on this phone, within two hours. The page is then drawn in the
    parent's language, and nothing about the link leaks to a page that refuses it."""

    @login_not_required
    @school_optional
    @never_cache
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def wrapped(request: SchoolRequest, token: str, *args, **kwargs) -> HttpResponse:
        link, refused = _open_link(request, token)
        if link is None:
            return refused
        # A language the school recorded that we have no catalogue for: the page says so.
        recorded = (link.parent.language or "").strip()
        request.language_missing = (  # type: ignore[attr-defined]
            recorded if recorded and not language.has_catalogue(recorded) else ""
        )
        with translation.override(language.for_parent(request, link.parent)):
            if link.needs_check and not _checked(request, link):
                if request.method != "GET" or args or kwargs or request.path != _link_path(token):
                    return redirect("family_voice:open", token=token)
                return _check_page(request, link, token=token)
            response = view(request, link, token, *args, **kwargs)
            response["Content-Language"] = translation.get_language()
            return response

    return wrapped


def _link_path(token: str) -> str:
    return reverse("family_voice:open", args=[token])


@parent_page
def link_open(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    """The link's own page: what it is for. Each opening (not each answer) is counted."""
    if request.method == "GET":
        services.link_opened(link)
        audit.record_unsigned(
            request,
            action=audit.VIEW,
            obj=link,
            family=link.family_id,
            school=link.school,
            who=f"{link.parent.full_name[:120]} (through their link)",
        )
    return pages.for_purpose(link.purpose)(request, link, token)


@login_not_required
@school_optional
@never_cache
@require_POST
def language_choose(request: SchoolRequest, token: str) -> HttpResponse:
    """The parent picks the language of their pages (kept on this phone for a year); also on
    the second check's page, before it is answered."""
    link, refused = _open_link(request, token)
    if link is None:
        return refused
    chosen = request.POST.get("language", "")
    back = request.POST.get("next", "")
    if not back.startswith(_link_path(token)):
        back = _link_path(token)
    response = redirect(back)
    if chosen in language.codes():
        response.set_cookie(
            language.COOKIE,
            chosen,
            max_age=language.COOKIE_MAX_AGE,
            path="/p/",
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


@login_not_required
@school_optional
@never_cache
@require_POST
def link_check(request: SchoolRequest, token: str):
    """The second check: ask for a code, or answer with the code or a child's date of birth."""
    link, refused = _open_link(request, token)
    if link is None:
        return refused
    with translation.override(language.for_parent(request, link.parent)):
        return _answer_check(request, link, token)


def _answer_check(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    if not link.needs_check:
        return redirect("family_voice:open", token=token)
    if "send_code" in request.POST:
        sent = services.code_send(link)
        link.refresh_from_db()
        return _check_page(request, link, token=token, just_sent=sent, too_soon=not sent)
    code_form = CodeCheckForm(request.POST) if "code" in request.POST else None
    date_form = BirthDateCheckForm(request.POST) if "birth_date" in request.POST else None
    form = code_form or date_form
    if form is None or not form.is_valid():
        return _check_page(
            request, link, token=token, code_form=code_form, date_form=date_form, status=400
        )
    right = services.check_answer(
        link,
        code=form.cleaned_data.get("code", ""),
        birth_date=form.cleaned_data.get("birth_date"),
    )
    link.refresh_from_db()
    if not right:
        state = link.state()
        if state == "locked":
            return render(
                request, "family_voice/locked.html", {"until": link.locked_until}, status=429
            )
        if state != "open":  # stopped after too many wrong answers in all
            return _refused(request)
        return _check_page(request, link, token=token, wrong=True, status=400)
    response = redirect("family_voice:open", token=token)
    response.set_signed_cookie(
        _cookie_name(link),
        link.digest[:16],
        salt=CHECK_COOKIE_SALT,
        max_age=CHECK_LASTS_SECONDS,
        path=request.path.rsplit("/check/", 1)[0] + "/",
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response

"""The parts of messaging reached without an account: a parent's stop on e-mails or texts (the
link in every e-mail, which mail programs may also post in one click), and GOV.UK Notify's
callbacks (delivery receipts, texts received), signed with the bearer token set in Notify."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from families.models import ParentCarer
from portal.http import SchoolRequest
from portal.lib.languages import ENGLISH, code_for
from reaching_out import services
from reaching_out.models import ChannelStop, Message

MAX_CALLBACK_BYTES = 20_000


@login_not_required
@csrf_exempt  # the signed token is the credential; mail programs post it in one click (RFC 8058)
@require_http_methods(["GET", "POST"])
def stop(request: SchoolRequest, token: str):
    """A parent stops e-mails (or texts) from the school: one page, one button, in their
    language. What the school must send (and says so) still comes."""
    found = services.stop_token_read(token)
    parent = ParentCarer.objects.filter(pk=found[0]).first() if found else None
    if parent is None or found is None:
        raise Http404("No such link.")
    channel = found[1]
    school = Message.objects.filter(parent=parent).select_related("school").order_by("-pk").first()
    school_name = school.school.name if school else ""
    with translation.override(code_for(parent.language or "") or ENGLISH):
        if request.method == "POST":
            services.stop(parent=parent, channel=channel, how=ChannelStop.How.LINK)
            return render(
                request,
                "reaching_out/stop_done.html",
                {"school_name": school_name, "channel": channel},
            )
        stopped = ChannelStop.objects.filter(
            parent=parent, channel=channel, restarted_at__isnull=True
        ).exists()
        return render(
            request,
            "reaching_out/stop.html",
            {"school_name": school_name, "channel": channel, "stopped": stopped},
        )


def _signed(request: SchoolRequest) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[len("Bearer ") :].encode(), expected.encode())


def _callback(request: SchoolRequest, *, needs: str, what: str) -> dict | JsonResponse:
    """A Notify callback's JSON, once it is known to be signed and to carry `needs` (a string);
    otherwise the answer to give (404 where callbacks are not set up, 401, 400)."""
    if not settings.NOTIFY_CALLBACK_TOKEN:
        raise Http404("Not set up.")
    if not _signed(request):
        return JsonResponse({"result": "error", "message": "Not signed."}, status=401)
    data = None
    if len(request.body) <= MAX_CALLBACK_BYTES:
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            data = None
    if not isinstance(data, dict) or not isinstance(data.get(needs), str):
        return JsonResponse({"result": "error", "message": f"Not {what}."}, status=400)
    return data


@login_not_required
@csrf_exempt  # signed with the bearer token set in GOV.UK Notify, not a session
@require_POST
def notify_status(request: SchoolRequest):
    """GOV.UK Notify's delivery receipt for one e-mail or text."""
    data = _callback(request, needs="status", what="a delivery receipt")
    if isinstance(data, JsonResponse):
        return data
    found = services.delivery_report(
        provider_id=str(data.get("id", ""))[:100],
        reference=str(data.get("reference") or "")[:100],
        status=data["status"],
    )
    return JsonResponse({"result": "success" if found else "unknown"})


STOP_WORDS = {"stop", "stop all", "unsubscribe", "end", "cancel", "quit"}


@login_not_required
@csrf_exempt  # signed with the bearer token set in GOV.UK Notify, not a session
@require_POST
def notify_inbound(request: SchoolRequest):
    """A text received on the school's Notify number: STOP stops texts to that number."""
    data = _callback(request, needs="source_number", what="a received text")
    if isinstance(data, JsonResponse):
        return data
    words = " ".join(str(data.get("message", "")).lower().split())
    stopped = 0
    if words in STOP_WORDS:
        stopped = services.texts_stopped_by_number(data["source_number"])
    return HttpResponse(status=204 if not stopped else 200)

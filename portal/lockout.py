"""Sign-in safeguards that cannot be turned against staff.

- A lock (django-axes, settings AXES_*) holds one username at one address only: wrong passwords
  typed elsewhere, or for other usernames behind a school's shared address, lock nobody else.
- Wrong passwords for one username from any addresses slow that username down rather than
  block it: past SLOW_AFTER of them, each address waits a few seconds (SLOW_MAX_WAIT at most)
  before its next password is checked. Each address waits on its own clock, so nobody else's
  attempts can keep the real person waiting longer than that.
- A locked person opens signing in again with an e-mailed link (one use, an hour) or a code
  from their authenticator app; both clear the lock of that username at that address.
- Password reset and unlock e-mails are limited per account and per address, and the answer
  is the same whether or not the account exists or a limit was reached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import secrets

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.lib.mail import send_templated
from portal.models import EmailRequest, SignInSlowdown, SignInWait, UnlockLink

logger = logging.getLogger(__name__)

# The username-wide slow-down. Five failures lock an address (AXES_FAILURE_LIMIT), so this
# starts once at least two addresses have tried and failed.
SLOW_AFTER = 10
SLOW_WINDOW = dt.timedelta(minutes=15)  # failures are forgotten after this long without one
SLOW_FIRST_WAIT = 2  # seconds; doubling with each further failure
SLOW_MAX_WAIT = 30  # seconds: the longest anyone is ever asked to wait
WAIT_LIFETIME = dt.timedelta(minutes=15)  # a wait not used by then is handed out afresh

UNLOCK_LINK_LIFETIME = dt.timedelta(hours=1)
EMAIL_LIMIT_WINDOW = dt.timedelta(hours=1)
EMAIL_LIMIT_PER_ACCOUNT = 3
EMAIL_LIMIT_PER_ADDRESS = 10
KEEP_FOR = dt.timedelta(days=1)  # bookkeeping rows older than this are removed as we go


def _address(address: str | None) -> str:
    return address or ""


def pair_locked(request, username: str) -> bool:
    """Whether django-axes holds this username at this request's address."""
    return not AxesProxyHandler.is_allowed(request, {settings.AXES_USERNAME_FORM_FIELD: username})


def _wait_seconds(failures: int) -> int:
    doublings = min(max(failures - SLOW_AFTER, 0), 10)
    return min(SLOW_FIRST_WAIT * 2**doublings, SLOW_MAX_WAIT)


@transaction.atomic
def slowdown_failure_record(*, username: str, address: str | None) -> int:
    """Count a wrong password for `username` (any address); returns the recent count."""
    now = timezone.now()
    SignInSlowdown.objects.filter(last_failure_at__lt=now - KEEP_FOR).delete()
    row, created = SignInSlowdown.objects.get_or_create(
        username=username, defaults={"failures": 1, "last_failure_at": now}
    )
    if not created:
        recent = SignInSlowdown.objects.filter(pk=row.pk, last_failure_at__gt=now - SLOW_WINDOW)
        if not recent.update(failures=F("failures") + 1, last_failure_at=now):
            SignInSlowdown.objects.filter(pk=row.pk).update(failures=1, last_failure_at=now)
        row.refresh_from_db()
    return row.failures


@transaction.atomic
def slowdown_wait(*, username: str, address: str | None) -> int:
    """Seconds this address must still wait before a password for `username` is checked; 0
    means check it now. The first attempt from an address while the username is slowed down is
    handed its own wait; attempts during it are not checked and do not lengthen it; the first
    attempt after it is checked, whatever other addresses have done meanwhile."""
    now = timezone.now()
    slowdown = SignInSlowdown.objects.filter(
        username=username, last_failure_at__gt=now - SLOW_WINDOW
    ).first()
    if slowdown is None or slowdown.failures < SLOW_AFTER:
        return 0
    SignInWait.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    seconds = _wait_seconds(slowdown.failures)
    wait, created = SignInWait.objects.get_or_create(
        username=username,
        ip_address=_address(address),
        defaults={"ready_at": now + dt.timedelta(seconds=seconds), "created_at": now},
    )
    if created:
        return seconds
    if wait.created_at <= now - WAIT_LIFETIME:
        SignInWait.objects.filter(pk=wait.pk).update(
            ready_at=now + dt.timedelta(seconds=seconds), created_at=now
        )
        return seconds
    if now < wait.ready_at:
        return max(1, math.ceil((wait.ready_at - now).total_seconds()))
    # Spent by this attempt; if a simultaneous attempt spent it first, this one waits again.
    if SignInWait.objects.filter(pk=wait.pk).delete()[0]:
        return 0
    return SLOW_FIRST_WAIT


@transaction.atomic
def sign_in_unlock(*, username: str, address: str | None) -> int:
    """Open signing in again for `username` from `address`: clear the django-axes lock of that
    pair, and let that address's next password be checked at once. Returns the attempt rows
    cleared. Other addresses' locks stay: they may be someone else's."""
    # Filtered here rather than through axes.utils.reset, which would clear the username at
    # every address when the address is unknown.
    cleared, _ = AccessAttempt.objects.filter(
        username=username, ip_address=address or None
    ).delete()
    now = timezone.now()
    SignInWait.objects.update_or_create(
        username=username,
        ip_address=_address(address),
        defaults={"ready_at": now, "created_at": now},
    )
    return cleared


def _account_hash(kind: str, account: str) -> str:
    return hashlib.sha256(f"{kind}:{account.strip().casefold()}".encode()).hexdigest()


@transaction.atomic
def email_request_allow(*, kind: str, account: str, address: str | None) -> bool:
    """Whether an e-mail of `kind` may be sent for `account` (an e-mail address or username as
    typed) asked from `address`, counting it if so: EMAIL_LIMIT_PER_ACCOUNT an hour for one
    account, EMAIL_LIMIT_PER_ADDRESS an hour from one address. Requests past a limit are not
    counted, so the limit lifts an hour after the requests that reached it."""
    now = timezone.now()
    since = now - EMAIL_LIMIT_WINDOW
    EmailRequest.objects.filter(at__lt=now - KEEP_FOR).delete()
    account_hash = _account_hash(kind, account)
    recent = EmailRequest.objects.filter(kind=kind, at__gt=since)
    if recent.filter(account_hash=account_hash).count() >= EMAIL_LIMIT_PER_ACCOUNT:
        return False
    if recent.filter(ip_address=_address(address)).count() >= EMAIL_LIMIT_PER_ADDRESS:
        return False
    EmailRequest.objects.create(
        kind=kind, account_hash=account_hash, ip_address=_address(address), at=now
    )
    return True


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unlock_link_send(*, username: str, address: str | None, request) -> bool:
    """E-mail an unlock link to the account with `username`, if there is one with an e-mail
    address and the hourly limits allow; returns whether one was sent. Callers answer the same
    either way."""
    if not email_request_allow(kind=EmailRequest.Kind.UNLOCK, account=username, address=address):
        return False
    user = (
        get_user_model().objects.filter(username=username, is_active=True).exclude(email="").first()
    )
    if user is None:
        return False
    UnlockLink.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    token = secrets.token_urlsafe(32)
    UnlockLink.objects.create(
        user=user,
        ip_address=_address(address),
        token_hash=_token_hash(token),
        created_at=timezone.now(),
    )
    try:
        send_templated(
            template="registration/unlock_email",
            to=user.email,
            context={
                "user": user,
                "address": address or "unknown",
                "url": request.build_absolute_uri(reverse("unlock-confirm", args=[token])),
                "minutes": int(UNLOCK_LINK_LIFETIME.total_seconds() // 60),
            },
        )
    except Exception:
        # As Django's password reset does: the page must not tell that an account exists.
        logger.exception("Failed to send an unlock link to user %s", user.pk)
        return False
    return True


def unlock_link_find(token: str) -> UnlockLink | None:
    """The unused, unexpired link with this secret, if any."""
    if not token or len(token) > 100:
        return None
    return (
        UnlockLink.objects.filter(
            token_hash=_token_hash(token),
            used_at__isnull=True,
            created_at__gt=timezone.now() - UNLOCK_LINK_LIFETIME,
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )


@transaction.atomic
def unlock_link_use(*, token: str) -> UnlockLink | None:
    """Spend an unlock link and open signing in again for its account and address; None if the
    link is unknown, used or expired."""
    link = unlock_link_find(token)
    if link is None:
        return None
    spent = UnlockLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not spent:
        return None
    sign_in_unlock(username=link.user.get_username(), address=link.ip_address or None)
    return link

"""The ways a message leaves the portal: e-mail through SMTP (Django's mail, EMAIL_URL) or
GOV.UK Notify, and texts through Notify. Each send either returns the provider's id or raises
Temporary (try again later) or Permanent (will never go this way), with words for the sender.

Letters and phone calls do not leave through here: letters are printed in batches
(reaching_out.letters) and calls are tasks for staff (reaching_out.services.call_made).
"""

from __future__ import annotations

import contextlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers

from portal.lib.mail import header_safe
from reaching_out.models import Channel, Message


class Temporary(Exception):
    """Did not go this time; try again later (the server was away, busy or slow)."""


class Permanent(Exception):
    """Will never go this way (an address refused, a number that is not a mobile)."""


def email_via() -> str:
    return "notify" if settings.MESSAGES_EMAIL_VIA == "notify" else "smtp"


def texts_on() -> bool:
    """Texts go only through GOV.UK Notify, when it is set up."""
    return bool(settings.NOTIFY_API_KEY and settings.NOTIFY_TEXT_TEMPLATE)


def message_id(message: Message) -> str:
    """The same Message-ID every time this message is handed over (a receiving system that
    sees it twice can tell)."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<{message.reference}@{domain}>"


class Sender:
    """Sends one message after another through one SMTP connection or one Notify client;
    use as a context manager."""

    def __init__(self):
        self._smtp = None
        self._notify = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._reset()
        return False

    def send(self, message: Message, *, body: str, attachments=(), stop_url: str = "") -> str:
        if message.channel == Channel.EMAIL:
            if email_via() == "notify" and message.parent_id:
                return self._notify_email(message, body=body, stop_url=stop_url)
            return self._smtp_email(message, body=body, attachments=attachments, stop_url=stop_url)
        if message.channel == Channel.TEXT:
            return self._notify_text(message, body=body)
        raise Permanent("Letters and calls are not sent through the outbox worker.")

    # SMTP --------------------------------------------------------------------------------

    def _smtp_email(self, message, *, body, attachments, stop_url) -> str:
        headers = {"Message-ID": message_id(message)}
        if stop_url:
            headers["List-Unsubscribe"] = f"<{stop_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email = EmailMultiAlternatives(
            subject=header_safe(message.subject),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[header_safe(message.to)],
            headers=headers,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for name, content, mimetype in attachments:
            email.attach(name, content, mimetype)
        if self._smtp is None:
            self._smtp = mailers.default
            try:
                self._smtp.open()
            except (OSError, smtplib.SMTPException) as error:
                self._smtp = None
                raise Temporary(f"The e-mail server could not be reached ({error}).") from error
        try:
            sent = self._smtp.send_messages([email])
        except smtplib.SMTPRecipientsRefused as error:
            code, words = next(iter(error.recipients.values()), (550, b""))
            if 400 <= code < 500:
                raise Temporary(f"The e-mail server asked us to try later ({code}).") from error
            raise Permanent(
                f"The e-mail server refused the address {message.to} ({code} "
                f"{_text(words)}). Check the address with the parent."
            ) from error
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            self._reset()
            if 400 <= error.smtp_code < 500:
                raise Temporary(
                    f"The e-mail server asked us to try later ({error.smtp_code})."
                ) from error
            raise Permanent(
                f"The e-mail server refused this e-mail ({error.smtp_code} "
                f"{_text(error.smtp_error)})."
            ) from error
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            self._reset()
            raise Temporary(f"The connection to the e-mail server broke ({error}).") from error
        except ValueError as error:  # Django refuses an address it cannot parse (a line break)
            raise Permanent(
                f"{header_safe(message.to)} is not a whole e-mail address. Check the address "
                "with the parent."
            ) from error
        if not sent:
            self._reset()
            raise Temporary("The e-mail server did not take the e-mail.")
        return headers["Message-ID"].strip("<>")

    def _reset(self):
        if self._smtp is not None:
            # A broken connection is dropped either way.
            with contextlib.suppress(Exception):
                self._smtp.close()
        self._smtp = None

    # GOV.UK Notify -----------------------------------------------------------------------

    def _client(self):
        if self._notify is None:
            if not settings.NOTIFY_API_KEY:
                raise Permanent("GOV.UK Notify is not set up (NOTIFY_API_KEY).")
            from notifications_python_client.notifications import NotificationsAPIClient

            self._notify = NotificationsAPIClient(
                settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=20
            )
        return self._notify

    def _notify_email(self, message, *, body, stop_url) -> str:
        kwargs = {"one_click_unsubscribe_url": stop_url} if stop_url else {}
        return _notify_call(
            lambda: self._client().send_email_notification(
                email_address=message.to,
                template_id=settings.NOTIFY_EMAIL_TEMPLATE,
                personalisation={"subject": header_safe(message.subject), "body": body},
                reference=str(message.reference),
                **kwargs,
            )
        )

    def _notify_text(self, message, *, body) -> str:
        if not texts_on():
            raise Permanent("Texts are not set up: GOV.UK Notify has no text template here.")
        return _notify_call(
            lambda: self._client().send_sms_notification(
                phone_number=message.to,
                template_id=settings.NOTIFY_TEXT_TEMPLATE,
                personalisation={"body": body},
                reference=str(message.reference),
            )
        )

    def find_at_notify(self, message: Message) -> str | None:
        """The id Notify gave this message, if it took it (asked after a worker stopped
        part-way): looked up by our reference, so a message is never sent twice."""
        found = _notify_call(
            lambda: self._client().get_all_notifications(reference=str(message.reference)),
            want_id=False,
        )
        for notification in found.get("notifications", []):
            return notification.get("id")
        return None

    def notify_status(self, provider_id: str) -> str:
        found = _notify_call(
            lambda: self._client().get_notification_by_id(provider_id), want_id=False
        )
        return found.get("status", "")


def _notify_call(call, *, want_id: bool = True):
    from notifications_python_client.errors import APIError, HTTP503Error, TokenError
    from requests import RequestException

    try:
        answer = call()
    except HTTP503Error as error:
        raise Temporary("GOV.UK Notify is not answering; we will try again.") from error
    except APIError as error:
        words = _notify_words(error.message)
        if error.status_code == 429:
            raise Temporary("GOV.UK Notify asked us to slow down; we will try again.") from error
        if error.status_code >= 500:
            raise Temporary(f"GOV.UK Notify had a problem ({error.status_code}).") from error
        if error.status_code == 403:
            raise Temporary(
                f"GOV.UK Notify refused our key ({words}). Tell the portal's administrators."
            ) from error
        raise Permanent(f"GOV.UK Notify refused it: {words}.") from error
    except (RequestException, OSError) as error:
        raise Temporary("GOV.UK Notify could not be reached; we will try again.") from error
    except TokenError as error:
        raise Temporary("The GOV.UK Notify key is not valid. Tell the administrators.") from error
    if not want_id:
        return answer
    return str(answer.get("id", ""))


def _notify_words(message) -> str:
    if isinstance(message, list):
        return "; ".join(str(m.get("message", m)) for m in message if m) or "no reason given"
    return str(message)


def _text(words) -> str:
    return words.decode("utf-8", "replace") if isinstance(words, bytes) else str(words)


# Notify's delivery statuses, as our states (https://docs.notifications.service.gov.uk/).
NOTIFY_STATES: dict[str, str] = {
    "delivered": Message.State.DELIVERED,
    "sent": Message.State.SENT,  # international texts: sent, no delivery receipt
    "permanent-failure": Message.State.BOUNCED,
    "temporary-failure": Message.State.FAILED,
    "technical-failure": Message.State.FAILED,
}
NOTIFY_WORDS = {
    "permanent-failure": "The address or number does not exist or no longer works. Check it "
    "with the parent, or try another way.",
    "temporary-failure": "It could not be delivered for three days (an inbox full or a phone "
    "switched off). Try another way.",
    "technical-failure": "GOV.UK Notify could not send it. Try again or try another way.",
}

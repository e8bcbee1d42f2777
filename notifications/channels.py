"""The two outside channels, as transports: an e-mail through Django's
e-mail backend in the recipient's language, and a signed JSON POST to a
webhook subscriber. No database writes here (notifications/delivery.py
keeps the state)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from notifications import signing
from notifications.events import Rendered, render_message
from notifications.models import OutboxEvent, OutboxMessage

USER_AGENT = "Casework-Webhook/1"


def absolute(link: str | None) -> str | None:
    return f"{settings.CASEWORK_BASE_URL}{link}" if link else None


def email_send(*, message: OutboxMessage, address: str, language: str) -> None:
    """Send ``message`` to ``address``, rendered in ``language``. Raises what the backend raises."""
    with translation.override(language):
        text: Rendered = render_message(message)
        context = {"message": message, "text": text, "link": absolute(text.link), "recipient": message.recipient}
        subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
        body = render_to_string("notifications/email/message.txt", context)
    EmailMessage(
        subject,
        body,
        to=[address],
        headers={"Content-Language": language, "X-Casework-Event": message.event},
    ).send(fail_silently=False)


def webhook_delivery_id(occurrence: OutboxEvent, subscriber_id: int) -> uuid.UUID:
    """The same for every attempt of one event to one subscriber: receivers deduplicate on it."""
    return uuid.uuid5(occurrence.uuid, str(subscriber_id))


def webhook_body(occurrence: OutboxEvent) -> bytes:
    """The JSON a subscriber receives: the event, its subject (with the
    page's address when it has one), its payload and its text in the
    default language. Compact, keys sorted, UTF-8: the signature covers
    these exact bytes."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_message(occurrence)
    data: dict[str, Any] = {
        "id": str(occurrence.uuid),
        "event": occurrence.event,
        "created_at": occurrence.created_at.isoformat(),
        "subject": {
            "type": occurrence.subject_type,
            "id": occurrence.subject_id,
            "url": absolute(text.link),
        },
        "payload": occurrence.payload,
        "title": text.title,
        "body": text.body,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Answer:
    ok: bool
    status_code: int | None
    error: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (a failure), not somewhere else to send the body."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# Direct connections only: no proxy from the environment sees the bodies.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def webhook_post(*, url: str, body: bytes, secret: str, event: str, delivery_id: uuid.UUID) -> Answer:
    """POST ``body`` signed with ``secret``; any 2xx is success. Never raises."""
    if urlsplit(url).scheme not in ("http", "https"):
        return Answer(False, None, "not an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Casework-Event": event,
            "X-Casework-Delivery": str(delivery_id),
            signing.HEADER: signing.sign(secret, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.NOTIFICATIONS_WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        return Answer(False, error.code, f"HTTP {error.code}")
    except (OSError, ValueError) as error:  # URLError, timeouts, refused connections
        return Answer(False, None, f"{type(error).__name__}: {error}"[:500])
    if 200 <= status < 300:
        return Answer(True, status, "")
    return Answer(False, status, f"HTTP {status}")

"""``clientgate mailer``: delivers the emails the store queued (``core.outbox``) through SMTP.

Each email is marked sent once the server accepted it, or failed (with the server's answer) when
the server refused it; a failed email is tried again on later rounds until it has been tried
``mailer_max_attempts`` times. When the server cannot be reached at all nothing is marked: the
emails are not at fault, and the next round tries them again.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

from core.store import Store

from .settings import Settings


class MailerError(Exception):
    """The SMTP server could not be reached or refused the session (not one email)."""


def connect(settings: Settings) -> smtplib.SMTP:
    kind = smtplib.SMTP_SSL if settings.smtp_security == "ssl" else smtplib.SMTP
    try:
        smtp = kind(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
        if settings.smtp_security == "starttls":
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailerError(f"SMTP server {settings.smtp_host}:{settings.smtp_port}: "
                          f"{exc or type(exc).__name__}") from None
    return smtp


def message(email: dict[str, Any], sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = formataddr((email["to_name"] or "", email["to_email"]))
    msg["Subject"] = email["subject"]
    msg.set_content(email["body"])
    return msg


def deliver(store: Store, settings: Settings, *, limit: int = 100) -> dict[str, int]:
    """One round: up to ``limit`` pending emails. Returns how many were sent and failed."""
    pending = store.outbox.pending(limit, max_attempts=settings.mailer_max_attempts)
    done = {"sent": 0, "failed": 0}
    if not pending:
        return done
    smtp = connect(settings)
    try:
        for email in pending:
            try:
                smtp.send_message(message(email, settings.smtp_from))
            except smtplib.SMTPServerDisconnected as exc:
                raise MailerError(f"SMTP server disconnected: {exc}") from None
            except (smtplib.SMTPException, ValueError) as exc:
                store.outbox.mark_failed(email["id"], str(exc) or type(exc).__name__)
                done["failed"] += 1
            else:
                store.outbox.mark_sent(email["id"])
                done["sent"] += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return done


def run(store: Store, settings: Settings, *, limit: int = 100,
        report: Callable[[dict[str, Any]], None], rounds: int | None = None) -> None:
    """Deliver round after round, ``mailer_interval`` seconds apart (``rounds``: how many);
    ``report`` hears each round's counts, or its ``error`` when the server was out of reach."""
    done = 0
    while rounds is None or done < rounds:
        try:
            result: dict[str, Any] = deliver(store, settings, limit=limit)
        except MailerError as exc:
            result = {"sent": 0, "failed": 0, "error": str(exc)}
        report(result)
        done += 1
        if rounds is None or done < rounds:
            time.sleep(settings.mailer_interval)

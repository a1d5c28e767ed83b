"""The outreach capability's job: reminders the day before an event."""

from __future__ import annotations

from flask import Flask

from app.jobs import Job

REMINDER_JOB = "outreach-event-reminders"


def send_reminders() -> dict:
    from app.services.outreach.events import send_reminders as send

    return send()


def jobs(app: Flask) -> tuple[Job, ...]:
    every = int(app.config["BEIAN_EVENT_REMINDER_EVERY_SECONDS"])
    return (Job(REMINDER_JOB, send_reminders, every),)

"""The personal deadlines feed: the same items as the home page, for Yandex Calendar or Outlook."""

import hashlib
from datetime import date, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from innovation_portal import due

from .notify import absolute_url


def deadlines_ics(user):
    calendar = Calendar()
    calendar.add("prodid", "-//Innovation portal//deadlines//RU")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Сроки: инновационный портал")
    calendar.add("x-wr-timezone", "Europe/Moscow")
    now = timezone.now()
    for item in due.items_for(user):
        if item.due is None:
            continue
        event = Event()
        # A stable UID, so calendar programs update an event instead of duplicating it.
        digest = hashlib.sha256(f"{item.url}|{item.title}".encode()).hexdigest()[:24]
        event.add("uid", f"{digest}-{user.pk}@innovation-portal")
        event.add("summary", item.title)
        event.add("dtstamp", now)
        if isinstance(item.due, datetime):
            event.add("dtstart", timezone.localtime(item.due))
            event.add("dtend", timezone.localtime(item.due) + timedelta(minutes=30))
        elif isinstance(item.due, date):
            event.add("dtstart", item.due)
            event.add("dtend", item.due + timedelta(days=1))
        description = "\n".join(part for part in (item.note, absolute_url(item.url)) if part)
        event.add("description", description)
        event.add("url", absolute_url(item.url))
        calendar.add_component(event)
    return calendar.to_ical()

"""Calendar invitations (iCalendar, RFC 5545) for office hours and workshops."""

from __future__ import annotations

import datetime as dt


def ics(*, uid: str, title: str, starts: dt.datetime, ends: dt.datetime, location: str, description: str = "") -> bytes:
    """An iCalendar invitation (RFC 5545) for calendars on phones and computers."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Sang tao//vi")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("summary", title)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()

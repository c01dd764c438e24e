"""Meetings: scheduling, recurrence, Vietnamese dates, reminders and notices, plan import, .ics."""

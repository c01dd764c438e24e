"""Telegram handlers for attendance: members' answers and the committee's roll."""

"""Attendance: members' answers, the committee's roll and check-in, the group panel."""

"""Telegram handlers for cells and members: roster, invites, groups, contact, privacy."""

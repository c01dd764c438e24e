"""Cells and their people: cells, membership and roster, roles and statuses, privacy and erasure."""

"""The higher committee (đảng ủy) over cells: its read-only roles, the HD 42 notice to the
overseer, and the overview (counts only; personal data stays with the cell)."""

"""The agenda broadcast: compose, preview, send to every member and the group, edit, report."""

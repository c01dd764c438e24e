"""The agenda broadcast: compose, preview, send to every member and the group, edit, report.

``service`` is the façade handlers use; ``drafts`` composes, ``sending`` plans the copies,
``messages`` renders them from the outbox, ``report`` counts who got what, ``agenda`` is the
message itself and ``kinds`` names the outbox rows and their dedupe keys.
"""

"""What an operator needs to run the bot for years: health, metrics and backups.

- ``bot.ops.server.start_ops_server``: GET /healthz and GET /metrics on a private port;
- ``bot.ops.metrics``: the counters the worker and the update loop bump;
- ``bot.ops.backup``: ``backup`` / ``restore`` for SQLite and PostgreSQL.
"""

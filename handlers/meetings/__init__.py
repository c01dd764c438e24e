"""Telegram handlers for meetings: /lich, /chuyende, the /taolich wizard, /caidat."""

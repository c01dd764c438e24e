"""Telegram-side adapters: the Sender, the PTB rate-limiter bridge, the command menus."""

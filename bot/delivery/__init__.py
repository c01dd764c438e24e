"""Getting messages out: the outbox worker, the rate limiter, the Sender port, button data."""

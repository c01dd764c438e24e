"""``python -m bot.ops.probe``: exit 0 when the ``chibo run`` of this machine says it is healthy.

Docker's HEALTHCHECK runs it inside the container, where the slim image has no curl. It reads
OPS_HOST and OPS_PORT as ``chibo run`` does and asks 127.0.0.1 when the server binds every
address. It prints the one-line JSON of /healthz (or why there is none), which
``docker inspect`` shows.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

from bot.settings import Settings, SettingsError, load_settings

TIMEOUT = 5.0  # seconds; /healthz itself gives the database 2
ANY_ADDRESS = ("0.0.0.0", "::", "")


def healthz_url(settings: Settings) -> str | None:
    """Where /healthz answers, or None when OPS_PORT=0 turned it off."""
    if not settings.ops_port:
        return None
    host = "127.0.0.1" if settings.ops_host in ANY_ADDRESS else settings.ops_host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.ops_port}/healthz"


def main() -> int:
    try:
        url = healthz_url(load_settings())
    except SettingsError as exc:
        print(exc)
        return 1
    if url is None:
        print("OPS_PORT=0: /healthz is off, nothing to check")
        return 0
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            print(response.read().decode("utf-8", "replace"))
            return 0
    except urllib.error.HTTPError as exc:  # 503: the body says which check failed
        print(exc.read().decode("utf-8", "replace"))
    except OSError as exc:
        print(f"{url}: no answer ({exc})")
    return 1


if __name__ == "__main__":
    sys.exit(main())

"""kill -9 in the middle of a broadcast, restart, and count the copies each member got.

The bot runs as in production (``python -m bot.cli run``) in a subprocess against the fake
Bot API server in this process. After ``--crash-after`` messages it is killed with SIGKILL
and started again; when the outbox is drained, every member must have exactly one copy —
except rows the dead process had on the wire, which are marked "uncertain" (never resent)
and counted here.

    python -m bench.broadcast_crash --members 1000 --crash-after 300
"""

from __future__ import annotations

import argparse
import asyncio

from bench.broadcast_bench import run, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kill -9 mid-broadcast, then count copies")
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--crash-after", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: SQLite file)")
    args = parser.parse_args(argv)
    results = []
    for _ in range(args.runs):
        result = asyncio.run(run(args.members, args.db, crash_after=args.crash_after))
        results.append(result)
        print(table([result]), flush=True)
    print()
    print(table(results))
    ok = all(r.crashed and r.duplicates == 0 and r.missing <= r.uncertain for r in results)
    print("exactly one copy per member (uncertain rows excepted):", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

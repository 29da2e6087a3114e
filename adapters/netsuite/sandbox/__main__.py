"""Run the NetSuite sandbox standalone: ``python -m adapters.netsuite.sandbox --port 8100``.

Prints the base URL and the sandbox-only credentials a client needs.
"""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import date

from adapters.netsuite.sandbox.sandbox import NetSuiteSandbox


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m adapters.netsuite.sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--account", default="1234567_SB1")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--anchor", type=date.fromisoformat, default=None)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--invoices", type=int, default=4000)
    parser.add_argument("--db-path", default=None)
    parser.add_argument("--concurrency-limit", type=int, default=5)
    return parser.parse_args(argv)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    """Start the sandbox, print how to reach it, and serve until interrupted."""
    args = _parse_args(argv)
    sandbox = NetSuiteSandbox(
        account=args.account,
        seed=args.seed,
        anchor=args.anchor,
        customers=args.customers,
        invoices=args.invoices,
        db_path=args.db_path,
        concurrency_limit=args.concurrency_limit,
    )
    base_url = sandbox.start(args.host, args.port)
    creds = sandbox.credentials
    _say(f"NetSuite sandbox for account {sandbox.account} at {base_url}")
    _say(f"  anchor date      {sandbox.anchor.isoformat()}")
    _say(f"  consumer_key     {creds.consumer_key}")
    _say(f"  consumer_secret  {creds.consumer_secret}")
    _say(f"  token_id         {creds.token_id}")
    _say(f"  token_secret     {creds.token_secret}")
    _say(
        "Faults: POST /_sandbox/faults {'kind': '429'|'503'|'slow'|'drop', 'count': N}"
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        _say("stopping")
    finally:
        sandbox.close()


if __name__ == "__main__":
    main()

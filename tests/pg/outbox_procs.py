"""Running `arbridge` as separate processes against one PostgreSQL and a sandbox.

Only processes started here are stopped here, each by its own pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from adapters.netsuite.sandbox import NetSuiteSandbox
from gateway.clock import SystemClock
from gateway.services.sync import sync_connection
from tests.conftest import make_services
from tests.e2e.sync.conftest import CONNECTION, connection_for

ARBRIDGE = str(Path(sys.executable).with_name("arbridge"))


@dataclass
class Cluster:
    sandbox: NetSuiteSandbox
    services: object
    env: dict[str, str]
    spawned = 0

    logs: Path

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        """Start `arbridge ARGS`; its output goes to a file (a full pipe would block it)."""
        self.spawned += 1
        log = self.logs / f"{self.spawned:03d}-{args[0]}.log"
        with log.open("wb") as out:
            return subprocess.Popen(
                [ARBRIDGE, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ARBRIDGE, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def start_cluster(
    pg_url: str, tmp_path: Path, *, concurrency: int = 5, schedule: int | None = None
) -> Cluster:
    """A seeded sandbox on loopback, a mirrored PostgreSQL and the env to reach both."""
    sandbox = NetSuiteSandbox(
        customers=40, invoices=500, seed=31, concurrency_limit=concurrency
    )
    sandbox.start()
    body = {
        "kind": "netsuite",
        "role": "erp",
        "account": sandbox.account,
        "consumer_key": sandbox.credentials.consumer_key,
        "consumer_secret": sandbox.credentials.consumer_secret,
        "token_id": sandbox.credentials.token_id,
        "token_secret": sandbox.credentials.token_secret,
        "base_url": sandbox.base_url,
        "page_size": 200,
    }
    if schedule is not None:
        body["schedule"] = schedule
    path = tmp_path / "connections.yaml"
    path.write_text(yaml.safe_dump({CONNECTION: body}), encoding="utf-8")
    connection = connection_for(sandbox, page_size=200)
    services = make_services(
        pg_url, SystemClock(), connections={CONNECTION: connection}
    )
    sync_connection(services, CONNECTION)
    env = {
        **os.environ,
        "ARBRIDGE_DATABASE_URL": pg_url,
        "ARBRIDGE_CONNECTIONS": str(path),
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    return Cluster(sandbox, services, env, logs)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL one process we started and reap it."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (an orderly stop), then SIGKILL if it hangs."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill(process)

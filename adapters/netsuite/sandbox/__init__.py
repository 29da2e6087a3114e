"""A loopback NetSuite SuiteTalk REST sandbox for contract tests and demos.

See docs/netsuite-wire.md for the wire contract it implements.
"""

from __future__ import annotations

from adapters.netsuite.sandbox.auth import SandboxCredentials
from adapters.netsuite.sandbox.faults import Fault, FaultScript
from adapters.netsuite.sandbox.sandbox import NetSuiteSandbox
from adapters.netsuite.sandbox.server import RequestLogEntry

__all__ = [
    "Fault",
    "FaultScript",
    "NetSuiteSandbox",
    "RequestLogEntry",
    "SandboxCredentials",
]

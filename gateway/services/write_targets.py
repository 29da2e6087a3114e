"""Which connections a write-back goes to: the configured ERPs holding the record."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gateway.bootstrap import Services


def erp_connections(services: Services, refs: Mapping[str, str]) -> dict[str, str]:
    """``connection -> external id`` for the refs held by a connection with role erp.

    A connection missing from the connections file cannot be written to (the worker
    has no settings for it), so only configured ERP connections count.
    """
    configured = services.settings.connections
    return {
        name: external_id
        for name, external_id in refs.items()
        if name in configured and configured[name].role == "erp"
    }

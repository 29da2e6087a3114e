"""Audit use cases: verify the chain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.audit.verify import VerifyResult, verify_chain

if TYPE_CHECKING:
    from gateway.bootstrap import Services


def verify(services: Services) -> VerifyResult:
    with services.read_uow() as uow:
        return verify_chain(uow.session)

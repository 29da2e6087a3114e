"""Set the gateway-owned collection fields of an invoice.

Used by the API (``PATCH /invoices/<id>``) and the account page's update form; both
type their input with :func:`parse_edit`, so they accept and refuse the same values.

Only fields the ownership rules give to the gateway may change here; the mirror, one
audit entry per changed field and the write-back to the invoice's ERP are committed
together. The write-back coalesces: two edits before the worker runs are one write
of the latest values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.audit.log import AuditLog, AuditRecord, encode_value
from gateway.audit.tags import Action, tag
from gateway.errors import ValidationFailed
from gateway.services.input_checks import iso_date, whole_number
from gateway.services.write_errors import (
    InvalidInput,
    NotFoundError,
    OwnershipRefused,
    StateConflict,
)
from gateway.services.write_targets import erp_connections
from gateway.store import payments_repo
from gateway.store.sync_repo import SyncRepository
from rules.encoding import FIELD_ENCODERS
from rules.ownership import DecisionKind, decide_gateway_edit

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services
    from gateway.store.models import Invoice

EDIT_TAG = tag("gateway", "invoice", Action.EDIT)
EDITABLE = ("dunning_level", "in_dispute", "promise_date", "collection_status")
# What a collector records about where collection of an invoice stands.
COLLECTION_STATUSES = (
    "none", "reminded", "promised", "disputed", "escalated", "legal",
)  # fmt: skip
MAX_DUNNING_LEVEL = 9


def parse_edit(name: str, value: object) -> object:
    """Type one value as JSON gives it (a form converts its text first).

    Raises:
        ValidationFailed: naming the field; nothing has been written.
    """
    if name == "dunning_level":
        return whole_number(value, name, low=0, high=MAX_DUNNING_LEVEL)
    if name == "in_dispute":
        if not isinstance(value, bool):
            raise ValidationFailed(f"must be true or false, not {value!r}", field=name)
        return value
    if name == "promise_date":
        return None if value is None else iso_date(value, name)
    if name == "collection_status":
        if value not in COLLECTION_STATUSES:
            allowed = ", ".join(COLLECTION_STATUSES)
            raise ValidationFailed(
                f"must be one of {allowed}, not {value!r}", field=name
            )
        return value
    return value  # not editable: edit_invoice refuses it, naming its owner


def check_ownership(services: Services, names: list[str]) -> None:
    """Refuse, naming the owner, any field the gateway may not set."""
    rules = services.ownership
    for name in names:
        rule = rules.rule_for("invoice", name)
        decision = decide_gateway_edit(rule=rule, value=None, current=None)
        if decision.kind == DecisionKind.REJECTED:
            raise OwnershipRefused(
                f"{name} is owned by {rule.owner}, not the gateway; "
                f"change it in the {rule.owner} system",
                field=name,
            )
        if name not in EDITABLE:
            raise InvalidInput(f"{name} cannot be set through the API", field=name)


def edit_invoice(
    services: Services, invoice_id: int, values: Mapping[str, Any], actor: str
) -> list[str]:
    """Apply ``values`` (already parsed); return the names of the fields that changed."""
    check_ownership(services, list(values))
    with services.uow() as uow:
        session = uow.session
        invoice = payments_repo.invoice(session, invoice_id)
        if invoice is None:
            raise NotFoundError(f"invoice {invoice_id} not found")
        if invoice.status == "deleted":
            raise StateConflict(
                f"invoice {invoice_id} was deleted in its ERP; it cannot be edited"
            )
        records = _apply(services, invoice, values, actor)
        if records:
            now = services.clock.now()
            invoice.updated_at = now
            _write_back(services, session, invoice, [r.field for r in records])
            AuditLog(session).append(records, now)
            uow.commit()
        return [r.field for r in records]


def _apply(
    services: Services, invoice: Invoice, values: Mapping[str, Any], actor: str
) -> list[AuditRecord]:
    encoders = FIELD_ENCODERS["invoice"]
    records = []
    for name, value in values.items():
        old, new = encoders[name](getattr(invoice, name)), encoders[name](value)
        rule = services.ownership.rule_for("invoice", name)
        decision = decide_gateway_edit(rule=rule, value=new, current=old)
        if decision.kind != DecisionKind.ACCEPT:
            continue  # already set to that value: nothing to record or send
        setattr(invoice, name, value)
        records.append(
            AuditRecord(
                tag=EDIT_TAG,
                object_type="invoice",
                field=name,
                actor=actor,
                local_id=invoice.id,
                old=encode_value(old),
                new=encode_value(new),
                rule=decision.rule,
            )
        )
    return records


def _write_back(
    services: Services, session: Session, invoice: Invoice, fields: list[str]
) -> None:
    refs = payments_repo.refs_of(session, "invoice", invoice.id)
    repo = SyncRepository(session)
    for connection, external_id in erp_connections(services, refs).items():
        repo.enqueue_field_update(
            connection=connection,
            object_type="invoice",
            local_id=invoice.id,
            external_id=external_id,
            fields=fields,
            at=services.clock.now(),
        )

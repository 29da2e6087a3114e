"""ORM models: the canonical mirror and the sync machinery."""

from gateway.store.models.activity import Activity, Contact, Dispute, Promise
from gateway.store.models.audit import AuditEntry
from gateway.store.models.customer import Customer
from gateway.store.models.invoice import Invoice
from gateway.store.models.payment import Payment, PaymentAllocation
from gateway.store.models.sync import (
    Conflict,
    ExternalRef,
    Lease,
    OutboxItem,
    StreamCursor,
    SyncRejection,
    SyncRun,
)
from gateway.store.models.user import ApiToken, User

__all__ = [
    "Activity",
    "ApiToken",
    "AuditEntry",
    "Conflict",
    "Contact",
    "Customer",
    "Dispute",
    "ExternalRef",
    "Invoice",
    "Lease",
    "OutboxItem",
    "Payment",
    "PaymentAllocation",
    "Promise",
    "StreamCursor",
    "SyncRejection",
    "SyncRun",
    "User",
]

"""ORM models: the canonical mirror and the sync machinery."""

from gateway.store.models.activity import Activity, Contact, Dispute, Promise
from gateway.store.models.audit import AuditEntry
from gateway.store.models.collections import (
    CustomerPriority,
    CustomerScore,
    PromiseInvoice,
)
from gateway.store.models.customer import Customer
from gateway.store.models.fx import FxRate
from gateway.store.models.invoice import Invoice
from gateway.store.models.kpi import KpiChange, KpiDirty, KpiInvoice
from gateway.store.models.payment import Payment, PaymentAllocation
from gateway.store.models.prediction import PredictionModel
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
    "CustomerPriority",
    "CustomerScore",
    "Dispute",
    "ExternalRef",
    "FxRate",
    "Invoice",
    "KpiChange",
    "KpiDirty",
    "KpiInvoice",
    "Lease",
    "OutboxItem",
    "Payment",
    "PaymentAllocation",
    "PredictionModel",
    "Promise",
    "PromiseInvoice",
    "StreamCursor",
    "SyncRejection",
    "SyncRun",
    "User",
]

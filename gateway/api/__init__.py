"""The REST API under ``/api/v1`` (JSON, read-only for now)."""

from __future__ import annotations

# Importing the resource modules attaches their routes to the blueprint.
from gateway.api import (
    audit,
    collecting,
    customers,
    invoice_edits,
    invoices,
    kpis,
    openapi,
    payments,
    predictions,
    sync,
    sync_monitor,
)
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError, api_error_response, error_response

__all__ = [
    "ApiError",
    "api_error_response",
    "audit",
    "bp",
    "collecting",
    "customers",
    "error_response",
    "invoice_edits",
    "invoices",
    "kpis",
    "openapi",
    "payments",
    "predictions",
    "sync",
    "sync_monitor",
]

"""The REST API under ``/api/v1`` (JSON, read-only for now)."""

from __future__ import annotations

# Importing the resource modules attaches their routes to the blueprint.
from gateway.api import audit, customers, invoices, openapi, sync
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError, api_error_response, error_response

__all__ = [
    "ApiError",
    "api_error_response",
    "audit",
    "bp",
    "customers",
    "error_response",
    "invoices",
    "openapi",
    "sync",
]

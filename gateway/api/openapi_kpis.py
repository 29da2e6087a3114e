"""The OpenAPI description of ``GET /kpis`` (merged into the document's paths)."""

from __future__ import annotations

from typing import Any

from gateway.api.kpis_json import COUNTS, MONEY, NUMBERS
from gateway.queries.kpis import GROUPS
from rules.kpis import CeiVariant

Schema = dict[str, Any]
STR: Schema = {"type": "string"}
DATE: Schema = {"type": "string", "format": "date"}
DECIMAL: Schema = {"type": ["string", "null"], "pattern": r"^-?\d+\.\d+$"}
MONEY_REF: Schema = {"$ref": "#/components/schemas/Money"}
ERROR: Schema = {"$ref": "#/components/schemas/Error"}
VARIANTS = [v.value for v in CeiVariant]


def _q(name: str, schema: Schema, description: str) -> Schema:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


def _parameters() -> list[Schema]:
    return [
        _q("as_of", DATE, "Date the KPIs are computed for (default today)."),
        _q("group_by", {"type": "string", "enum": list(GROUPS), "default": "none"},
           "Scope: per customer, segment (customer category; null when none), "
           "company (invoice subsidiary), connection, or overall."),
        _q("currency", {"type": "string", "pattern": "^[A-Za-z]{3}$"},
           "Only this currency, reported in it; default: all, in the base currency."),
        _q("months", {"type": "integer", "minimum": 1, "maximum": 12, "default": 3},
           "Month windows in the KPI period."),
        _q("buckets", {"type": "string", "default": "30,60,90"},
           "Aging bucket upper bounds in days past due."),
        _q("cei", {"type": "string", "enum": VARIANTS, "default": VARIANTS[0]},
           "CEI variant: period credit sales or monthly sales S/N."),
        _q("trend", {"type": "boolean", "default": False},
           "Add standard and count-back DSO at the last 12 month ends."),
        _q("page", {"type": "integer", "minimum": 1, "default": 1}, "Page of groups."),
        _q("per_page", {"type": "integer", "minimum": 1, "maximum": 500,
                        "default": 50}, "Groups per page."),
    ]  # fmt: skip


def _kpis() -> Schema:
    properties: Schema = dict.fromkeys(NUMBERS, DECIMAL)
    properties |= {name: {"type": "integer"} for name in COUNTS}
    properties |= dict.fromkeys(MONEY, MONEY_REF)
    properties["cei_variant"] = {"type": "string", "enum": VARIANTS}
    properties["aging"] = {"type": "array", "items": {
        "type": "object", "properties": {"bucket": STR, "amount": MONEY_REF}}}  # fmt: skip
    return {"type": "object", "required": list(properties), "properties": properties}


def _summary() -> Schema:
    group = {"type": "object", "properties": {
        "key": {"type": ["string", "null"]}, "label": {"type": ["string", "null"]},
        "kpis": _kpis(),
        "unconverted": {"type": "array", "items": {"type": "object", "properties": {
            "currency": {"type": ["string", "null"]}, "kpis": _kpis()}}},
    }}  # fmt: skip
    point = {"type": "object", "properties": {
        "month_end": DATE, "open_receivables": MONEY_REF, "credit_sales": MONEY_REF,
        "dso": DECIMAL, "dso_count_back": DECIMAL,
        "unconverted": {"type": "array", "items": STR}}}  # fmt: skip
    return {"type": "object", "properties": {
        "as_of": DATE, "group_by": STR, "currency": STR, "base_currency": STR,
        "period": {"type": "object", "properties": {
            "start": DATE, "end": DATE, "months": {"type": "integer"},
            "days": {"type": "integer"}}},
        "cei_variant": STR, "aging_buckets": {"type": "array", "items": STR},
        "fx_rates": {"type": "array", "items": {"type": "object", "properties": {
            "currency": STR, "rate_to_base": STR, "as_of": DATE}}},
        "definitions": {"type": "object", "additionalProperties": STR},
        "items": {"type": "array", "items": group},
        "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "total": {"type": "integer"},
        "trend": {"type": "array", "items": point},
    }}  # fmt: skip


def paths() -> dict[str, Any]:
    ok = {"description": "OK", "content": {"application/json": {"schema": _summary()}}}
    errors = {
        code: {"description": text, "content": {"application/json": {"schema": ERROR}}}
        for code, text in (
            ("400", "A query parameter is invalid (the error names it)."),
            ("401", "No or an invalid bearer token."),
            ("403", "The caller's role may not use this endpoint."),
        )
    }
    return {
        "/kpis": {
            "get": {
                "summary": "Receivables KPIs as of a date (DSO, CEI, aging, ...)",
                "description": "Formulas, variants and rounding: docs/kpis.md; "
                "each response also carries them under `definitions`.",
                "parameters": _parameters(),
                "responses": {"200": ok, **errors},
            }
        }
    }

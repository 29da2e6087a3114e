"""Parsing a ``customerPayment`` request body into a draft (no database access)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from adapters.netsuite.sandbox.fields import as_amount, as_date, as_text, bad_value
from adapters.netsuite.sandbox.responses import SandboxError

if TYPE_CHECKING:
    from decimal import Decimal

PROPERTIES: Final = frozenset(
    {
        "customer",
        "payment",
        "currency",
        "tranDate",
        "tranId",
        "memo",
        "externalId",
        "apply",
    }
)


@dataclass(frozen=True, slots=True)
class ApplyLine:
    """One line of the payment's apply sublist (``index`` is 0-based)."""

    index: int
    doc: int
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class PaymentDraft:
    """A parsed, not yet validated ``customerPayment`` body."""

    customer: int
    amount: Decimal | None
    currency: int | None
    trandate: str | None
    tranid: str | None
    memo: str | None
    external_id: str | None
    lines: tuple[ApplyLine, ...]


def _ref_id(body: dict[str, object], prop: str, *, required: bool) -> int | None:
    value = body.get(prop)
    if value is None and not required:
        return None
    ref = value.get("id") if isinstance(value, dict) else None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        return int(ref)
    raise bad_value(prop, f'Invalid reference for field {prop}: use {{"id": "<id>"}}.')


def _lines(body: dict[str, object]) -> tuple[ApplyLine, ...]:
    apply = body.get("apply") or {}
    items = apply.get("items", []) if isinstance(apply, dict) else None
    if not isinstance(items, list):
        raise bad_value("apply", 'The apply sublist must be {"items": [...]}.')
    lines: list[ApplyLine] = []
    for index, item in enumerate(items):
        path = f"apply.items[{index}]"
        if not isinstance(item, dict):
            raise bad_value(path, f"Line {index + 1} of apply is not an object.")
        if item.get("apply", True) is False:
            continue
        doc = _ref_id(item, "doc", required=True)
        raw = item.get("amount")
        amount = None if raw is None else as_amount(f"{path}.amount", raw)
        lines.append(ApplyLine(index, int(doc or 0), amount))
    return tuple(lines)


def check_properties(body: dict[str, object], *, strict: bool) -> None:
    """With name validation on, refuse properties the sandbox does not know.

    Raises:
        SandboxError: 400 ``INVALID_FIELD`` naming the first unknown property.
    """
    unknown = sorted(set(body) - PROPERTIES)
    if strict and unknown:
        raise SandboxError(
            400,
            "INVALID_FIELD",
            f"Invalid field '{unknown[0]}' for record 'customerpayment'.",
            errorPath=unknown[0],
        )


def parse_draft(body: dict[str, object]) -> PaymentDraft:
    """Read a ``customerPayment`` body into a draft.

    Raises:
        SandboxError: 400 ``INVALID_FLD_VALUE`` for a malformed value.
    """
    amount = body.get("payment")
    trandate = as_date("tranDate", body.get("tranDate"))
    return PaymentDraft(
        customer=int(_ref_id(body, "customer", required=True) or 0),
        amount=None if amount is None else as_amount("payment", amount),
        currency=_ref_id(body, "currency", required=False),
        trandate=None if trandate is None else str(trandate),
        tranid=_optional_text(body, "tranId"),
        memo=_optional_text(body, "memo"),
        external_id=_optional_text(body, "externalId"),
        lines=_lines(body),
    )


def _optional_text(body: dict[str, object], prop: str) -> str | None:
    value = as_text(prop, body.get(prop))
    return None if value is None else str(value)

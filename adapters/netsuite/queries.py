"""The SuiteQL the NetSuite adapter sends, exactly as docs/netsuite-wire.md fixes it.

Every value placed in a query passes through :func:`suiteql_literal` (strings) or
:func:`suiteql_id` (internal ids); column and table names come only from the
constants below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from adapters.base import Cursor
from adapters.errors import TransientError
from adapters.netsuite.errors import SYSTEM

_DIGITS: Final = re.compile(r"[0-9]+")
_TIMESTAMP: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_TIMESTAMP_FORMAT: Final = "'YYYY-MM-DD HH24:MI:SS'"


def _sql(text: str) -> str:
    """Collapse SQL text to one line (no literal in these constants has 2 spaces)."""
    return " ".join(text.split())


def suiteql_literal(value: str) -> str:
    """Quote ``value`` as a SuiteQL (Oracle-style) string literal.

    Single quotes are doubled; backslashes have no special meaning in SuiteQL and are
    kept as they are.

    Raises:
        ValueError: ``value`` contains a NUL character, which no literal can carry.
    """
    if "\x00" in value:
        raise ValueError("a SuiteQL literal cannot contain NUL")
    return "'" + value.replace("'", "''") + "'"


def suiteql_id(value: str) -> str:
    """Return ``value`` if it is a NetSuite internal id (ASCII digits only).

    Raises:
        ValueError: ``value`` is not made of ASCII digits.
    """
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        raise ValueError(f"not a NetSuite internal id: {value!r}")
    return value


def is_internal_id(value: object) -> bool:
    """Return whether ``value`` is a string of ASCII digits."""
    return isinstance(value, str) and _DIGITS.fullmatch(value) is not None


def to_date(timestamp: str) -> str:
    """Render ``TO_DATE('<YYYY-MM-DD HH:MM:SS>', 'YYYY-MM-DD HH24:MI:SS')``.

    Raises:
        ValueError: ``timestamp`` is not ``YYYY-MM-DD HH:MM:SS``.
    """
    if not _TIMESTAMP.fullmatch(timestamp):
        raise ValueError(f"watermark is not 'YYYY-MM-DD HH:MM:SS': {timestamp!r}")
    return f"TO_DATE({suiteql_literal(timestamp)}, {_TIMESTAMP_FORMAT})"


@dataclass(frozen=True, slots=True)
class SuiteQLPage:
    """One page of a SuiteQL result (item values are strings; NULL columns absent)."""

    items: tuple[dict[str, object], ...]
    has_more: bool
    count: int
    offset: int
    total_results: int


def parse_page(data: Mapping[str, object], operation: str) -> SuiteQLPage:
    """Parse a SuiteQL response envelope, dropping each item's ``links``.

    Raises:
        TransientError: The body is not a SuiteQL envelope (e.g. a proxy's page).
    """
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise TransientError(SYSTEM, operation, "SuiteQL response without items")
    items = tuple(
        {k: v for k, v in item.items() if k != "links"}
        for item in raw_items
        if isinstance(item, dict)
    )
    return SuiteQLPage(
        items=items,
        has_more=bool(data.get("hasMore", False)),
        count=_as_int(data.get("count"), len(items)),
        offset=_as_int(data.get("offset"), 0),
        total_results=_as_int(data.get("totalResults"), len(items)),
    )


def _as_int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@dataclass(frozen=True, slots=True)
class StreamQuery:
    """One stream's SELECT, split where the cursor condition goes in."""

    select: str
    base_where: str | None
    alias: str
    watermark_column: str
    key_column: str

    @property
    def watermark(self) -> str:
        """The qualified watermark column, e.g. ``t.lastmodifieddate``."""
        return f"{self.alias}.{self.watermark_column}"

    @property
    def key(self) -> str:
        """The qualified key column, e.g. ``t.id``."""
        return f"{self.alias}.{self.key_column}"


def cursor_condition(query: StreamQuery, cursor: Cursor | None) -> str:
    """Return the WHERE condition that continues ``query`` after ``cursor``.

    A cursor without a watermark (even with a tiebreak) means "from the start": the
    tiebreak alone orders nothing, and re-reading is safe because pages dedup by key.

    Raises:
        ValueError: The cursor's watermark or tiebreak is malformed.
    """
    if cursor is None or cursor.watermark is None:
        return "1 = 1"
    wm = to_date(cursor.watermark)
    if cursor.tiebreak is None:
        return f"{query.watermark} >= {wm}"
    tb = suiteql_id(cursor.tiebreak)
    return (
        f"({query.watermark} > {wm} OR "
        f"({query.watermark} = {wm} AND {query.key} > {tb}))"
    )


def _assemble(query: StreamQuery, condition: str) -> str:
    where = f"{query.base_where} AND {condition}" if query.base_where else condition
    return f"{query.select} WHERE {where} ORDER BY {query.watermark}, {query.key}"


def build_read_query(query: StreamQuery, cursor: Cursor | None) -> str:
    """Return the full SuiteQL reading ``query``'s stream after ``cursor``."""
    return _assemble(query, cursor_condition(query, cursor))


def build_lookup_query(query: StreamQuery, record_id: str) -> str:
    """Return ``query``'s SELECT restricted to one internal id.

    Raises:
        ValueError: ``record_id`` is not an internal id.
    """
    return _assemble(query, f"{query.key} = {suiteql_id(record_id)}")


def build_applications_query(payment_ids: Sequence[str]) -> str:
    """Return the query for the invoice applications of the given payments.

    Raises:
        ValueError: An id is not an internal id, or there are none or over 1000.
    """
    if not 1 <= len(payment_ids) <= 1000:
        raise ValueError("SuiteQL IN lists take 1 to 1000 ids")
    ids = ", ".join(suiteql_id(i) for i in payment_ids)
    return _sql(f"""
        SELECT l.nextdoc, l.previousdoc, l.foreignamount FROM NextTransactionLineLink l
        WHERE l.linktype = 'Payment' AND l.nexttype = 'CustPymt'
          AND l.nextdoc IN ({ids})
        ORDER BY l.nextdoc, l.previousdoc
    """)


CUSTOMERS: Final = StreamQuery(
    select=_sql("""
        SELECT c.id, c.entityid, c.companyname, c.email, c.phone,
               cur.symbol AS currency,
               c.creditlimit, s.name AS subsidiary, tm.name AS terms,
               cat.name AS category, c.isinactive,
               c.externalid, c.custentity_arb_collection_status,
               c.custentity_arb_risk_score,
               TO_CHAR(c.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate
        FROM customer c
        JOIN currency cur ON cur.id = c.currency
        LEFT JOIN subsidiary s ON s.id = c.subsidiary
        LEFT JOIN term tm ON tm.id = c.terms
        LEFT JOIN customercategory cat ON cat.id = c.category
    """),
    base_where=None,
    alias="c",
    watermark_column="lastmodifieddate",
    key_column="id",
)

INVOICES: Final = StreamQuery(
    select=_sql("""
        SELECT t.id, t.tranid, t.type, t.status, t.entity,
               TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate,
               TO_CHAR(t.duedate, 'YYYY-MM-DD') AS duedate,
               cur.symbol AS currency, t.foreigntotal, t.foreignamountunpaid, t.voided,
               t.memo, t.externalid, s.name AS subsidiary,
               t.custbody_arb_collection_status, t.custbody_arb_dunning_level,
               TO_CHAR(t.custbody_arb_promise_date, 'YYYY-MM-DD')
                 AS custbody_arb_promise_date,
               t.custbody_arb_in_dispute, t.tobeemailed,
               TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate
        FROM transaction t
        JOIN currency cur ON cur.id = t.currency
        JOIN transactionline tl ON tl.transaction = t.id AND tl.mainline = 'T'
        LEFT JOIN subsidiary s ON s.id = tl.subsidiary
    """),
    base_where="t.type IN ('CustInvc', 'CustCred')",
    alias="t",
    watermark_column="lastmodifieddate",
    key_column="id",
)

PAYMENTS: Final = StreamQuery(
    select=_sql("""
        SELECT t.id, t.tranid, t.status, t.entity,
               TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate,
               cur.symbol AS currency, t.foreigntotal, t.foreignpaymentamountunused,
               t.voided, t.memo, t.externalid,
               TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate
        FROM transaction t
        JOIN currency cur ON cur.id = t.currency
    """),
    base_where="t.type = 'CustPymt'",
    alias="t",
    watermark_column="lastmodifieddate",
    key_column="id",
)

DELETIONS: Final = StreamQuery(
    select=_sql("""
        SELECT d.recordid, d.recordtype,
               TO_CHAR(d.deleteddate, 'YYYY-MM-DD HH24:MI:SS') AS deleteddate
        FROM DeletedRecord d
    """),
    base_where=(
        "d.recordtype IN ('customer', 'invoice', 'creditmemo', 'customerpayment')"
    ),
    alias="d",
    watermark_column="deleteddate",
    key_column="recordid",
)

"""The SuiteQL endpoint: paging envelope, string values, NetSuite's error wording."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from adapters.netsuite.sandbox.responses import SandboxError, json_response
from adapters.netsuite.sandbox.translate import check_single_select, invalid, translate

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

    from adapters.netsuite.sandbox.schema import Database

ROW_CAP: Final = 100_000
MAX_LIMIT: Final = 1000
_SEARCH_ERROR: Final = (
    "Invalid search query. Detailed unprocessed description follows. "
    "Search error occurred: "
)
_NO_COLUMN: Final = re.compile(r"no such column: (?:(\w+)\.)?(\w+)")
_NO_TABLE: Final = re.compile(r"no such table: (\w+)")
_FROM_ALIAS: Final = re.compile(
    r"\b(FROM|JOIN)\s+\"?(\w+)\"?(?:\s+(?:AS\s+)?(\w+))?", re.I
)
_NOT_ALIAS: Final = frozenset(
    {
        "ON",
        "WHERE",
        "JOIN",
        "LEFT",
        "RIGHT",
        "INNER",
        "OUTER",
        "CROSS",
        "FULL",
        "ORDER",
        "GROUP",
        "HAVING",
        "UNION",
    }
)
_IDENTIFIER: Final = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Validated ``limit`` / ``offset`` query parameters."""

    limit: int
    offset: int


def parse_paging(request: Request) -> PageRequest:
    """Read ``limit`` (1..1000, default 1000) and ``offset`` (a multiple of limit).

    Raises:
        SandboxError: 400 ``INVALID_PARAMETER`` naming the bad query parameter.
    """
    limit = _int_param(request, "limit", MAX_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad_param("limit", f"The limit must be between 1 and {MAX_LIMIT}.")
    offset = _int_param(request, "offset", 0)
    if offset < 0 or offset % limit:
        raise _bad_param(
            "offset", "The offset must be a non-negative multiple of limit."
        )
    return PageRequest(limit, offset)


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise _bad_param(name, f"Invalid value '{raw}' for {name}.") from exc


def _bad_param(name: str, detail: str) -> SandboxError:
    return SandboxError(400, "INVALID_PARAMETER", detail, errorQueryParam=name)


def handle_suiteql(request: Request, db: Database, base_url: str) -> Response:
    """Answer ``POST /services/rest/query/v1/suiteql``.

    Raises:
        SandboxError: 400 for a missing ``Prefer: transient``, bad paging or a bad
            query.
    """
    if "transient" not in request.headers.get("Prefer", "").lower():
        raise SandboxError(
            400,
            "INVALID_HEADER",
            "The header Prefer: transient is required for SuiteQL queries.",
            errorHeader="Prefer",
        )
    paging = parse_paging(request)
    query = _query_text(request)
    check_single_select(query)
    names, rows = run_query(db, query)
    return json_response(envelope(names, rows, paging, base_url))


def _query_text(request: Request) -> str:
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as exc:
        raise SandboxError(
            400, "INVALID_CONTENT", "The request body is not valid JSON."
        ) from exc
    if not isinstance(body, dict) or not isinstance(body.get("q"), str):
        raise invalid("The request body must be a JSON object with a string 'q'.")
    return str(body["q"])


def run_query(
    db: Database, query: str, cap: int = ROW_CAP
) -> tuple[list[str], list[tuple[object, ...]]]:
    """Run one translated SELECT read-only; return column names and at most ``cap`` rows.

    Raises:
        SandboxError: 400 ``INVALID_PARAMETER`` in NetSuite's wording.
    """
    sql = translate(query)
    with db.read(query_only=True) as conn:
        try:
            cursor = conn.execute(sql)
        except (sqlite3.Error, sqlite3.Warning) as exc:
            raise _query_error(exc, query) from exc
        try:
            rows = [tuple(row) for row in cursor.fetchmany(cap)]
            names = [_column_name(d[0], i) for i, d in enumerate(cursor.description)]
        finally:
            cursor.close()
    return names, rows


def _column_name(name: str, index: int) -> str:
    lowered = name.lower()
    return lowered if _IDENTIFIER.fullmatch(lowered) else f"expr{index + 1}"


def _query_error(exc: Exception, query: str) -> SandboxError:
    message = str(exc)
    column = _NO_COLUMN.search(message)
    if column is not None:
        record = _record_of(query, column.group(1))
        return invalid(
            f"{_SEARCH_ERROR}Field '{column.group(2)}' for record '{record}' was not found."
        )
    table = _NO_TABLE.search(message)
    if table is not None:
        return invalid(f"{_SEARCH_ERROR}Record '{table.group(1)}' was not found.")
    return invalid(f"{_SEARCH_ERROR}{message}")


def _record_of(query: str, alias: str | None) -> str:
    """Map a column's table alias back to the record (table) name in the query."""
    tables: list[tuple[str, str]] = []
    for match in _FROM_ALIAS.finditer(query):
        name = match.group(3)
        if name is None or name.upper() in _NOT_ALIAS:
            name = match.group(2)
        tables.append((name.lower(), match.group(2).lower()))
    if alias is not None:
        for name, table in tables:
            if name == alias.lower() or table == alias.lower():
                return table
        return alias.lower()
    return tables[0][1] if tables else "unknown"


def _row_item(names: list[str], row: tuple[object, ...]) -> dict[str, object]:
    # NetSuite sends every value as a string and leaves NULL columns out.
    item: dict[str, object] = {"links": []}
    for name, value in zip(names, row, strict=True):
        if value is not None:
            item[name] = value.decode() if isinstance(value, bytes) else str(value)
    return item


def envelope(
    names: list[str], rows: list[tuple[object, ...]], paging: PageRequest, base_url: str
) -> dict[str, object]:
    """Build the collection envelope for the requested page of ``rows``.

    Raises:
        SandboxError: 400 when the offset lies beyond a non-empty result.
    """
    total = len(rows)
    limit, offset = paging.limit, paging.offset
    if offset and offset >= total:
        raise _bad_param(
            "offset", f"The offset {offset} is beyond the {total} results."
        )
    page = rows[offset : offset + limit]
    has_more = offset + len(page) < total
    href = f"{base_url}/services/rest/query/v1/suiteql?limit={limit}&offset="
    last = max(total - 1, 0) // limit * limit
    links = [{"rel": "first", "href": f"{href}0"}]
    if offset > 0:
        links.append({"rel": "previous", "href": f"{href}{offset - limit}"})
    if has_more:
        links.append({"rel": "next", "href": f"{href}{offset + limit}"})
    links += [
        {"rel": "last", "href": f"{href}{last}"},
        {"rel": "self", "href": f"{href}{offset}"},
    ]
    return {
        "links": links,
        "count": len(page),
        "hasMore": has_more,
        "items": [_row_item(names, row) for row in page],
        "offset": offset,
        "totalResults": total,
    }

"""SuiteQL (Oracle dialect) to SQLite: only the forms docs/netsuite-wire.md promises.

``TO_CHAR(<expr>, 'YYYY-MM-DD'|'YYYY-MM-DD HH24:MI:SS')`` becomes ``strftime``;
``TO_DATE('<text>', <same formats>)`` becomes the validated text literal, which
compares correctly with the sandbox's ``YYYY-MM-DD[ HH:MM:SS]`` TEXT columns.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from adapters.netsuite.sandbox.responses import SandboxError

_FORMATS: Final = {
    "YYYY-MM-DD": ("%Y-%m-%d", "%Y-%m-%d"),
    "YYYY-MM-DD HH24:MI:SS": ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"),
}
_CALL: Final = re.compile(r"\b(TO_CHAR|TO_DATE)\s*\(", re.IGNORECASE)
_KEYWORD: Final = re.compile(r"\btransaction\b", re.IGNORECASE)
_FIRST_WORD: Final = re.compile(r"\s*([A-Za-z]+)")


def invalid(detail: str) -> SandboxError:
    """Return the 400 NetSuite gives for a query it cannot run."""
    return SandboxError(400, "INVALID_PARAMETER", detail)


def literal_mask(sql: str) -> list[bool]:
    """Mark each character that lies inside a '…' literal or a "…" identifier."""
    mask = [False] * len(sql)
    quote: str | None = None
    for i, ch in enumerate(sql):
        if quote is not None:
            mask[i] = True
            if ch == quote:
                quote = None  # a doubled quote closes and reopens: still inside
        elif ch in "'\"":
            quote = ch
            mask[i] = True
    if quote is not None:
        raise invalid(f"Invalid search query. Unterminated quote {quote} in query.")
    return mask


def check_single_select(sql: str) -> None:
    """Allow one ``SELECT`` statement only.

    Raises:
        SandboxError: 400 for any other statement or a ``;`` outside literals.
    """
    mask = literal_mask(sql)
    if any(ch == ";" and not inside for ch, inside in zip(sql, mask, strict=True)):
        raise invalid(
            "Invalid search query. Only a single SELECT statement is allowed."
        )
    match = _FIRST_WORD.match(sql)
    if match is None or match.group(1).upper() != "SELECT":
        raise invalid("Invalid search query. Only SELECT statements are supported.")


def translate(sql: str) -> str:
    """Rewrite the supported TO_CHAR / TO_DATE forms into SQLite.

    Also quotes ``transaction``, a table and column name in NetSuite but a keyword
    in SQLite.

    Raises:
        SandboxError: 400 for an unsupported format or malformed call.
    """
    return _quote_keywords(_translate_calls(sql))


def _quote_keywords(sql: str) -> str:
    mask = literal_mask(sql)
    out: list[str] = []
    pos = 0
    for match in _KEYWORD.finditer(sql):
        if not mask[match.start()]:
            out.append(sql[pos : match.start()])
            out.append(f'"{match.group(0)}"')
            pos = match.end()
    out.append(sql[pos:])
    return "".join(out)


def _translate_calls(sql: str) -> str:
    mask = literal_mask(sql)
    out: list[str] = []
    pos = 0
    for match in _CALL.finditer(sql):
        if match.start() < pos or mask[match.start()]:
            continue
        args, end = _split_args(sql, mask, match.end() - 1)
        out.append(sql[pos : match.start()])
        out.append(_render(match.group(1).upper(), [_translate_calls(a) for a in args]))
        pos = end
    out.append(sql[pos:])
    return "".join(out)


def _split_args(sql: str, mask: list[bool], open_idx: int) -> tuple[list[str], int]:
    """Split the call whose ``(`` is at ``open_idx``; return args and end index."""
    depth = 0
    args: list[str] = []
    start = open_idx + 1
    for i in range(open_idx, len(sql)):
        if mask[i]:
            continue
        ch = sql[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                args.append(sql[start:i])
                return args, i + 1
        elif ch == "," and depth == 1:
            args.append(sql[start:i])
            start = i + 1
    raise invalid("Invalid search query. Unbalanced parentheses.")


def _format_of(function: str, args: list[str]) -> tuple[str, str]:
    if len(args) != 2:
        raise invalid(f"Invalid search query. {function} needs 2 arguments.")
    text = args[1].strip()
    key = text[1:-1].upper() if len(text) >= 2 and text[0] == text[-1] == "'" else ""
    if key not in _FORMATS:
        raise invalid(f"Invalid search query. Unsupported {function} format {text}.")
    return _FORMATS[key]


def _render(function: str, args: list[str]) -> str:
    sqlite_format, parse_format = _format_of(function, args)
    if function == "TO_CHAR":
        return f"strftime('{sqlite_format}', {args[0].strip()})"
    value = args[0].strip()
    if not (len(value) >= 2 and value[0] == value[-1] == "'"):
        raise invalid("Invalid search query. TO_DATE takes a text literal.")
    try:
        parsed = datetime.strptime(value[1:-1], parse_format)  # noqa: DTZ007 - UTC text
    except ValueError as exc:
        raise invalid(
            f"Invalid search query. {value} does not match the format."
        ) from exc
    return "'" + parsed.strftime(sqlite_format) + "'"

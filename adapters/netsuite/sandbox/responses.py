"""NetSuite-shaped error bodies and JSON encoding that keeps Decimal exact."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

from werkzeug.wrappers import Response

_RFC9110: Final = "https://www.rfc-editor.org/rfc/rfc9110.html#section-"
_TYPES: Final[Mapping[int, tuple[str, str]]] = {
    400: (_RFC9110 + "15.5.1", "Bad Request"),
    401: (_RFC9110 + "15.5.2", "Unauthorized"),
    404: (_RFC9110 + "15.5.5", "Not Found"),
    405: (_RFC9110 + "15.5.6", "Method Not Allowed"),
    429: ("https://www.rfc-editor.org/rfc/rfc6585.html#section-4", "Too Many Requests"),
    500: (_RFC9110 + "15.6.1", "Internal Server Error"),
    503: (_RFC9110 + "15.6.4", "Service Unavailable"),
}

INVALID_LOGIN_DETAIL: Final = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the "
    "NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail."
)


class SandboxError(Exception):
    """A request the sandbox refuses, turned into a NetSuite error body by the server.

    ``extras`` holds the optional ``o:errorPath`` / ``o:errorQueryParam`` /
    ``o:errorHeader`` members of the error detail.
    """

    def __init__(
        self, status: int, code: str, detail: str, **extras: str | None
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.extras = {f"o:{k}": v for k, v in extras.items() if v is not None}


def encode_json(value: object) -> str:
    """Encode ``value`` as JSON, writing ``Decimal`` as an exact JSON number.

    ``json.dumps`` would need a float for a number, which may change the digits.
    """
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        members = (f"{json.dumps(str(k))}: {encode_json(v)}" for k, v in value.items())
        return "{" + ", ".join(members) + "}"
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return "[" + ", ".join(encode_json(v) for v in value) + "]"
    return json.dumps(value)


def json_response(body: object, resource_type: str = "collection") -> Response:
    """Return a 200 JSON response with NetSuite's content type.

    Args:
        body: The JSON value (``Decimal`` stays exact).
        resource_type: ``collection`` (SuiteQL) or ``singular-resource`` (a record).
    """
    return Response(
        encode_json(body),
        status=200,
        content_type=f"application/vnd.oracle.resource+json; type={resource_type}",
    )


def error_body(status: int, code: str, detail: str, **extras: str) -> dict[str, object]:
    """Build the erp-contracts 4.5 error body for one error detail."""
    type_url, title = _TYPES.get(status, (_RFC9110 + "15.5.1", "Error"))
    item: dict[str, str] = {"detail": detail, "o:errorCode": code, **extras}
    return {
        "type": type_url,
        "title": title,
        "status": status,
        "o:errorDetails": [item],
    }


def error_response(
    error: SandboxError, headers: Mapping[str, str] | None = None
) -> Response:
    """Render a :class:`SandboxError` as NetSuite does."""
    body = error_body(error.status, error.code, error.detail, **error.extras)
    return Response(
        encode_json(body),
        status=error.status,
        headers=dict(headers or {}),
        content_type="application/vnd.oracle.resource+json; type=error",
    )


def no_content(location: str) -> Response:
    """Return ``204 No Content`` with the created or updated record's Location."""
    return Response(status=204, headers={"Location": location})

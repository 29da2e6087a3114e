"""JSON errors for the API: ``{"error": {"code", "message", "field"?}}``."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response, jsonify

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An error the API reports to its caller; ``message`` is safe to show."""

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def error_response(status: int, message: str, field: str | None = None) -> Response:
    body: dict[str, str] = {
        "code": CODES.get(status, HTTPStatus(status).phrase.lower().replace(" ", "_")),
        "message": message,
    }
    if field is not None:
        body["field"] = field
    response = jsonify({"error": body})
    response.status_code = status
    if status == HTTPStatus.UNAUTHORIZED:
        response.headers["WWW-Authenticate"] = 'Bearer realm="arbridge"'
    return response


def api_error_response(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.field)

"""The Flask app factory: the web pages, the REST API, error handlers and health."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from gateway.api import ApiError, api_error_response, error_response
from gateway.api import bp as api_bp
from gateway.queries.health import database_ok
from ui import BLUEPRINTS
from ui.shell import render_error

if TYPE_CHECKING:
    from flask import Response

    from gateway.bootstrap import Services

log = logging.getLogger(__name__)


def create_app(services: Services) -> Flask:
    """Build the WSGI app around an already wired services container."""
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=services.settings.secret_key.reveal(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TESTING=services.settings.testing,
    )
    # Keep fields in their documented order rather than alphabetical.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["arbridge"] = services
    app.register_blueprint(api_bp)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.add_url_rule("/healthz", "healthz", _healthz)
    app.register_error_handler(ApiError, api_error_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _internal_error)
    return app


def _healthz() -> tuple[Response, int]:
    if database_ok(current_app.extensions["arbridge"]):
        return jsonify(status="ok", database="ok"), 200
    return jsonify(status="unavailable", database="unreachable"), 503


def _wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _http_error(error: HTTPException) -> Response | tuple[str, int] | HTTPException:
    if error.code is None:  # a bare HTTPException carries no status to report
        return error
    if _wants_json():
        return error_response(error.code, error.description or error.name)
    return render_error(error)


def _internal_error(error: InternalServerError) -> Response | tuple[str, int]:
    original = getattr(error, "original_exception", None)
    log.error(
        "unhandled error on %s %s", request.method, request.path, exc_info=original
    )
    if _wants_json():
        return error_response(500, "internal server error")
    return render_error(InternalServerError())

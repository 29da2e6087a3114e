"""The WSGI application: routing, concurrency gate, scripted faults, auth, logging."""

from __future__ import annotations

import json
import logging
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from adapters.netsuite.sandbox import payments, records
from adapters.netsuite.sandbox.responses import (
    SandboxError,
    error_response,
    json_response,
)
from adapters.netsuite.sandbox.suiteql import handle_suiteql

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from adapters.netsuite.sandbox.auth import OAuthVerifier
    from adapters.netsuite.sandbox.faults import Fault, FaultScript
    from adapters.netsuite.sandbox.schema import Database

logger = logging.getLogger(__name__)

CONTROL_PREFIX: Final = "/_sandbox/"
_URLS: Final = Map(
    [
        Rule("/services/rest/query/v1/suiteql", methods=["POST"], endpoint="suiteql"),
        Rule(
            "/services/rest/record/v1/<type_name>", methods=["POST"], endpoint="create"
        ),
        Rule(
            "/services/rest/record/v1/<type_name>/<ref>",
            methods=["GET", "PATCH", "PUT", "DELETE"],
            endpoint="record",
        ),
    ],
    strict_slashes=False,
    merge_slashes=False,
)


@dataclass(frozen=True, slots=True)
class RequestLogEntry:
    """One API request as the sandbox answered it (``fault`` names a scripted one)."""

    method: str
    path: str
    status: int
    fault: str | None = None


class _DroppedConnectionError(ConnectionError):
    """Raised after the socket is shut: werkzeug then sends nothing and logs nothing."""


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's handler with its access log sent to ``logging`` at debug level."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the per-request access line; the sandbox keeps its own request log."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """Route werkzeug's messages to the module logger."""
        level = logging.WARNING if type == "error" else logging.DEBUG
        logger.log(level, message, *args)


class SandboxApp:
    """The NetSuite-like WSGI application behind :class:`NetSuiteSandbox`."""

    def __init__(
        self,
        db: Database,
        verifier: OAuthVerifier,
        faults: FaultScript,
        concurrency_limit: int,
        stopping: threading.Event,
    ) -> None:
        self.db = db
        self.verifier = verifier
        self.faults = faults
        self.concurrency_limit = concurrency_limit
        self.request_log: list[RequestLogEntry] = []
        self._stopping = stopping
        self._lock = threading.Lock()
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """How many API requests are being answered right now."""
        with self._lock:
            return self._in_flight

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Answer one WSGI request."""
        request = Request(environ)
        if request.path.startswith(CONTROL_PREFIX):
            return self._control(request)(environ, start_response)
        if not self._enter():
            response = error_response(_concurrency_error())
            self._log(request, response.status_code, None)
            return response(environ, start_response)
        try:
            response, fault = self._serve(request)
        finally:
            self._leave()
        self._log(request, response.status_code, fault)
        if fault == "drop":
            _drop_connection(environ)
        return response(environ, start_response)

    def _enter(self) -> bool:
        with self._lock:
            if self._in_flight >= self.concurrency_limit:
                return False
            self._in_flight += 1
            return True

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _log(self, request: Request, status: int, fault: str | None) -> None:
        with self._lock:
            self.request_log.append(
                RequestLogEntry(request.method, request.path, status, fault)
            )

    def _serve(self, request: Request) -> tuple[Response, str | None]:
        fault = self.faults.take()
        early = self._apply_fault(fault) if fault is not None else None
        if early is not None:
            return early, fault.kind if fault else None
        try:
            self.verifier.verify(request)
            response = self._dispatch(request)
        except SandboxError as exc:
            response = error_response(exc)
        return response, fault.kind if fault else None

    def _apply_fault(self, fault: Fault) -> Response | None:
        """Answer a 429/503 fault at once; hold a slow one; let a drop run first."""
        if fault.kind == "429":
            headers = (
                {}
                if fault.retry_after is None
                else {"Retry-After": str(fault.retry_after)}
            )
            return error_response(_concurrency_error(), headers)
        if fault.kind == "503":
            detail = "The service is temporarily unavailable. Try again later."
            return error_response(SandboxError(503, "SERVICE_UNAVAILABLE", detail))
        if fault.kind == "slow":
            # An Event instead of sleep: stop() releases held requests at once.
            self._stopping.wait(fault.delay or 0)
        return None

    def _dispatch(self, request: Request) -> Response:
        base_url = request.host_url.rstrip("/")
        try:
            endpoint, args = _URLS.bind_to_environ(request.environ).match()
        except NotFound as exc:
            raise SandboxError(
                404, "NONEXISTENT_ID", f"No resource at {request.path}."
            ) from exc
        except MethodNotAllowed as exc:
            raise SandboxError(
                405,
                "METHOD_NOT_ALLOWED",
                f"{request.method} is not allowed on {request.path}.",
            ) from exc
        if endpoint == "suiteql":
            return handle_suiteql(request, self.db, base_url)
        if endpoint == "create":
            return payments.handle_post(request, self.db, args["type_name"], base_url)
        return self._record(request, args["type_name"], args["ref"], base_url)

    def _record(
        self, request: Request, type_name: str, ref: str, base_url: str
    ) -> Response:
        if request.method == "GET":
            return records.handle_get(self.db, type_name, ref)
        if request.method == "PATCH":
            return records.handle_patch(request, self.db, type_name, ref, base_url)
        if request.method == "PUT":
            return payments.handle_put(request, self.db, type_name, ref, base_url)
        return records.handle_delete(self.db, type_name, ref)

    def _control(self, request: Request) -> Response:
        """``/_sandbox/faults``: script faults from another process (no OAuth)."""
        if request.path.rstrip("/") != "/_sandbox/faults":
            return error_response(
                SandboxError(404, "NONEXISTENT_ID", "Unknown control path.")
            )
        if request.method == "DELETE":
            self.faults.clear()
        elif request.method == "POST":
            try:
                self._inject(request)
            except (ValueError, TypeError) as exc:
                return error_response(SandboxError(400, "INVALID_PARAMETER", str(exc)))
        return json_response({"pending": self.faults.pending()})

    def _inject(self, request: Request) -> None:
        body = json.loads(request.get_data(as_text=True) or "{}")
        if not isinstance(body, dict):
            raise TypeError("the body must be a JSON object")
        retry_after, delay = body.get("retry_after"), body.get("delay")
        self.faults.inject(
            str(body.get("kind")),
            int(body.get("count", 1)),
            retry_after=None if retry_after is None else int(retry_after),
            delay=None if delay is None else float(delay),
        )


def _concurrency_error() -> SandboxError:
    return SandboxError(
        429,
        "CONCURRENCY_LIMIT_EXCEEDED",
        "Concurrent request limit exceeded. Request blocked.",
    )


def _drop_connection(environ: WSGIEnvironment) -> None:
    """Close the client's connection without a response (the request already ran).

    Raises:
        ConnectionError: Always; werkzeug treats it as a dropped connection.
    """
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            logger.debug("socket already closed before the scripted drop")
    raise _DroppedConnectionError("scripted drop")

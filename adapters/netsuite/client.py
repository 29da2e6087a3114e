"""NetSuite SuiteTalk REST client: SuiteQL and the record API over OAuth 1.0a TBA.

Every call is built as a :class:`NetSuiteRequest` value and sent through one
:meth:`NetSuiteClient._send`, which signs it, translates the outcome
(``adapters.netsuite.errors``) and retries it (``adapters.retry``).

Retry safety: GET, PATCH (same body), PUT ``eid:`` upsert, DELETE and the SuiteQL POST
(a read) are idempotent and retry every transient error. A record-creating POST is
not: if its response is lost, NetSuite may already have created the record, and a
blind resend would double-post. Creates therefore retry only failures that happen
before NetSuite acts (connect errors, 429, 503); anything else surfaces as
:class:`~adapters.netsuite.errors.OutcomeUnknown` for the caller to resolve by
looking the record up by external id.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import quote, urlsplit

import requests
from requests_oauthlib import OAuth1

from adapters.errors import ConfigError, TransientError
from adapters.http import DEFAULT_TIMEOUT, build_session, log_exchange
from adapters.netsuite.errors import (
    SYSTEM,
    OutcomeUnknown,
    error_from_response,
    translate_errors,
)
from adapters.netsuite.queries import (
    SuiteQLPage,
    is_internal_id,
    parse_page,
    suiteql_id,
    suiteql_literal,
)
from adapters.retry import RetryPolicy

__all__ = [
    "NetSuiteClient",
    "NetSuiteRequest",
    "SuiteQLPage",
    "default_base_url",
    "suiteql_id",
    "suiteql_literal",
]

logger = logging.getLogger(__name__)

SUITEQL_PATH: Final = "/services/rest/query/v1/suiteql"
RECORD_PATH: Final = "/services/rest/record/v1"
MAX_LIMIT: Final = 1000

_ACCOUNT: Final = re.compile(r"[A-Za-z0-9_]+")
_RECORD_TYPE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Sent on every call: an unknown JSON property becomes a 400, not a silent no-op.
_COMMON_HEADERS: Final = {"X-NetSuite-PropertyNameValidation": "error"}


def _checked_account(account: str) -> str:
    # The account is both the OAuth realm and part of the host: as NetSuite shows it.
    if not _ACCOUNT.fullmatch(account):
        raise ConfigError(
            SYSTEM,
            "configure",
            "account must be the id NetSuite shows, e.g. 1234567_SB1",
        )
    return account


def default_base_url(account: str) -> str:
    """Return ``https://<account lower-cased, _ -> ->.suitetalk.api.netsuite.com``.

    Raises:
        ConfigError: The account id has characters NetSuite never uses.
    """
    host = _checked_account(account).lower().replace("_", "-")
    return f"https://{host}.suitetalk.api.netsuite.com"


@dataclass(frozen=True, slots=True)
class NetSuiteRequest:
    """One HTTP call, as a value: built first, then sent by ``_send``."""

    method: str
    path: str
    operation: str
    params: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, object] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotent: bool = True


def _record_path(record_type: str, record_key: str | None = None) -> str:
    if not _RECORD_TYPE.fullmatch(record_type):
        raise ValueError(f"not a NetSuite record type: {record_type!r}")
    if record_key is None:
        return f"{RECORD_PATH}/{record_type}"
    if record_key.startswith("eid:"):
        external_id = record_key[4:]
        if not external_id:
            raise ValueError("empty external id")
        return f"{RECORD_PATH}/{record_type}/eid:{quote(external_id, safe='')}"
    return f"{RECORD_PATH}/{record_type}/{suiteql_id(record_key)}"


def _id_from_location(response: requests.Response, operation: str) -> str:
    """Return the new record's id: the last path segment of ``Location``."""
    location = response.headers.get("Location", "")
    record_id = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    if not is_internal_id(record_id):
        # The write happened but we cannot tell which record it made.
        raise OutcomeUnknown(
            SYSTEM, operation, "write answered without a usable Location"
        )
    return record_id


class NetSuiteClient:
    """Signed, retried calls to one NetSuite account."""

    def __init__(
        self,
        account: str,
        consumer_key: str,
        consumer_secret: str,
        token_id: str,
        token_secret: str,
        *,
        base_url: str | None = None,
        session: requests.Session | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self.account = _checked_account(account)
        self.base_url = (base_url or default_base_url(account)).rstrip("/")
        self.retry_policy = retry_policy or RetryPolicy()
        self._owns_session = session is None
        self._session = session if session is not None else build_session()
        self._timeout = timeout
        self._auth = OAuth1(
            client_key=consumer_key,
            client_secret=consumer_secret,
            resource_owner_key=token_id,
            resource_owner_secret=token_secret,
            signature_method="HMAC-SHA256",
            realm=account,
        )

    def __repr__(self) -> str:
        return f"NetSuiteClient(account={self.account!r}, base_url={self.base_url!r})"

    def __enter__(self) -> NetSuiteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    # -- SuiteQL -----------------------------------------------------------------

    def suiteql(
        self, q: str, *, limit: int = MAX_LIMIT, offset: int = 0
    ) -> SuiteQLPage:
        """Run one page of a SuiteQL query.

        Args:
            q: The SELECT; literals in it must come from ``suiteql_literal``.
            limit: Rows per page, 1..1000.
            offset: Rows to skip, a multiple of ``limit``.

        Raises:
            ValueError: ``limit`` or ``offset`` break NetSuite's paging rules.
            AdapterError: The call failed (see ``adapters.errors``).
        """
        if not 1 <= limit <= MAX_LIMIT or offset < 0 or offset % limit:
            raise ValueError(f"bad SuiteQL paging: limit={limit} offset={offset}")
        request = NetSuiteRequest(
            method="POST",
            path=SUITEQL_PATH,
            operation="suiteql",
            params={"limit": str(limit), "offset": str(offset)},
            body={"q": q},
            headers={"Prefer": "transient"},
        )
        return parse_page(self._send_json(request), request.operation)

    def suiteql_all(
        self, q: str, *, limit: int = MAX_LIMIT
    ) -> Iterator[dict[str, object]]:
        """Yield every row of a small query, paging by offset.

        Offset paging can skip or repeat rows modified mid-read, so use it only for
        small reference queries; streams use keyset paging instead.
        """
        offset = 0
        while True:
            page = self.suiteql(q, limit=limit, offset=offset)
            yield from page.items
            if not page.has_more or not page.items:
                return
            offset += limit

    # -- record API --------------------------------------------------------------

    def get_record(self, record_type: str, id_or_eid: str) -> dict[str, object]:
        """Read a record by internal id or by ``eid:<external id>``.

        Raises:
            NotFound: No such record.
        """
        request = NetSuiteRequest(
            "GET", _record_path(record_type, id_or_eid), f"get {record_type}"
        )
        return self._send_json(request)

    def patch_record(
        self, record_type: str, record_id: str, body: Mapping[str, object]
    ) -> None:
        """Partially update a record; fields absent from ``body`` stay unchanged."""
        request = NetSuiteRequest(
            "PATCH",
            _record_path(record_type, record_id),
            f"patch {record_type}",
            body=body,
        )
        self._send(request).close()

    def create_record(self, record_type: str, body: Mapping[str, object]) -> str:
        """Create a record and return its internal id (from ``Location``).

        Not idempotent: only pre-send failures are retried here.

        Raises:
            OutcomeUnknown: The record may or may not exist now.
        """
        request = NetSuiteRequest(
            "POST",
            _record_path(record_type),
            f"create {record_type}",
            body=body,
            idempotent=False,
        )
        with self._send(request) as response:
            return _id_from_location(response, request.operation)

    def upsert_record(
        self, record_type: str, external_id: str, body: Mapping[str, object]
    ) -> str:
        """Create or update the record with this external id; return its internal id."""
        path = _record_path(record_type, f"eid:{external_id}")
        request = NetSuiteRequest("PUT", path, f"upsert {record_type}", body=body)
        with self._send(request) as response:
            return _id_from_location(response, request.operation)

    def delete_record(self, record_type: str, record_id: str) -> None:
        """Delete a record. A retried delete whose first try landed raises NotFound."""
        request = NetSuiteRequest(
            "DELETE", _record_path(record_type, record_id), f"delete {record_type}"
        )
        self._send(request).close()

    # -- the one send ------------------------------------------------------------

    def _send_json(self, request: NetSuiteRequest) -> dict[str, object]:
        with self._send(request) as response:
            try:
                data = response.json()
            except ValueError as exc:
                raise TransientError(
                    SYSTEM, request.operation, "response is not JSON"
                ) from exc
        if not isinstance(data, dict):
            raise TransientError(
                SYSTEM, request.operation, "response is not a JSON object"
            )
        return data

    def _send(self, request: NetSuiteRequest) -> requests.Response:
        """Send ``request`` with retries; return the 2xx response or raise."""
        should_retry = None if request.idempotent else _resend_is_safe
        retrying = self.retry_policy.retrying(should_retry=should_retry)
        return retrying(self._send_once, request)

    def _send_once(self, request: NetSuiteRequest) -> requests.Response:
        url = self.base_url + request.path
        started = time.monotonic()
        with translate_errors(request.operation, idempotent=request.idempotent):
            response = self._session.request(
                request.method,
                url,
                params=dict(request.params) or None,
                json=dict(request.body) if request.body is not None else None,
                headers={**_COMMON_HEADERS, **request.headers},
                auth=self._auth,
                timeout=self._timeout,
            )
        log_exchange(
            logger,
            request.method,
            url,
            response.status_code,
            time.monotonic() - started,
        )
        if response.status_code >= 300:
            with response:
                error = error_from_response(
                    response, request.operation, idempotent=request.idempotent
                )
            raise error
        return response


def _resend_is_safe(exc: BaseException) -> bool:
    """Whether a failed non-idempotent request certainly did not reach NetSuite."""
    return not isinstance(exc, OutcomeUnknown)

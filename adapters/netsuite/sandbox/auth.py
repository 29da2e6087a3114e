"""OAuth 1.0a token-based authentication (HMAC-SHA256) as NetSuite checks it."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from oauthlib.oauth1.rfc5849 import signature, utils

from adapters.netsuite.sandbox.responses import INVALID_LOGIN_DETAIL, SandboxError

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

TIMESTAMP_WINDOW_S: Final = 300


@dataclass(frozen=True, slots=True)
class SandboxCredentials:
    """The one integration record and access token the sandbox accepts."""

    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str

    @classmethod
    def for_account(cls, account: str) -> SandboxCredentials:
        """Derive deterministic 64-hex-digit credentials from the account id.

        Deterministic so a standalone sandbox and its clients agree across restarts.
        """

        def derive(part: str) -> str:
            return hashlib.sha256(
                f"arbridge-sandbox:{account}:{part}".encode()
            ).hexdigest()

        return cls(
            consumer_key=derive("consumer_key"),
            consumer_secret=derive("consumer_secret"),
            token_id=derive("token_id"),
            token_secret=derive("token_secret"),
        )


@dataclass(slots=True)
class _SignedRequest:
    """The attributes oauthlib's ``verify_hmac_sha256`` reads from a request."""

    http_method: str
    uri: str
    params: list[tuple[str, str]]
    signature: str


def invalid_login() -> SandboxError:
    """Return the single 401 NetSuite gives for every authentication failure."""
    return SandboxError(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL)


class OAuthVerifier:
    """Check TBA signatures, realm, keys, timestamp window and nonce replay."""

    def __init__(
        self,
        account: str,
        credentials: SandboxCredentials,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._account = account
        self._creds = credentials
        # Real time, not the sandbox clock: the client stamps requests with real time.
        self._wall_clock = wall_clock
        self._nonces: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def verify(self, request: Request) -> None:
        """Accept a correctly signed request or raise the 401.

        Raises:
            SandboxError: ``401 INVALID_LOGIN`` for any failure.
        """
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("oauth "):
            raise invalid_login()
        try:
            # Values arrive percent-encoded (the signature's '=' as %3D).
            pairs = utils.parse_authorization_header(header)
            fields = {name: utils.unescape(value) for name, value in pairs}
        except ValueError as exc:
            raise invalid_login() from exc
        self._check_fields(fields)
        if not self._signature_ok(request, header, fields["oauth_signature"]):
            raise invalid_login()
        self._remember_nonce(fields["oauth_timestamp"], fields["oauth_nonce"])

    def _check_fields(self, fields: dict[str, str]) -> None:
        expected = {
            "realm": self._account,
            "oauth_consumer_key": self._creds.consumer_key,
            "oauth_token": self._creds.token_id,
            "oauth_signature_method": "HMAC-SHA256",
        }
        if any(fields.get(name) != value for name, value in expected.items()):
            raise invalid_login()
        if fields.get("oauth_version", "1.0") != "1.0" or not fields.get("oauth_nonce"):
            raise invalid_login()
        if "oauth_signature" not in fields:
            raise invalid_login()
        stamp = fields.get("oauth_timestamp", "")
        if (
            not stamp.isdigit()
            or abs(self._wall_clock() - int(stamp)) > TIMESTAMP_WINDOW_S
        ):
            raise invalid_login()

    def _signature_ok(self, request: Request, header: str, sig: str) -> bool:
        # Sign over exactly what the client used: its Host header and the raw path,
        # plus the query string and any form body (never a JSON body).
        raw_uri = str(request.environ.get("RAW_URI") or request.path)
        path = raw_uri.split("?", 1)[0]
        uri = f"{request.scheme}://{request.host}{path}"
        body = (
            request.get_data(as_text=True)
            if request.mimetype == ("application/x-www-form-urlencoded")
            else None
        )
        params = signature.collect_parameters(
            uri_query=request.query_string.decode("latin-1"),
            body=body,
            headers={"Authorization": header},
        )
        signed = _SignedRequest(request.method, uri, list(params), sig)
        try:
            return bool(
                signature.verify_hmac_sha256(
                    signed, self._creds.consumer_secret, self._creds.token_secret
                )
            )
        except ValueError:
            return False

    def _remember_nonce(self, stamp: str, nonce: str) -> None:
        now = self._wall_clock()
        with self._lock:
            # Nonces older than the timestamp window cannot be replayed anyway.
            # Dicts keep insertion order, so the oldest entries come first.
            horizon = now - 2 * TIMESTAMP_WINDOW_S
            while self._nonces:
                oldest = next(iter(self._nonces))
                if self._nonces[oldest] >= horizon:
                    break
                del self._nonces[oldest]
            if (stamp, nonce) in self._nonces:
                raise invalid_login()
            self._nonces[(stamp, nonce)] = now

"""OAuth 1.0a TBA checks: signature, realm, keys, timestamp window, nonce replay."""

from __future__ import annotations

import time

import pytest
import requests
from ns_sandbox_helpers import RECORD, Api, make_auth

from adapters.netsuite.sandbox import NetSuiteSandbox

INVALID_LOGIN_BODY = {
    "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [
        {
            "detail": "Invalid login attempt. For more details, see the Login Audit Trail "
            "in the NetSuite UI at Setup > Users/Roles > User Management > View Login "
            "Audit Trail.",
            "o:errorCode": "INVALID_LOGIN",
        }
    ],
}


def _get_customer(sandbox: NetSuiteSandbox, auth: object) -> requests.Response:
    return requests.get(
        f"{sandbox.base_url}{RECORD}/customer/1001", auth=auth, timeout=10
    )


def test_correctly_signed_request_is_answered(api: Api) -> None:
    response = api.record("GET", "/customer/1001")

    assert response.status_code == 200
    assert response.json()["id"] == "1001"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"client_secret": "not-the-secret"}, id="bad-consumer-secret"),
        pytest.param(
            {"resource_owner_secret": "not-the-secret"}, id="bad-token-secret"
        ),
        pytest.param({"realm": "1234567-sb1"}, id="realm-in-host-form"),
        pytest.param({"realm": "1234567_sb1"}, id="realm-lower-case"),
        pytest.param({"client_key": "unknown-consumer"}, id="unknown-consumer-key"),
        pytest.param({"resource_owner_key": "unknown-token"}, id="unknown-token"),
        pytest.param({"signature_method": "HMAC-SHA1"}, id="hmac-sha1"),
        pytest.param({"timestamp": str(int(time.time()) - 3600)}, id="stale-timestamp"),
    ],
)
def test_bad_credentials_get_401_invalid_login(
    sandbox: NetSuiteSandbox, overrides: dict[str, str]
) -> None:
    response = _get_customer(sandbox, make_auth(sandbox, **overrides))

    assert response.status_code == 401
    assert response.json() == INVALID_LOGIN_BODY


def test_missing_authorization_header_gets_401(sandbox: NetSuiteSandbox) -> None:
    response = _get_customer(sandbox, None)

    assert response.status_code == 401
    assert response.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"


def test_replayed_nonce_is_rejected(sandbox: NetSuiteSandbox) -> None:
    request = requests.Request("GET", f"{sandbox.base_url}{RECORD}/customer/1001")
    prepared = request.prepare()
    prepared = make_auth(sandbox)(prepared)

    with requests.Session() as session:
        first = session.send(prepared, timeout=10)
        replay = session.send(prepared, timeout=10)

    assert first.status_code == 200
    assert replay.status_code == 401
    assert replay.json() == INVALID_LOGIN_BODY


def test_query_parameters_are_part_of_the_signature(sandbox: NetSuiteSandbox) -> None:
    request = requests.Request(
        "POST",
        f"{sandbox.base_url}/services/rest/query/v1/suiteql?limit=5&offset=0",
        json={"q": "SELECT c.id FROM customer c"},
        headers={"Prefer": "transient"},
    )
    prepared = make_auth(sandbox)(request.prepare())
    assert prepared.url is not None
    prepared.url = prepared.url.replace("limit=5", "limit=10")

    with requests.Session() as session:
        response = session.send(prepared, timeout=10)

    assert response.status_code == 401


def test_signature_covers_the_url_the_client_used(sandbox: NetSuiteSandbox) -> None:
    # Same server, reached as "localhost": the signature over 127.0.0.1 must not match.
    request = requests.Request("GET", f"{sandbox.base_url}{RECORD}/customer/1001")
    prepared = make_auth(sandbox)(request.prepare())
    assert prepared.url is not None
    prepared.url = prepared.url.replace("127.0.0.1", "localhost")

    with requests.Session() as session:
        response = session.send(prepared, timeout=10)

    assert response.status_code == 401

from __future__ import annotations

import json

import pytest
import requests
import requests_mock as rm
from netsuite_unit_support import (
    ACCOUNT,
    BASE,
    CONSUMER_SECRET,
    RECORDS,
    SUITEQL,
    TOKEN_SECRET,
)
from urllib3.exceptions import MaxRetryError, NewConnectionError

from adapters.errors import (
    AdapterError,
    AuthError,
    ConfigError,
    NotFound,
    RateLimited,
    RejectedError,
    TransientError,
)
from adapters.netsuite.client import NetSuiteClient, default_base_url
from adapters.netsuite.errors import OutcomeUnknown
from adapters.retry import RetryPolicy


def ns_error(status: int, *details: dict[str, str]) -> dict[str, object]:
    return {
        "status_code": status,
        "json": {
            "type": "about:blank",
            "title": "x",
            "status": status,
            "o:errorDetails": list(details),
        },
    }


def page(items: list[dict[str, object]], *, has_more: bool = False, offset: int = 0):
    return {
        "json": {
            "links": [],
            "count": len(items),
            "hasMore": has_more,
            "items": [{**i, "links": []} for i in items],
            "offset": offset,
            "totalResults": 99,
        },
    }


def header(request: rm.request._RequestObjectProxy, name: str) -> str:
    # requests-oauthlib hands requests the signed headers as bytes.
    value = request.headers[name]
    return value.decode() if isinstance(value, bytes) else str(value)


def refused() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(MaxRetryError(None, "/", reason))  # type: ignore[arg-type]


# -- host and realm ------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "host"),
    [
        ("1234567_SB1", "1234567-sb1"),
        ("TSTDRV123", "tstdrv123"),
        ("1234567", "1234567"),
    ],
)
def test_default_host_is_lower_case_with_hyphens(account: str, host: str) -> None:
    assert default_base_url(account) == f"https://{host}.suitetalk.api.netsuite.com"


@pytest.mark.parametrize("account", ["", "evil.com/x", "a b", "1234567-SB1"])
def test_accounts_netsuite_never_issues_are_a_config_error(account: str) -> None:
    with pytest.raises(ConfigError):
        default_base_url(account)


def test_base_url_overrides_the_host() -> None:
    client = NetSuiteClient(
        ACCOUNT, "k", "s", "t", "ts", base_url="http://127.0.0.1:9/"
    )
    assert client.base_url == "http://127.0.0.1:9"
    client.close()


def test_requests_are_signed_hmac_sha256_with_the_account_as_realm(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(SUITEQL, **page([]))
    ns_client.suiteql("SELECT 1 FROM dual")
    auth = header(requests_mock.last_request, "Authorization")
    assert auth.startswith("OAuth ")
    assert 'realm="1234567_SB1"' in auth
    assert 'oauth_signature_method="HMAC-SHA256"' in auth
    assert 'oauth_consumer_key="consumer-key"' in auth
    assert 'oauth_token="token-id"' in auth


def test_repr_shows_no_credentials(ns_client: NetSuiteClient) -> None:
    assert CONSUMER_SECRET not in repr(ns_client)
    assert TOKEN_SECRET not in repr(ns_client)


# -- SuiteQL -------------------------------------------------------------------


def test_suiteql_sends_paging_params_prefer_transient_and_property_validation(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(SUITEQL, **page([{"id": "1", "name": "a"}], has_more=True))
    result = ns_client.suiteql("SELECT id, name FROM customer", limit=50, offset=100)
    sent = requests_mock.last_request
    assert sent.qs == {"limit": ["50"], "offset": ["100"]}
    assert header(sent, "Prefer") == "transient"
    assert header(sent, "X-NetSuite-PropertyNameValidation") == "error"
    assert header(sent, "Content-Type") == "application/json"
    assert json.loads(sent.body) == {"q": "SELECT id, name FROM customer"}
    assert result.items == ({"id": "1", "name": "a"},)
    assert result.has_more is True
    assert (result.count, result.total_results) == (1, 99)


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (1001, 0), (10, -10), (10, 5)])
def test_suiteql_refuses_paging_netsuite_rejects(
    ns_client: NetSuiteClient, limit: int, offset: int
) -> None:
    with pytest.raises(ValueError, match="paging"):
        ns_client.suiteql("SELECT 1", limit=limit, offset=offset)


def test_suiteql_all_pages_by_offset_until_has_more_is_false(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        SUITEQL,
        [
            page([{"id": "1"}, {"id": "2"}], has_more=True),
            page([{"id": "3"}], offset=2),
        ],
    )
    rows = list(ns_client.suiteql_all("SELECT id FROM term", limit=2))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert [r.qs["offset"] for r in requests_mock.request_history] == [["0"], ["2"]]


def test_a_body_that_is_not_a_suiteql_envelope_is_transient(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(SUITEQL, text="<html>proxy</html>")
    with pytest.raises(TransientError, match="not JSON"):
        ns_client.suiteql("SELECT 1")


# -- error table ---------------------------------------------------------------


def test_400_carries_netsuite_details_and_first_error_code(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        SUITEQL,
        **ns_error(
            400,
            {
                "detail": "Field 'foreignamountremaining' was not found.",
                "o:errorCode": "INVALID_PARAMETER",
                "o:errorPath": "q",
            },
            {"detail": "second", "o:errorCode": "OTHER"},
        ),
    )
    with pytest.raises(RejectedError) as info:
        ns_client.suiteql("SELECT foreignamountremaining FROM transaction")
    err = info.value
    assert (err.code, err.status, err.system) == ("INVALID_PARAMETER", 400, "netsuite")
    assert "foreignamountremaining" in err.message
    assert "(at q)" in err.message
    assert "OTHER: second" in err.message
    assert requests_mock.call_count == 1


@pytest.mark.parametrize(
    ("status", "error_class", "attempts"),
    [
        (401, AuthError, 1),
        (403, AuthError, 1),
        (404, NotFound, 1),
        (409, RejectedError, 1),
        (500, TransientError, 3),
        (502, TransientError, 3),
        (503, TransientError, 3),
        (504, TransientError, 3),
    ],
)
def test_status_table(
    ns_client: NetSuiteClient,
    requests_mock: rm.Mocker,
    status: int,
    error_class: type[AdapterError],
    attempts: int,
) -> None:
    requests_mock.get(
        f"{RECORDS}/invoice/5", **ns_error(status, {"detail": "d", "o:errorCode": "E"})
    )
    with pytest.raises(error_class) as info:
        ns_client.get_record("invoice", "5")
    assert type(info.value) is error_class
    assert info.value.status == status
    assert requests_mock.call_count == attempts


def test_401_message_never_contains_credentials(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        SUITEQL,
        **ns_error(
            401, {"detail": "Invalid login attempt.", "o:errorCode": "INVALID_LOGIN"}
        ),
    )
    with pytest.raises(AuthError) as info:
        ns_client.suiteql("SELECT 1")
    text = str(info.value)
    assert info.value.code == "INVALID_LOGIN"
    assert "Invalid login attempt." in text
    for secret in (CONSUMER_SECRET, TOKEN_SECRET, "oauth_signature", "OAuth "):
        assert secret not in text


@pytest.mark.parametrize(
    ("header", "expected"), [({"Retry-After": "7"}, 7.0), ({}, None)]
)
def test_429_is_rate_limited_with_retry_after_when_given(
    ns_client: NetSuiteClient,
    requests_mock: rm.Mocker,
    header: dict[str, str],
    expected: float | None,
) -> None:
    body = ns_error(
        429, {"detail": "busy", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}
    )
    requests_mock.post(SUITEQL, headers=header, **body)
    with pytest.raises(RateLimited) as info:
        ns_client.suiteql("SELECT 1")
    assert info.value.retry_after == expected
    assert info.value.code == "CONCURRENCY_LIMIT_EXCEEDED"
    assert requests_mock.call_count == 3


def test_429_then_success_returns_the_page(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(SUITEQL, [ns_error(429), page([{"id": "1"}])])
    assert ns_client.suiteql("SELECT 1").items == ({"id": "1"},)


def test_error_without_json_body_still_classifies(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{RECORDS}/invoice/5", status_code=502, text="Bad gateway\n")
    with pytest.raises(TransientError, match="Bad gateway"):
        ns_client.get_record("invoice", "5")


@pytest.mark.parametrize(
    "exc", [requests.ReadTimeout, requests.ConnectTimeout, requests.ConnectionError]
)
def test_transport_failures_of_reads_are_transient_and_retried(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker, exc: type[Exception]
) -> None:
    requests_mock.post(SUITEQL, exc=exc)
    with pytest.raises(TransientError) as info:
        ns_client.suiteql("SELECT 1")
    assert not isinstance(info.value, OutcomeUnknown)
    assert requests_mock.call_count == 3


# -- record API ----------------------------------------------------------------


def test_get_record_by_external_id_quotes_the_key(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{RECORDS}/customerPayment/eid:a%2Fb%20c", json={"id": "9"})
    assert ns_client.get_record("customerPayment", "eid:a/b c") == {"id": "9"}


@pytest.mark.parametrize("key", ["5/../6", "5?x=1", "x", ""])
def test_record_ids_must_be_digits(ns_client: NetSuiteClient, key: str) -> None:
    with pytest.raises(ValueError, match="internal id"):
        ns_client.get_record("invoice", key)


def test_record_types_must_be_identifiers(ns_client: NetSuiteClient) -> None:
    with pytest.raises(ValueError, match="record type"):
        ns_client.get_record("../query", "1")


def test_patch_sends_the_body_and_validation_header(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.patch(f"{RECORDS}/invoice/5", status_code=204)
    ns_client.patch_record("invoice", "5", {"custbody_arb_dunning_level": 2})
    sent = requests_mock.last_request
    assert sent.json() == {"custbody_arb_dunning_level": 2}
    assert header(sent, "X-NetSuite-PropertyNameValidation") == "error"
    assert "Prefer" not in sent.headers


@pytest.mark.parametrize("status", [201, 204])
def test_create_returns_the_id_from_location(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker, status: int
) -> None:
    requests_mock.post(
        f"{RECORDS}/customerPayment",
        status_code=status,
        headers={"Location": f"{RECORDS}/customerpayment/812"},
    )
    assert ns_client.create_record("customerPayment", {"payment": 1}) == "812"


def test_create_without_location_has_an_unknown_outcome(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(f"{RECORDS}/customerPayment", status_code=204)
    with pytest.raises(OutcomeUnknown):
        ns_client.create_record("customerPayment", {})


@pytest.mark.parametrize(
    "failure",
    [
        {"exc": requests.ReadTimeout},
        {"exc": requests.ConnectionError("reset")},
        {"status_code": 500},
        {"status_code": 504},
        {"exc": requests.exceptions.ChunkedEncodingError},
    ],
)
def test_create_is_not_resent_when_the_server_may_have_acted(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker, failure: dict[str, object]
) -> None:
    requests_mock.post(f"{RECORDS}/customerPayment", **failure)
    with pytest.raises(OutcomeUnknown):
        ns_client.create_record("customerPayment", {})
    assert requests_mock.call_count == 1


@pytest.mark.parametrize(
    "failure",
    [
        {"status_code": 429},
        {"status_code": 503},
        {"exc": requests.ConnectTimeout},
        {"exc": refused()},
    ],
)
def test_create_is_resent_when_the_server_certainly_did_not_act(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker, failure: dict[str, object]
) -> None:
    created = {"status_code": 204, "headers": {"Location": f"{RECORDS}/x/3"}}
    requests_mock.post(f"{RECORDS}/customerPayment", [failure, created])
    assert ns_client.create_record("customerPayment", {}) == "3"
    assert requests_mock.call_count == 2


def test_upsert_puts_to_the_external_id_and_returns_the_id(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    url = f"{RECORDS}/customerPayment/eid:arb-1"
    requests_mock.put(
        url,
        [
            {"exc": requests.ReadTimeout},
            {
                "status_code": 204,
                "headers": {"Location": f"{RECORDS}/customerpayment/44"},
            },
        ],
    )
    assert ns_client.upsert_record("customerPayment", "arb-1", {"memo": "m"}) == "44"
    assert requests_mock.call_count == 2


def test_delete_sends_delete(
    ns_client: NetSuiteClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.delete(f"{RECORDS}/invoice/5", status_code=204)
    ns_client.delete_record("invoice", "5")
    assert requests_mock.last_request.method == "DELETE"


def test_unusable_base_url_is_a_config_error(requests_mock: rm.Mocker) -> None:
    client = NetSuiteClient(ACCOUNT, "k", "s", "t", "ts", base_url="no-scheme")
    with client, pytest.raises(ConfigError):
        client.get_record("invoice", "1")


def test_base_constant_matches_default_host() -> None:
    assert default_base_url(ACCOUNT) == BASE


def test_immediate_policy_is_used_for_all_tests(ns_client: NetSuiteClient) -> None:
    assert ns_client.retry_policy == RetryPolicy.immediate(max_attempts=3)

from __future__ import annotations

import json

import pytest
import requests
import requests_mock as rm
from netsuite_unit_support import RECORDS, SUITEQL

from adapters.base import Cursor, WriteOp
from adapters.errors import RejectedError, TransientError
from adapters.netsuite.adapter import NetSuiteAdapter
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.errors import OutcomeUnknown

PAYMENTS_URL = f"{RECORDS}/customerPayment"
CREATED = {"status_code": 204, "headers": {"Location": f"{RECORDS}/customerpayment/90"}}


def page(
    items: list[dict[str, object]], *, has_more: bool = False
) -> dict[str, object]:
    return {
        "json": {
            "links": [],
            "count": len(items),
            "hasMore": has_more,
            "items": [{**i, "links": []} for i in items],
            "offset": 0,
            "totalResults": len(items),
        }
    }


def sent_query(request: rm.request._RequestObjectProxy) -> str:
    return str(json.loads(request.body)["q"])


@pytest.fixture
def adapter(ns_client: NetSuiteClient) -> NetSuiteAdapter:
    return NetSuiteAdapter(ns_client)


def test_streams_in_dependency_order(adapter: NetSuiteAdapter) -> None:
    specs = {s.name: s for s in adapter.streams()}
    assert list(specs) == ["customers", "invoices", "payments", "deletions"]
    assert specs["invoices"].object_type == "invoice"
    assert specs["payments"].object_type == "payment"
    deletions = specs["deletions"]
    assert (deletions.deletions, deletions.cursor_field, deletions.key_field) == (
        True,
        "deleteddate",
        "recordid",
    )
    assert NetSuiteAdapter.kind == "netsuite"


def test_read_is_keyset_paged_with_offset_zero(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    rows = [
        {"id": "3", "lastmodifieddate": "2024-05-01 10:00:00"},
        {"id": "8", "lastmodifieddate": "2024-05-01 10:00:05"},
    ]
    requests_mock.post(SUITEQL, **page(rows, has_more=True))
    result = adapter.read("invoices", Cursor("2024-05-01 09:00:00", "1"), page_size=2)
    sent = requests_mock.last_request
    assert sent.qs == {"limit": ["2"], "offset": ["0"]}
    assert "t.id > 1" in sent_query(sent)
    assert result.records == tuple(rows)
    assert result.next_cursor == Cursor("2024-05-01 10:00:05", "8")
    assert result.has_more is True


@pytest.mark.parametrize(
    ("cursor", "expected"),
    [
        (None, Cursor()),
        (Cursor("2024-05-01 10:00:00", "4"), Cursor("2024-05-01 10:00:00", "4")),
    ],
)
def test_empty_page_keeps_the_cursor(
    adapter: NetSuiteAdapter,
    requests_mock: rm.Mocker,
    cursor: Cursor | None,
    expected: Cursor,
) -> None:
    requests_mock.post(SUITEQL, **page([]))
    result = adapter.read("customers", cursor, page_size=10)
    assert (result.records, result.next_cursor, result.has_more) == (
        (),
        expected,
        False,
    )


def test_unknown_stream_is_refused(adapter: NetSuiteAdapter) -> None:
    with pytest.raises(ValueError, match="stream"):
        adapter.read("journals", None, page_size=10)


def test_payments_get_their_applications_from_one_extra_query(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    payments = [
        {"id": "5", "lastmodifieddate": "2024-05-01 10:00:00"},
        {"id": "6", "lastmodifieddate": "2024-05-01 10:00:01"},
    ]
    links = [
        {"nextdoc": "5", "previousdoc": "1", "foreignamount": "10.00"},
        {"nextdoc": "5", "previousdoc": "2", "foreignamount": "2.50"},
    ]
    requests_mock.post(SUITEQL, [page(payments), page(links)])
    result = adapter.read("payments", None, page_size=50)
    assert requests_mock.call_count == 2
    assert "l.nextdoc IN (5, 6)" in sent_query(requests_mock.last_request)
    assert result.records[0]["applications"] == [
        {"doc": "1", "amount": "10.00"},
        {"doc": "2", "amount": "2.50"},
    ]
    assert result.records[1]["applications"] == []


def test_empty_payment_page_sends_no_applications_query(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(SUITEQL, **page([]))
    adapter.read("payments", None, page_size=50)
    assert requests_mock.call_count == 1


def test_deletions_name_the_stream_of_each_deleted_record(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    rows = [
        {
            "recordid": "1",
            "recordtype": "customer",
            "deleteddate": "2024-05-01 10:00:00",
        },
        {
            "recordid": "2",
            "recordtype": "creditmemo",
            "deleteddate": "2024-05-01 10:00:00",
        },
        {
            "recordid": "3",
            "recordtype": "customerpayment",
            "deleteddate": "2024-05-02 00:00:00",
        },
    ]
    requests_mock.post(SUITEQL, **page(rows))
    result = adapter.read("deletions", None, page_size=10)
    assert [(r["id"], r["stream"]) for r in result.records] == [
        ("1", "customers"),
        ("2", "invoices"),
        ("3", "payments"),
    ]
    first = result.records[0]
    assert first["deleteddate"] == "2024-05-01 10:00:00"
    assert (first["object_type"], first["external_id"]) == ("customer", "1")
    assert result.next_cursor == Cursor("2024-05-02 00:00:00", "3")


def test_lookup_restricts_the_stream_query_to_one_id(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(SUITEQL, **page([{"id": "12"}]))
    assert adapter.lookup("customers", "12") == {"id": "12"}
    assert "c.id = 12" in sent_query(requests_mock.last_request)
    assert requests_mock.last_request.qs["limit"] == ["1"]


def test_lookup_of_a_missing_or_impossible_id_is_none(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(SUITEQL, **page([]))
    assert adapter.lookup("invoices", "12") is None
    assert adapter.lookup("invoices", "INV-12") is None
    assert requests_mock.call_count == 1


# -- writes ----------------------------------------------------------------------


def op(operation: str, **kwargs: object) -> WriteOp:
    fields: dict[str, object] = {
        "object_type": "customerPayment",
        "operation": operation,
        "payload": {"payment": 10},
        "idempotency_key": "arb:pay:1",
    }
    fields.update(kwargs)
    return WriteOp(**fields)  # type: ignore[arg-type]


def test_update_patches_the_record(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.patch(f"{RECORDS}/invoice/7", status_code=204)
    result = adapter.write(
        op("update", object_type="invoice", external_id="7", payload={"memo": "x"})
    )
    assert result.external_id == "7"
    assert requests_mock.last_request.json() == {"memo": "x"}


@pytest.mark.parametrize("external_id", [None, "INV-7"])
def test_update_needs_an_internal_id(
    adapter: NetSuiteAdapter, external_id: str | None
) -> None:
    with pytest.raises(RejectedError):
        adapter.write(op("update", external_id=external_id))


def test_upsert_puts_by_idempotency_key(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.put(f"{PAYMENTS_URL}/eid:arb%3Apay%3A1", **CREATED)
    assert adapter.write(op("upsert")).external_id == "90"


def test_create_sends_the_key_as_external_id(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(PAYMENTS_URL, **CREATED)
    result = adapter.write(op("create"))
    assert (result.external_id, result.created) == ("90", True)
    assert requests_mock.last_request.json() == {
        "payment": 10,
        "externalId": "arb:pay:1",
    }


def test_create_with_lost_response_finds_the_record_instead_of_reposting(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    posts = requests_mock.post(PAYMENTS_URL, exc=requests.ReadTimeout)
    requests_mock.get(f"{PAYMENTS_URL}/eid:arb%3Apay%3A1", json={"id": "91"})
    result = adapter.write(op("create"))
    assert (result.external_id, result.created) == ("91", True)
    assert posts.call_count == 1


def test_create_with_lost_request_is_posted_again_after_a_lookup(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    posts = requests_mock.post(
        PAYMENTS_URL, [{"exc": requests.ConnectionError}, CREATED]
    )
    gets = requests_mock.get(
        f"{PAYMENTS_URL}/eid:arb%3Apay%3A1",
        status_code=404,
        json={"o:errorDetails": [{"detail": "no", "o:errorCode": "NONEXISTENT_ID"}]},
    )
    assert adapter.write(op("create")).external_id == "90"
    assert (posts.call_count, gets.call_count) == (2, 1)


def test_create_gives_up_with_outcome_unknown_after_max_attempts(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(PAYMENTS_URL, status_code=500)
    requests_mock.get(f"{PAYMENTS_URL}/eid:arb%3Apay%3A1", status_code=404)
    with pytest.raises(OutcomeUnknown) as info:
        adapter.write(op("create"))
    assert isinstance(info.value, TransientError)


def test_create_of_a_key_an_earlier_run_created_reports_that_record(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        PAYMENTS_URL,
        status_code=400,
        json={"o:errorDetails": [{"detail": "dup", "o:errorCode": "DUP_RCRD"}]},
    )
    requests_mock.get(f"{PAYMENTS_URL}/eid:arb%3Apay%3A1", json={"id": "77"})
    result = adapter.write(op("create"))
    assert (result.external_id, result.created) == ("77", False)


def test_create_rejections_other_than_duplicates_propagate(
    adapter: NetSuiteAdapter, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        PAYMENTS_URL,
        status_code=400,
        json={
            "o:errorDetails": [
                {"detail": "too much", "o:errorCode": "INVALID_FLD_VALUE"}
            ]
        },
    )
    with pytest.raises(RejectedError, match="too much"):
        adapter.write(op("create"))
    assert requests_mock.call_count == 1


def test_unknown_operation_is_rejected(adapter: NetSuiteAdapter) -> None:
    with pytest.raises(RejectedError, match="operation"):
        adapter.write(op("merge"))

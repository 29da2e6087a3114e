"""Reading streams from the sandbox: keyset paging edges, auth, faults, removals."""

from __future__ import annotations

import itertools

import pytest
from netsuite_contract_support import column, make_client

from adapters.base import Cursor, Page
from adapters.errors import AuthError, RejectedError
from adapters.netsuite.adapter import NetSuiteAdapter
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.sandbox import NetSuiteSandbox

INVOICE_IDS = "SELECT id FROM \"transaction\" WHERE type IN ('CustInvc', 'CustCred')"
FUTURE = Cursor("2099-01-01 00:00:00", "0")


def read_all(
    adapter: NetSuiteAdapter, stream: str, page_size: int, cursor: Cursor | None = None
) -> list[Page]:
    pages: list[Page] = []
    while True:
        page = adapter.read(stream, cursor, page_size=page_size)
        pages.append(page)
        cursor = page.next_cursor
        if not page.has_more:
            return pages
        assert len(pages) < 1000, "paging does not terminate"


def ids_of(pages: list[Page], key: str = "id") -> list[str]:
    return [str(r[key]) for p in pages for r in p.records]


def test_whole_stream_with_a_small_page_size_loses_and_doubles_nothing(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    pages = read_all(adapter, "invoices", page_size=7)
    ids = ids_of(pages)
    assert len(ids) == len(set(ids))
    assert set(ids) == set(column(sandbox.query(INVOICE_IDS), "id"))


def test_records_sharing_a_timestamp_split_across_pages_are_read_once(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    tied = sandbox.query(
        "SELECT lastmodifieddate FROM \"transaction\" WHERE type IN ('CustInvc', 'CustCred') "
        "GROUP BY lastmodifieddate HAVING COUNT(*) >= 3"
    )
    assert tied, "the seed should contain records sharing one lastmodifieddate"
    pages = read_all(adapter, "invoices", page_size=2)
    split = [
        (a, b)
        for a, b in itertools.pairwise(pages)
        if a.records
        and b.records
        and a.records[-1]["lastmodifieddate"] == b.records[0]["lastmodifieddate"]
    ]
    assert split, "some tie group should straddle a page boundary"
    ids = ids_of(pages)
    assert sorted(ids) == sorted(column(sandbox.query(INVOICE_IDS), "id"))


def test_page_size_that_divides_the_rows_ends_on_a_full_page(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    total = len(sandbox.query("SELECT id FROM customer"))
    assert total == 40
    pages = read_all(adapter, "customers", page_size=8)
    assert [len(p.records) for p in pages] == [8] * 5
    assert [p.has_more for p in pages] == [True] * 4 + [False]
    assert len(set(ids_of(pages))) == 40


def test_last_partial_page_has_no_more(adapter: NetSuiteAdapter) -> None:
    pages = read_all(adapter, "customers", page_size=15)
    assert [len(p.records) for p in pages] == [15, 15, 10]
    assert [p.has_more for p in pages] == [True, True, False]


def test_empty_read_keeps_the_cursor(adapter: NetSuiteAdapter) -> None:
    page = adapter.read("invoices", FUTURE, page_size=50)
    assert (page.records, page.next_cursor, page.has_more) == ((), FUTURE, False)


def test_deletions_stream_is_empty_before_anything_is_deleted(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    assert sandbox.query("SELECT recordid FROM DeletedRecord") == []
    page = adapter.read("deletions", None, page_size=10)
    assert (page.records, page.next_cursor, page.has_more) == ((), Cursor(), False)


def test_payments_carry_their_applications(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    pages = read_all(adapter, "payments", page_size=25)
    payments = {str(r["id"]): r for p in pages for r in p.records}
    links = sandbox.query(
        "SELECT nextdoc, previousdoc FROM NextTransactionLineLink "
        "WHERE nexttype = 'CustPymt'"
    )
    assert payments, "the seed should contain payments"
    expected = {(str(row["nextdoc"]), str(row["previousdoc"])) for row in links}
    got = {
        (pid, str(a["doc"])) for pid, r in payments.items() for a in r["applications"]
    }
    assert got == expected


def test_lookup_returns_the_stream_record(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    some_id = column(sandbox.query(INVOICE_IDS), "id")[0]
    record = adapter.lookup("invoices", some_id)
    assert record is not None
    assert record["id"] == some_id
    assert adapter.lookup("invoices", "999999") is None


@pytest.mark.parametrize("wrong", ["token_secret", "account"])
def test_bad_credentials_or_realm_are_auth_errors(
    sandbox: NetSuiteSandbox, wrong: str
) -> None:
    kwargs = {"token_secret": "not-the-secret"} if wrong == "token_secret" else {}
    if wrong == "account":
        kwargs = {"account": "9999999_SB9"}
    with make_client(sandbox, **kwargs) as bad, pytest.raises(AuthError) as info:
        bad.suiteql("SELECT id FROM customer")
    assert info.value.code == "INVALID_LOGIN"
    assert "not-the-secret" not in str(info.value)


@pytest.mark.parametrize(
    ("kind", "options"), [("429", {"retry_after": 1}), ("429", {}), ("503", {})]
)
def test_transient_faults_are_retried_to_success(
    client: NetSuiteClient,
    sandbox: NetSuiteSandbox,
    kind: str,
    options: dict[str, int],
) -> None:
    sandbox.faults.inject(kind, count=2, **options)
    page = client.suiteql("SELECT id FROM customer", limit=5)
    assert len(page.items) == 5
    assert sandbox.faults.pending() == 0


def test_a_read_that_times_out_is_retried(sandbox: NetSuiteSandbox) -> None:
    sandbox.faults.inject("slow", count=1, delay=1.0)
    with make_client(sandbox, timeout=(2.0, 0.3)) as impatient:
        page = impatient.suiteql("SELECT id FROM customer", limit=3)
    assert len(page.items) == 3
    assert sandbox.faults.pending() == 0


def test_unknown_column_is_rejected_with_netsuite_details(
    client: NetSuiteClient,
) -> None:
    with pytest.raises(RejectedError) as info:
        client.suiteql("SELECT t.id, t.foreignamountremaining FROM transaction t")
    assert info.value.code == "INVALID_PARAMETER"
    assert info.value.status == 400
    assert "foreignamountremaining" in info.value.message


def test_deleted_invoice_appears_in_the_deletions_stream(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    # NetSuite refuses to delete an invoice something is applied to: pick a bare one.
    invoice_id = column(
        sandbox.query(
            "SELECT id FROM \"transaction\" t WHERE type = 'CustInvc' AND NOT EXISTS "
            "(SELECT 1 FROM NextTransactionLineLink l WHERE l.previousdoc = t.id) "
            "ORDER BY id"
        ),
        "id",
    )[0]
    sandbox.delete_record("invoice", invoice_id)
    page = adapter.read("deletions", None, page_size=10)
    assert [(r["id"], r["stream"]) for r in page.records] == [(invoice_id, "invoices")]
    assert page.next_cursor.tiebreak == invoice_id
    assert adapter.lookup("invoices", invoice_id) is None


def test_voided_invoice_is_read_again_with_status_v(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    caught_up = read_all(adapter, "invoices", page_size=1000)[-1].next_cursor
    invoice_id = column(
        sandbox.query(
            "SELECT id FROM \"transaction\" WHERE type = 'CustInvc' AND status = 'A'"
        ),
        "id",
    )[0]
    sandbox.void_transaction(invoice_id)
    changed = ids_of(read_all(adapter, "invoices", page_size=50, cursor=caught_up))
    assert invoice_id in changed
    record = adapter.lookup("invoices", invoice_id)
    assert record is not None
    assert (record["status"], record["voided"]) == ("V", "T")


def test_customers_carry_their_category_name_and_omit_it_when_unset(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    expected = {
        str(r["id"]): r["name"]
        for r in sandbox.query(
            "SELECT c.id, k.name FROM customer c "
            "LEFT JOIN customercategory k ON k.id = c.category"
        )
    }

    records = [
        r for p in read_all(adapter, "customers", page_size=25) for r in p.records
    ]

    got = {str(r["id"]): r.get("category") for r in records}
    assert got == expected
    assert set(got.values()) == {"Enterprise", "Mid-Market", "Small Business", None}
    assert all("category" not in r for r in records if expected[str(r["id"])] is None)

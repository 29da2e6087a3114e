"""Seed determinism and realism, and the test helpers that edit like a NetSuite user."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from ns_sandbox_helpers import ANCHOR

from adapters.netsuite.sandbox import NetSuiteSandbox
from adapters.netsuite.sandbox.seed_story import to_be_emailed

TABLES = (
    "SELECT * FROM customer ORDER BY id",
    'SELECT * FROM "transaction" ORDER BY id',
    'SELECT * FROM transactionline ORDER BY "transaction", id',
    "SELECT * FROM NextTransactionLineLink ORDER BY previousdoc, nextdoc",
    "SELECT * FROM DeletedRecord ORDER BY recordid",
)
FIXED_NOW = datetime(2025, 7, 1, 9, 30, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def full() -> Iterator[NetSuiteSandbox]:
    """A default-size sandbox (no server needed)."""
    sb = NetSuiteSandbox(anchor=ANCHOR)
    yield sb
    sb.close()


def test_same_seed_and_anchor_give_identical_rows() -> None:
    with (
        NetSuiteSandbox(anchor=ANCHOR, customers=30, invoices=200) as one,
        NetSuiteSandbox(anchor=ANCHOR, customers=30, invoices=200) as two,
        NetSuiteSandbox(anchor=ANCHOR, seed=7, customers=30, invoices=200) as other,
    ):
        for sql in TABLES:
            assert one.query(sql) == two.query(sql)
        assert one.query(TABLES[1]) != other.query(TABLES[1])


def test_default_seed_takes_under_two_seconds() -> None:
    started = time.monotonic()
    with NetSuiteSandbox(anchor=ANCHOR) as sb:
        elapsed = time.monotonic() - started
        assert sb.query("SELECT COUNT(*) AS n FROM customer") == [{"n": 300}]
    assert elapsed < 2.0


def test_default_seed_has_the_promised_shape(full: NetSuiteSandbox) -> None:
    assert full.query("SELECT COUNT(*) AS n FROM customer") == [{"n": 300}]
    currencies = full.query(
        "SELECT DISTINCT c.symbol FROM customer k JOIN currency c "
        "ON c.id = k.currency ORDER BY 1"
    )
    assert [r["symbol"] for r in currencies] == ["CAD", "EUR", "GBP", "USD"]
    assert len(full.query("SELECT DISTINCT subsidiary FROM customer")) == 3
    invoices = full.query(
        "SELECT COUNT(*) AS n FROM \"transaction\" WHERE type = 'CustInvc'"
    )
    assert 3900 <= invoices[0]["n"] <= 4000  # a few seeded invoices were deleted
    assert {r["name"] for r in full.query("SELECT name FROM term")} == {
        "Net 15",
        "Net 30",
        "Net 45",
        "Net 60",
    }


def test_default_seed_spreads_customers_over_categories(
    full: NetSuiteSandbox,
) -> None:
    rows = full.query(
        "SELECT k.name, COUNT(*) AS n FROM customer c "
        "LEFT JOIN customercategory k ON k.id = c.category GROUP BY k.name"
    )

    assert {r["name"]: r["n"] for r in rows} == {
        "Enterprise": 60,
        "Mid-Market": 90,
        "Small Business": 120,
        None: 30,
    }


def test_default_seed_emails_three_invoices_in_five_by_their_number(
    full: NetSuiteSandbox,
) -> None:
    invoices = full.query(
        "SELECT tranid, tobeemailed FROM \"transaction\" WHERE type = 'CustInvc'"
    )
    others = full.query(
        'SELECT DISTINCT tobeemailed FROM "transaction" '
        "WHERE type IN ('CustCred', 'CustPymt')"
    )

    # tranid INV<n>: the checkbox comes from n, not from the random stream.
    assert all(
        r["tobeemailed"] == to_be_emailed(int(r["tranid"][3:])) for r in invoices
    )
    emailed = sum(r["tobeemailed"] == "T" for r in invoices) / len(invoices)
    assert 0.59 <= emailed <= 0.61
    assert others == [{"tobeemailed": "F"}]


@pytest.mark.parametrize(
    "condition",
    [
        "type = 'CustInvc' AND status = 'A' AND foreignamountpaid != '0.00'",  # partial
        "type = 'CustInvc' AND status = 'A' AND foreignamountpaid = '0.00'",  # open
        "type = 'CustInvc' AND status = 'B'",
        "type = 'CustInvc' AND status = 'V' AND voided = 'T'",
        "type = 'CustCred' AND status = 'A'",
        "type = 'CustCred' AND status = 'B'",
        "type = 'CustPymt' AND foreignpaymentamountunused != '0.00'",
    ],
)
def test_seed_contains_each_kind_of_document(
    full: NetSuiteSandbox, condition: str
) -> None:
    rows = full.query(f'SELECT COUNT(*) AS n FROM "transaction" WHERE {condition}')

    assert rows[0]["n"] > 0


def test_seeded_open_amounts_match_applications(full: NetSuiteSandbox) -> None:
    applied: dict[int, Decimal] = defaultdict(Decimal)
    for link in full.query(
        "SELECT previousdoc, foreignamount FROM NextTransactionLineLink"
    ):
        applied[link["previousdoc"]] += Decimal(link["foreignamount"])
    invoices = full.query(
        'SELECT id, foreigntotal, foreignamountunpaid FROM "transaction" '
        "WHERE type = 'CustInvc' AND voided = 'F'"
    )

    for inv in invoices:
        expected = Decimal(inv["foreigntotal"]) - applied[inv["id"]]
        assert Decimal(inv["foreignamountunpaid"]) == expected, inv["id"]


def test_seeded_timestamps_precede_the_anchor_and_some_tie(
    full: NetSuiteSandbox,
) -> None:
    anchor_moment = f"{ANCHOR.isoformat()} 00:00:00"
    for table in ("customer", '"transaction"'):
        (latest,) = full.query(f"SELECT MAX(lastmodifieddate) AS m FROM {table}")
        assert latest["m"] < anchor_moment
        ties = full.query(
            f"SELECT lastmodifieddate FROM {table} GROUP BY 1 HAVING COUNT(*) >= 10"
        )
        assert ties, f"no shared lastmodifieddate second in {table}"


def test_update_record_bumps_lastmodifieddate_from_the_clock() -> None:
    with NetSuiteSandbox(
        anchor=ANCHOR, customers=3, invoices=5, clock=lambda: FIXED_NOW
    ) as sb:
        sb.update_record(
            "customer", 1002, email="new@x.example", creditlimit=Decimal("5")
        )

        assert sb.query(
            "SELECT email, creditlimit, lastmodifieddate FROM customer WHERE id = 1002"
        ) == [
            {
                "email": "new@x.example",
                "creditlimit": "5.00",
                "lastmodifieddate": "2025-07-01 09:30:00",
            }
        ]


def test_update_record_rejects_unknown_columns() -> None:
    with (
        NetSuiteSandbox(anchor=ANCHOR, customers=3, invoices=5) as sb,
        pytest.raises(ValueError),
    ):
        sb.update_record("customer", 1001, no_such_column="x")


def test_void_transaction_zeroes_the_open_amount() -> None:
    with NetSuiteSandbox(
        anchor=ANCHOR, customers=3, invoices=5, clock=lambda: FIXED_NOW
    ) as sb:
        invoice_id = sb.add_invoice(
            customer_id=1001,
            amount=Decimal("10.00"),
            trandate=date(2025, 6, 1),
            duedate=date(2025, 6, 30),
            currency="EUR",
            tranid="INV-X",
        )
        sb.void_transaction(invoice_id)

        (row,) = sb.query(
            "SELECT tranid, voided, status, foreignamountunpaid, lastmodifieddate, currency "
            'FROM "transaction" WHERE id = ?',
            [invoice_id],
        )
    assert row == {
        "tranid": "INV-X",
        "voided": "T",
        "status": "V",
        "foreignamountunpaid": "0.00",
        "lastmodifieddate": "2025-07-01 09:30:00",
        "currency": 2,
    }


def test_delete_record_of_a_paid_invoice_is_refused_and_changes_nothing() -> None:
    with NetSuiteSandbox(anchor=ANCHOR, customers=5, invoices=40) as sb:
        (link,) = sb.query(
            "SELECT previousdoc, nextdoc FROM NextTransactionLineLink "
            "WHERE nexttype = 'CustPymt' ORDER BY previousdoc LIMIT 1"
        )
        before = [sb.query(sql) for sql in TABLES]

        with pytest.raises(ValueError, match="dependent records") as info:
            sb.delete_record("invoice", link["previousdoc"])

        assert [sb.query(sql) for sql in TABLES] == before
    assert f"(id {link['nextdoc']}) applied to invoice" in str(info.value)


def test_delete_record_of_a_payment_reopens_its_invoice() -> None:
    with NetSuiteSandbox(
        anchor=ANCHOR, customers=5, invoices=40, clock=lambda: FIXED_NOW
    ) as sb:
        (link,) = sb.query(
            "SELECT previousdoc, nextdoc, foreignamount FROM NextTransactionLineLink "
            "WHERE nexttype = 'CustPymt' ORDER BY previousdoc LIMIT 1"
        )
        unpaid = 'SELECT foreignamountunpaid AS u FROM "transaction" WHERE id = ?'
        (before,) = sb.query(unpaid, [link["previousdoc"]])

        sb.delete_record("customerpayment", link["nextdoc"])

        deleted = sb.query(
            "SELECT recordtype, deleteddate FROM DeletedRecord WHERE recordid = ?",
            [link["nextdoc"]],
        )
        (after,) = sb.query(unpaid, [link["previousdoc"]])
        links = sb.query(
            "SELECT * FROM NextTransactionLineLink WHERE nextdoc = ?", [link["nextdoc"]]
        )
    assert deleted == [
        {"recordtype": "customerpayment", "deleteddate": "2025-07-01 09:30:00"}
    ]
    assert Decimal(after["u"]) == Decimal(before["u"]) + Decimal(link["foreignamount"])
    assert links == []


def test_delete_record_of_a_missing_record_is_key_error() -> None:
    with (
        NetSuiteSandbox(anchor=ANCHOR, customers=3, invoices=5) as sb,
        pytest.raises(KeyError),
    ):
        sb.delete_record("invoice", 1)


def test_a_file_database_serves_the_same_rows(tmp_path: Path) -> None:
    path = tmp_path / "netsuite.db"
    with (
        NetSuiteSandbox(
            anchor=ANCHOR, customers=5, invoices=20, db_path=path
        ) as on_file,
        NetSuiteSandbox(anchor=ANCHOR, customers=5, invoices=20) as in_memory,
    ):
        assert on_file.query(TABLES[1]) == in_memory.query(TABLES[1])
    assert path.stat().st_size > 0

"""The csv adapter reading real files: pages, cursors, derived streams, bad rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from csv_contract_support import HEADER, invoice_lines, read_all, write

from adapters.base import INVALID_FIELD, Cursor
from adapters.csv import create_adapter
from adapters.errors import ConfigError, NotFound

if TYPE_CHECKING:
    from pathlib import Path

MTIME = 1_709_287_200  # 2024-03-01 10:00:00 UTC


def _folder(tmp_path: Path, count: int = 10, **settings: str):
    write(tmp_path / "invoices.csv", invoice_lines(count), mtime=MTIME)
    return create_adapter("files", {"path": str(tmp_path), **settings})


@pytest.mark.parametrize("page_size", [1, 3, 4, 10, 11])
def test_whole_stream_in_any_page_size_loses_and_doubles_nothing(
    tmp_path: Path, page_size: int
) -> None:
    adapter = _folder(tmp_path)

    records, _, pages = read_all(adapter, "invoices", page_size)

    assert sorted(int(str(r["id"])) for r in records) == list(range(1, 11))
    assert pages == -(-10 // page_size)  # a full last page says there is no more


def test_without_a_modified_column_the_file_time_and_key_are_the_cursor(
    tmp_path: Path,
) -> None:
    adapter = _folder(tmp_path)

    page = adapter.read("invoices", None, page_size=4)

    assert page.next_cursor == Cursor("2024-03-01 10:00:00", "4")
    assert page.records[0]["_modified"] == "2024-03-01 10:00:00"


def test_an_unchanged_file_yields_nothing_after_a_full_read(tmp_path: Path) -> None:
    adapter = _folder(tmp_path)
    _, cursor, _ = read_all(adapter, "invoices", 100)

    page = adapter.read("invoices", cursor, page_size=100)

    assert page.records == ()
    assert not page.has_more
    assert page.next_cursor == cursor


def test_a_rewritten_file_is_read_again_in_full(tmp_path: Path) -> None:
    adapter = _folder(tmp_path, count=3)
    _, cursor, _ = read_all(adapter, "invoices", 100)
    write(tmp_path / "invoices.csv", invoice_lines(4), mtime=MTIME + 60)

    records, _, _ = read_all(adapter, "invoices", 100, cursor)

    assert [r["id"] for r in records] == ["1", "2", "3", "4"]


def test_a_modified_column_orders_rows_and_moves_the_cursor(tmp_path: Path) -> None:
    lines = [
        HEADER,
        "1,C1,INV-1,1.00,2024-01-01,2024-03-02T09:00:00",
        "2,C1,INV-2,2.00,2024-01-01,2024-03-01T09:00:00+01:00",
        "3,C1,INV-3,3.00,2024-01-01,2024-03-01T08:00:00",
    ]
    write(tmp_path / "invoices.csv", lines)
    adapter = create_adapter(
        "files", {"path": str(tmp_path), "modified_column": "modified"}
    )

    first = adapter.read("invoices", None, page_size=2)
    rest = adapter.read("invoices", first.next_cursor, page_size=2)

    # 2 and 3 share 08:00 UTC; the key breaks the tie.
    assert [r["id"] for r in first.records] == ["2", "3"]
    assert first.next_cursor == Cursor("2024-03-01 08:00:00", "3")
    assert [r["id"] for r in rest.records] == ["1"]
    assert not rest.has_more


def test_overlap_cursor_without_tiebreak_rereads_from_the_watermark(
    tmp_path: Path,
) -> None:
    adapter = _folder(tmp_path, count=3)

    page = adapter.read("invoices", Cursor("2024-03-01 10:00:00"), page_size=10)

    assert len(page.records) == 3


def test_derived_streams_read_one_file_deduplicated_by_their_own_key(
    tmp_path: Path,
) -> None:
    lines = [
        "invoice,customer,amount,settled",
        "10,ACME,5.00,2024-02-01",
        "11,BETA,6.00,",
        "12,ACME,7.00,2024-02-03",
    ]
    export = write(tmp_path / "ar.csv", lines, mtime=MTIME)
    adapter = create_adapter(
        "ar",
        {
            "path": str(export),
            "customers_key": "customer",
            "invoices_key": "invoice",
            "payments_key": "invoice",
            "payments_require": "settled",
            "payments_invoice_column": "invoice",
            "payments_amount_column": "amount",
        },
    )

    customers, _, _ = read_all(adapter, "customers", 10)
    invoices, _, _ = read_all(adapter, "invoices", 10)
    payments, _, _ = read_all(adapter, "payments", 10)

    assert [c["customer"] for c in customers] == ["ACME", "BETA"]
    assert customers[0]["invoice"] == "12"  # the last row of a key wins
    assert [i["invoice"] for i in invoices] == ["10", "11", "12"]
    assert [p["invoice"] for p in payments] == ["10", "12"]
    assert payments[0]["applications"] == [{"doc": "10", "amount": "5.00"}]


def test_rows_with_a_wrong_column_count_or_bad_bytes_are_handed_on_marked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "invoices.csv"
    good = "1,C1,INV-1,1.00,2024-01-01,x"
    path.write_bytes(
        (f"{HEADER}\n{good}\n2,C1,INV-2\n3,C1,INV-\xff3,3.00,2024-01-01,x\n").encode(
            "latin-1"
        )
    )
    adapter = create_adapter("files", {"path": str(tmp_path)})

    records, _, _ = read_all(adapter, "invoices", 10)

    invalid = {str(r[INVALID_FIELD]) for r in records if INVALID_FIELD in r}
    assert invalid == {
        "line 3: 3 values, the header has 6",
        "line 4: not valid utf-8 text",
    }
    assert [r["id"] for r in records if INVALID_FIELD not in r] == ["1"]


def test_delimiter_and_encoding_are_settings(tmp_path: Path) -> None:
    path = tmp_path / "invoices.csv"
    path.write_bytes("id;name\n1;Müller\n".encode("cp1252"))
    adapter = create_adapter(
        "files", {"path": str(tmp_path), "delimiter": ";", "encoding": "cp1252"}
    )

    page = adapter.read("invoices", None, page_size=10)

    assert page.records[0]["name"] == "Müller"


def test_lookup_finds_a_record_by_key_or_returns_none(tmp_path: Path) -> None:
    adapter = _folder(tmp_path, count=3)

    found = adapter.lookup("invoices", "2")

    assert found is not None
    assert found["number"] == "INV-2"
    assert adapter.lookup("invoices", "99") is None


def test_a_default_named_file_that_is_absent_is_an_empty_stream(
    tmp_path: Path,
) -> None:
    adapter = _folder(tmp_path)

    page = adapter.read("payments", None, page_size=10)

    assert page.records == ()
    assert not page.has_more


def test_a_named_file_that_is_absent_is_not_found(tmp_path: Path) -> None:
    adapter = create_adapter(
        "files", {"path": str(tmp_path), "invoices_file": "missing.csv"}
    )

    with pytest.raises(NotFound, match=r"missing\.csv"):
        adapter.read("invoices", None, page_size=10)


def test_a_modified_column_missing_from_the_header_is_a_config_error(
    tmp_path: Path,
) -> None:
    adapter = _folder(tmp_path, modified_column="changed_at")

    with pytest.raises(ConfigError, match="changed_at"):
        adapter.read("invoices", None, page_size=10)

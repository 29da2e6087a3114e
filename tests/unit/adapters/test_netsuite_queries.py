from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.base import Cursor
from adapters.netsuite.queries import (
    CUSTOMERS,
    DELETIONS,
    INVOICES,
    PAYMENTS,
    StreamQuery,
    build_applications_query,
    build_lookup_query,
    build_read_query,
    cursor_condition,
    suiteql_id,
    suiteql_literal,
)

WIRE_DOC = Path(__file__).parents[3] / "docs" / "netsuite-wire.md"
TS = "'YYYY-MM-DD HH24:MI:SS'"


def squash(sql: str) -> str:
    return " ".join(sql.split())


def doc_queries() -> list[str]:
    return [
        squash(b) for b in re.findall(r"```sql\n(.*?)```", WIRE_DOC.read_text(), re.S)
    ]


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", "'plain'"),
        ("", "''"),
        ("O'Brien", "'O''Brien'"),
        ("'", "''''"),
        ("''", "''''''"),
        ("x' OR '1'='1", "'x'' OR ''1''=''1'"),
        ("back\\slash", "'back\\slash'"),
        ("semi; DROP TABLE customer --", "'semi; DROP TABLE customer --'"),
        ("ünïcødé\u2019s", "'ünïcødé\u2019s'"),
    ],
)
def test_suiteql_literal_doubles_single_quotes(value: str, literal: str) -> None:
    assert suiteql_literal(value) == literal


def test_suiteql_literal_rejects_nul() -> None:
    with pytest.raises(ValueError, match="NUL"):
        suiteql_literal("a\x00b")


def test_suiteql_id_accepts_ascii_digits() -> None:
    assert suiteql_id("0042") == "0042"


@pytest.mark.parametrize(
    "bad", ["", "12a", "1 OR 1=1", "-1", "1.0", "١٢", " 12", "12'"]
)
def test_suiteql_id_rejects_anything_but_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="internal id"):
        suiteql_id(bad)


def test_no_cursor_reads_from_the_start() -> None:
    assert cursor_condition(INVOICES, None) == "1 = 1"
    assert cursor_condition(INVOICES, Cursor()) == "1 = 1"


def test_cursor_with_only_a_tiebreak_reads_from_the_start() -> None:
    assert cursor_condition(INVOICES, Cursor(tiebreak="7")) == "1 = 1"


def test_watermark_only_is_inclusive() -> None:
    cond = cursor_condition(CUSTOMERS, Cursor("2024-05-01 10:00:00"))
    assert cond == f"c.lastmodifieddate >= TO_DATE('2024-05-01 10:00:00', {TS})"


def test_watermark_and_tiebreak_continue_strictly_after_the_pair() -> None:
    cond = cursor_condition(PAYMENTS, Cursor("2024-05-01 10:00:00", "42"))
    wm = f"TO_DATE('2024-05-01 10:00:00', {TS})"
    assert cond == (
        f"(t.lastmodifieddate > {wm} OR (t.lastmodifieddate = {wm} AND t.id > 42))"
    )


def test_deletions_cursor_uses_deleteddate_and_recordid() -> None:
    cond = cursor_condition(DELETIONS, Cursor("2024-05-01 10:00:00", "9"))
    assert "d.deleteddate > TO_DATE(" in cond
    assert "d.recordid > 9" in cond


@pytest.mark.parametrize(
    "watermark",
    [
        "2024-05-01",
        "2024-05-01T10:00:00",
        "2024-05-01 10:00:00' OR '1'='1",
        "yesterday",
    ],
)
def test_malformed_watermarks_are_refused(watermark: str) -> None:
    with pytest.raises(ValueError, match="watermark"):
        cursor_condition(CUSTOMERS, Cursor(watermark))


def test_non_numeric_tiebreak_is_refused() -> None:
    with pytest.raises(ValueError, match="internal id"):
        cursor_condition(CUSTOMERS, Cursor("2024-05-01 10:00:00", "1 OR 1=1"))


STREAM_DOC_INDEX = [(CUSTOMERS, 0), (INVOICES, 1), (PAYMENTS, 2), (DELETIONS, 4)]
CURSORS = [None, Cursor("2024-05-01 10:00:00"), Cursor("2024-05-01 10:00:00", "17")]


@pytest.mark.parametrize(("query", "index"), STREAM_DOC_INDEX)
@pytest.mark.parametrize("cursor", CURSORS)
def test_read_queries_are_the_wire_contract_queries(
    query: StreamQuery, index: int, cursor: Cursor | None
) -> None:
    expected = doc_queries()[index].replace("<C>", cursor_condition(query, cursor))
    assert build_read_query(query, cursor) == expected


def test_applications_query_is_the_wire_contract_query() -> None:
    expected = doc_queries()[3].replace("<ids>", "3, 5")
    assert build_applications_query(["3", "5"]) == expected


@pytest.mark.parametrize("ids", [[], ["1", "x"], [str(i) for i in range(1001)]])
def test_applications_query_refuses_bad_id_lists(ids: list[str]) -> None:
    with pytest.raises(ValueError, match="id"):
        build_applications_query(ids)


def test_lookup_query_restricts_to_one_id() -> None:
    sql = build_lookup_query(INVOICES, "77")
    assert "WHERE t.type IN ('CustInvc', 'CustCred') AND t.id = 77 ORDER BY" in sql


def test_lookup_query_refuses_non_numeric_ids() -> None:
    with pytest.raises(ValueError, match="internal id"):
        build_lookup_query(CUSTOMERS, "77 OR 1=1")

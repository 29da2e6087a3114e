"""SuiteQL: paging envelope, string values, omitted NULLs, errors, the wire queries."""

from __future__ import annotations

from typing import Any

import pytest
from ns_sandbox_helpers import Api, error_code

from adapters.netsuite.sandbox import NetSuiteSandbox

CUSTOMER_IDS = "SELECT c.id FROM customer c ORDER BY c.id"

# The adapter's customers query from docs/netsuite-wire.md, with <C> to fill in.
CUSTOMERS_QUERY = """SELECT c.id, c.entityid, c.companyname, c.email, c.phone, cur.symbol AS currency,
       c.creditlimit, s.name AS subsidiary, tm.name AS terms, cat.name AS category,
       c.isinactive, c.externalid,
       c.custentity_arb_collection_status, c.custentity_arb_risk_score,
       TO_CHAR(c.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate
FROM customer c
JOIN currency cur ON cur.id = c.currency
LEFT JOIN subsidiary s ON s.id = c.subsidiary
LEFT JOIN term tm ON tm.id = c.terms
LEFT JOIN customercategory cat ON cat.id = c.category
WHERE {C} ORDER BY c.lastmodifieddate, c.id"""

INVOICES_QUERY = """SELECT t.id, t.tranid, t.type, t.status, t.entity,
       TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate, TO_CHAR(t.duedate, 'YYYY-MM-DD') AS duedate,
       cur.symbol AS currency, t.foreigntotal, t.foreignamountunpaid, t.voided, t.memo,
       t.externalid, s.name AS subsidiary, t.custbody_arb_collection_status,
       t.custbody_arb_dunning_level,
       TO_CHAR(t.custbody_arb_promise_date, 'YYYY-MM-DD') AS custbody_arb_promise_date,
       t.custbody_arb_in_dispute, t.tobeemailed,
       TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate
FROM transaction t
JOIN currency cur ON cur.id = t.currency
JOIN transactionline tl ON tl.transaction = t.id AND tl.mainline = 'T'
LEFT JOIN subsidiary s ON s.id = tl.subsidiary
WHERE t.type IN ('CustInvc', 'CustCred') AND {C} ORDER BY t.lastmodifieddate, t.id"""


def _cursor_condition(alias: str, watermark: str | None, tiebreak: str | None) -> str:
    if watermark is None:
        return "1 = 1"
    wm = f"TO_DATE('{watermark}', 'YYYY-MM-DD HH24:MI:SS')"
    if tiebreak is None:
        return f"{alias}.lastmodifieddate >= {wm}"
    return (
        f"({alias}.lastmodifieddate > {wm} OR "
        f"({alias}.lastmodifieddate = {wm} AND {alias}.id > {tiebreak}))"
    )


def test_pages_of_exact_size_end_with_has_more_false(api: Api) -> None:
    pages = [
        api.suiteql(CUSTOMER_IDS, limit=5, offset=o).json() for o in (0, 5, 10, 15)
    ]

    assert [p["count"] for p in pages] == [5, 5, 5, 5]
    assert [p["hasMore"] for p in pages] == [True, True, True, False]
    assert {p["totalResults"] for p in pages} == {20}
    ids = [item["id"] for page in pages for item in page["items"]]
    assert ids == [str(i) for i in range(1001, 1021)]


def test_envelope_links_name_first_previous_next_last_and_self(api: Api) -> None:
    body = api.suiteql(CUSTOMER_IDS, limit=5, offset=5).json()

    links = {link["rel"]: link["href"] for link in body["links"]}
    assert set(links) == {"first", "previous", "next", "last", "self"}
    assert links["next"].endswith("/services/rest/query/v1/suiteql?limit=5&offset=10")
    assert links["previous"].endswith("limit=5&offset=0")
    assert links["last"].endswith("limit=5&offset=15")
    assert links["self"].startswith(api.base)
    assert body["offset"] == 5


def test_last_partial_page_has_the_remainder(api: Api) -> None:
    body = api.suiteql(CUSTOMER_IDS, limit=6, offset=18).json()

    assert body["count"] == 2
    assert body["hasMore"] is False
    assert [item["id"] for item in body["items"]] == ["1019", "1020"]
    assert "next" not in {link["rel"] for link in body["links"]}


def test_empty_result_is_an_empty_page(api: Api) -> None:
    body = api.suiteql("SELECT c.id FROM customer c WHERE c.id < 0", limit=10).json()

    assert body["items"] == []
    assert (body["count"], body["hasMore"], body["totalResults"]) == (0, False, 0)


def test_default_limit_is_1000(api: Api) -> None:
    body = api.suiteql(CUSTOMER_IDS, limit=None, offset=None).json()

    assert body["count"] == 20
    assert body["links"][0]["href"].endswith("limit=1000&offset=0")


@pytest.mark.parametrize(
    ("limit", "offset", "param"),
    [
        (5, 3, "offset"),
        (5, -5, "offset"),
        (0, 0, "limit"),
        (1001, 0, "limit"),
        (5, 25, "offset"),
    ],
)
def test_bad_limit_or_offset_is_400_naming_the_parameter(
    api: Api, limit: int, offset: int, param: str
) -> None:
    response = api.suiteql(CUSTOMER_IDS, limit=limit, offset=offset)

    assert response.status_code == 400
    detail = response.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["o:errorQueryParam"] == param


def test_values_are_strings_and_null_columns_are_omitted(api: Api) -> None:
    q = (
        "SELECT c.id, c.creditlimit, NULL AS empty_value, 7 AS seven, c.isinactive "
        "FROM customer c WHERE c.id = 1001"
    )
    (item,) = api.rows(q)

    assert item["links"] == []
    assert "empty_value" not in item
    assert item["id"] == "1001"
    assert item["seven"] == "7"
    assert all(isinstance(v, str) for k, v in item.items() if k != "links")
    assert item["creditlimit"].endswith(".00")


def test_missing_prefer_transient_is_400(api: Api) -> None:
    response = api.suiteql(CUSTOMER_IDS, headers={})

    assert response.status_code == 400
    assert error_code(response) == "INVALID_HEADER"


def test_unknown_column_is_400_naming_field_and_record(api: Api) -> None:
    q = "SELECT t.id, t.foreignamountremaining FROM transaction t WHERE t.type = 'CustInvc'"
    response = api.suiteql(q)

    assert response.status_code == 400
    detail = response.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["detail"] == (
        "Invalid search query. Detailed unprocessed description follows. Search error "
        "occurred: Field 'foreignamountremaining' for record 'transaction' was not found."
    )


def test_unknown_table_is_400(api: Api) -> None:
    response = api.suiteql("SELECT x.id FROM nosuchrecord x")

    assert response.status_code == 400
    assert "nosuchrecord" in response.json()["o:errorDetails"][0]["detail"]


@pytest.mark.parametrize(
    "q",
    [
        "DELETE FROM customer",
        "UPDATE customer SET email = 'x'",
        "SELECT c.id FROM customer c; DELETE FROM customer",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
        "PRAGMA table_info(customer)",
    ],
)
def test_anything_but_one_select_is_rejected(
    api: Api, sandbox: NetSuiteSandbox, q: str
) -> None:
    response = api.suiteql(q)

    assert response.status_code == 400
    assert error_code(response) == "INVALID_PARAMETER"
    assert sandbox.query("SELECT COUNT(*) AS n FROM customer") == [{"n": 20}]


def test_semicolon_inside_a_literal_is_just_text(api: Api) -> None:
    rows = api.rows("SELECT c.id FROM customer c WHERE c.entityid = 'a;b'")

    assert rows == []


def test_to_char_and_to_date_forms_are_translated(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    raw = sandbox.query(
        'SELECT trandate, lastmodifieddate FROM "transaction" WHERE id = 10001'
    )[0]
    q = (
        "SELECT TO_CHAR(t.trandate, 'YYYY-MM-DD') AS d, "
        "TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS m FROM transaction t "
        f"WHERE t.id = 10001 AND t.lastmodifieddate = TO_DATE('{raw['lastmodifieddate']}', "
        "'YYYY-MM-DD HH24:MI:SS') AND t.trandate >= TO_DATE('2000-01-01', 'YYYY-MM-DD')"
    )
    assert api.rows(q) == [
        {"links": [], "d": raw["trandate"], "m": raw["lastmodifieddate"]}
    ]


def _read_all(
    api: Api, template: str, alias: str, page_size: int
) -> list[dict[str, Any]]:
    """Keyset paging as the adapter does it: offset 0, the cursor moves."""
    out: list[dict[str, Any]] = []
    watermark: str | None = None
    tiebreak: str | None = None
    while True:
        q = template.replace("{C}", _cursor_condition(alias, watermark, tiebreak))
        body = api.suiteql(q, limit=page_size, offset=0).json()
        out += body["items"]
        if not body["hasMore"]:
            return out
        watermark = body["items"][-1]["lastmodifieddate"]
        tiebreak = body["items"][-1]["id"]


def test_keyset_paging_over_tied_timestamps_reads_every_customer_once(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    ties = sandbox.query(
        "SELECT lastmodifieddate FROM customer GROUP BY 1 HAVING COUNT(*) > 3"
    )
    assert ties, "the seed must put several customers on one lastmodifieddate"

    items = _read_all(api, CUSTOMERS_QUERY, "c", page_size=3)

    expected = sandbox.query("SELECT id FROM customer ORDER BY lastmodifieddate, id")
    assert [item["id"] for item in items] == [str(r["id"]) for r in expected]
    assert {"currency", "subsidiary", "terms"} <= set(items[0])
    # The category name, omitted (NULL) for customers without one.
    categories = {item.get("category") for item in items}
    assert categories == {"Enterprise", "Mid-Market", "Small Business", None}


def test_invoices_query_reads_invoices_and_credit_memos_with_subsidiary(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    items = _read_all(api, INVOICES_QUERY, "t", page_size=50)

    expected = sandbox.query(
        "SELECT COUNT(*) AS n FROM \"transaction\" WHERE type IN ('CustInvc', 'CustCred')"
    )
    assert len(items) == expected[0]["n"]
    assert {item["type"] for item in items} == {"CustInvc", "CustCred"}
    assert all(item["subsidiary"].startswith("ARBridge") for item in items)


def test_invoices_query_reads_the_to_be_emailed_checkbox_as_t_or_f(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    items = _read_all(api, INVOICES_QUERY, "t", page_size=50)

    stored = sandbox.query(
        'SELECT id, tobeemailed FROM "transaction" '
        "WHERE type IN ('CustInvc', 'CustCred')"
    )
    assert {item["id"]: item["tobeemailed"] for item in items} == {
        str(r["id"]): r["tobeemailed"] for r in stored
    }
    invoices = {item["tobeemailed"] for item in items if item["type"] == "CustInvc"}
    assert invoices == {"T", "F"}


def test_results_are_capped_at_100000_rows(api: Api) -> None:
    q = "SELECT a.id FROM transactionline a CROSS JOIN transactionline b CROSS JOIN term c"

    body = api.suiteql(q, limit=1000, offset=99000).json()
    beyond = api.suiteql(q, limit=1000, offset=100000)

    assert body["totalResults"] == 100000
    assert (body["count"], body["hasMore"]) == (1000, False)
    assert beyond.status_code == 400

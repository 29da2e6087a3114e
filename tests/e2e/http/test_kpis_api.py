"""``GET /api/v1/kpis`` on the hand-worked mirror of kpis_fixtures.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.http.kpis_fixtures import (
    clock,
    customer_ids,
    headers,
    kpi_template,
    services,
)

if TYPE_CHECKING:
    from flask.testing import FlaskClient

__all__ = ["clock", "customer_ids", "headers", "kpi_template", "services"]


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def _get(client: FlaskClient, query: str, headers: dict[str, str]) -> Any:
    response = client.get(f"/api/v1/kpis{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_overall_kpis_match_the_hand_computation(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = _get(client, "?as_of=2026-03-31", headers)
    kpis = body["items"][0]["kpis"]

    assert body["period"] == {
        "start": "2026-01-01",
        "end": "2026-03-31",
        "months": 3,
        "days": 90,
    }
    assert kpis["open_receivables"] == usd("14100.00")
    assert kpis["current_receivables"] == usd("7100.00")
    assert kpis["receivables_at_start"] == usd("4000.00")
    assert kpis["credit_sales"] == usd("13100.00")
    assert kpis["dso"] == "96.87"  # 14100 / 13100 * 90
    assert kpis["best_possible_dso"] == "48.78"  # 7100 / 13100 * 90
    assert kpis["average_days_delinquent"] == "48.09"  # 7000 / 13100 * 90
    assert kpis["cei"] == "30.00"  # (4000 + 13100 - 14100) / (4000 + 13100 - 7100)
    assert (
        kpis["dso_count_back"] == "121.00"
    )  # Mar 31 + Feb 28 + Jan 31 + Dec 1000/1000*31
    assert (kpis["days_to_pay"], kpis["days_to_pay_weighted"]) == ("35.00", "30.00")
    assert (kpis["days_beyond_terms"], kpis["days_beyond_terms_weighted"]) == (
        "15.00",
        "13.33",
    )
    assert kpis["at_risk_rate"] == "75.00"  # cohort due Dec 2 - Jan 1: A1 paid, B2 open
    assert kpis["unapplied_credits"] == usd("500.00")
    assert (kpis["open_invoices"], kpis["paid_invoices"]) == (4, 2)


def test_aging_buckets_add_up_to_open_receivables(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    kpis = _get(client, "?as_of=2026-03-31", headers)["items"][0]["kpis"]

    assert kpis["aging"] == [
        {"bucket": "current", "amount": usd("7100.00")},
        {"bucket": "1-30", "amount": usd("0.00")},
        {"bucket": "31-60", "amount": usd("4000.00")},
        {"bucket": "61-90", "amount": usd("0.00")},
        {"bucket": "90+", "amount": usd("3000.00")},
    ]


def test_currency_without_a_rate_is_reported_apart_by_name(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = _get(client, "?as_of=2026-03-31", headers)

    assert body["fx_rates"] == [
        {"currency": "EUR", "rate_to_base": "1.10", "as_of": "2026-01-01"}
    ]
    [part] = body["items"][0]["unconverted"]
    assert part["currency"] == "JPY"
    assert part["kpis"]["open_receivables"] == {
        "amount": "100000.00",
        "currency": "JPY",
    }


def test_one_currency_is_reported_in_itself(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = _get(client, "?as_of=2026-03-31&currency=eur", headers)

    assert body["currency"] == "EUR"
    assert body["items"][0]["kpis"]["open_receivables"] == {
        "amount": "1000.00",
        "currency": "EUR",
    }
    assert body["items"][0]["unconverted"] == []


def test_group_by_customer_orders_by_open_receivables_with_names(
    client: FlaskClient, headers: dict[str, str], customer_ids: dict[str, int]
) -> None:
    body = _get(client, "?as_of=2026-03-31&group_by=customer", headers)

    rows = [
        (i["key"], i["label"], i["kpis"]["open_receivables"]["amount"])
        for i in body["items"]
    ]
    assert rows == [
        (str(customer_ids["acme"]), "C-acme Acme", "10000.00"),
        (str(customer_ids["bora"]), "C-bora Bora", "3000.00"),
        (str(customer_ids["castor"]), "C-castor Castor", "1100.00"),
        (str(customer_ids["dyn"]), "C-dyn Dyn", "0.00"),
    ]
    assert body["total"] == 4


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("company", {"ACME-US": "10000.00", "ACME-EU": "4100.00"}),
        ("connection", {"netsuite": "11100.00", "hubspot": "3000.00"}),
    ],
)
def test_group_by_company_and_connection(
    client: FlaskClient,
    headers: dict[str, str],
    group_by: str,
    expected: dict[str, str],
) -> None:
    body = _get(client, f"?as_of=2026-03-31&group_by={group_by}", headers)

    got = {i["key"]: i["kpis"]["open_receivables"]["amount"] for i in body["items"]}
    assert got == expected


def test_group_by_segment_puts_customers_without_one_in_a_null_group(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = _get(client, "?as_of=2026-03-31&group_by=segment", headers)

    rows = [
        (
            i["key"],
            i["label"],
            i["kpis"]["open_receivables"]["amount"],
            i["kpis"]["unapplied_credits"]["amount"],
            [u["currency"] for u in i["unconverted"]],
        )
        for i in body["items"]
    ]
    assert body["group_by"] == "segment"
    assert rows == [
        ("Enterprise", None, "10000.00", "0.00", []),  # A2 + A3
        ("Mid-Market", None, "4100.00", "500.00", []),  # B2 + C1 (1000 EUR), CM
        (None, None, "0.00", "0.00", ["JPY"]),  # dyn: D1 has no rate
    ]
    assert body["total"] == 3


def test_group_by_segment_keeps_the_kpis_of_each_segment(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = _get(client, "?as_of=2026-03-31&group_by=segment&currency=USD", headers)
    kpis = {i["key"]: i["kpis"] for i in body["items"]}

    # Enterprise is acme alone: AR 10000, current 6000, sales A2 + A3 = 10000, and
    # A1 (1000, paid after 50 days) is its only paid invoice.
    enterprise = kpis["Enterprise"]
    assert enterprise["dso"] == "90.00"  # 10000 / 10000 * 90
    assert enterprise["best_possible_dso"] == "54.00"  # 6000 / 10000 * 90
    assert (enterprise["days_to_pay"], enterprise["paid_invoices"]) == ("50.00", 1)
    # Mid-Market in USD is bora alone (castor bills in EUR): B2 open 106 days.
    assert kpis["Mid-Market"]["open_receivables"] == usd("3000.00")
    assert kpis["Mid-Market"]["aging"][-1] == {
        "bucket": "90+",
        "amount": usd("3000.00"),
    }
    assert set(kpis) == {"Enterprise", "Mid-Market"}


def test_as_of_a_past_date_rebuilds_the_balances(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    # On Jan 19, A1 (paid Jan 20) was still open; A3, B1, C1, D1 did not exist.
    kpis = _get(client, "?as_of=2026-01-19&currency=USD", headers)["items"][0]["kpis"]

    assert kpis["open_receivables"] == usd("8000.00")  # A1 1000 + A2 4000 + B2 3000


def test_trend_gives_dso_at_twelve_month_ends(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    trend = _get(client, "?as_of=2026-03-31&trend=true", headers)["trend"]

    assert [p["month_end"] for p in trend][::11] == ["2025-04-30", "2026-03-31"]
    assert (trend[-1]["dso"], trend[-1]["dso_count_back"]) == ("96.87", "121.00")
    assert trend[-1]["open_receivables"] == usd("14100.00")


def test_months_buckets_and_cei_variant_are_parameters(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = _get(
        client, "?as_of=2026-03-31&months=1&buckets=45&cei=monthly_sales", headers
    )
    kpis = body["items"][0]["kpis"]

    assert body["period"]["days"] == 31
    assert [a["bucket"] for a in kpis["aging"]] == ["current", "1-45", "45+"]
    assert kpis["cei_variant"] == "monthly_sales"
    assert kpis["dso"] == "61.56"  # 14100 / 7100 * 31


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("as_of=2026-13-01", "as_of"),
        ("as_of=yesterday", "as_of"),
        ("as_of=0001-01-01", "as_of"),
        ("group_by=region", "group_by"),
        ("currency=US", "currency"),
        ("months=0", "months"),
        ("months=13", "months"),
        ("buckets=60,30", "buckets"),
        ("buckets=a", "buckets"),
        ("cei=yearly", "cei"),
        ("trend=maybe", "trend"),
        ("per_page=501", "per_page"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    client: FlaskClient, headers: dict[str, str], query: str, field: str
) -> None:
    response = client.get(f"/api/v1/kpis?{query}", headers=headers)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field
    assert field in error["message"]


def test_kpis_need_a_token(client: FlaskClient) -> None:
    assert client.get("/api/v1/kpis").status_code == 401


def test_kpis_are_in_the_openapi_document(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()

    parameters = doc["paths"]["/kpis"]["get"]["parameters"]
    params = {p["name"] for p in parameters}
    [group_by] = [p for p in parameters if p["name"] == "group_by"]
    assert group_by["schema"]["enum"] == [
        "none",
        "customer",
        "segment",
        "company",
        "connection",
    ]
    assert {
        "as_of",
        "group_by",
        "currency",
        "months",
        "buckets",
        "cei",
        "trend",
    } <= params

"""The KPI page: numbers, aging and DSO trend charts as inline SVG, as-of picker."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from tests.e2e.http.kpis_fixtures import clock, kpi_template, services
from ui.kpis.charts import compact

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.e2e.web_fixtures import LoginFn

__all__ = ["clock", "kpi_template", "services"]


def _page(
    client: FlaskClient, login: LoginFn, query: str = "", role: str = "collector"
) -> str:
    login(role)
    response = client.get(f"/kpis{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "collector", "auditor"])
def test_every_role_sees_the_kpis_and_the_nav_link(
    client: FlaskClient, login: LoginFn, role: str
) -> None:
    html = _page(client, login, role=role)

    assert 'href="/kpis"' in html
    assert 'data-kpi="dso">96.87<' in html  # as of today, 2026-03-31


def test_page_shows_the_hand_computed_values(
    client: FlaskClient, login: LoginFn
) -> None:
    html = _page(client, login, "?as_of=2026-03-31")

    for kpi, value in [
        ("dso", "96.87"),
        ("dso_count_back", "121.00"),
        ("best_possible_dso", "48.78"),
        ("average_days_delinquent", "48.09"),
        ("cei", "30.00"),
        ("at_risk_rate", "75.00"),
    ]:
        assert f'data-kpi="{kpi}">{value}' in html
    assert "14,100.00 USD" in html


def test_aging_is_drawn_as_svg_bars_with_a_table(
    client: FlaskClient, login: LoginFn
) -> None:
    html = _page(client, login, "?as_of=2026-03-31")

    chart = html[html.index('data-testid="aging-chart"') : html.index("</svg>")]
    assert chart.count("<rect") == 5
    assert "<title>31-60: 4,000.00 USD</title>" in chart
    assert "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # no CDN


def test_dso_trend_is_drawn_for_twelve_month_ends(
    client: FlaskClient, login: LoginFn
) -> None:
    html = _page(client, login, "?as_of=2026-03-31")

    chart = html[html.index('data-testid="dso-chart"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count("<polyline") == 2
    assert "<title>DSO: 96.87 days</title>" in chart
    table = html[html.index('data-testid="trend-table"') :]
    assert len(re.findall(r"<tr><th scope=\"row\">\d{4}-\d\d-\d\d", table)) == 12


def test_unconverted_currency_is_named(client: FlaskClient, login: LoginFn) -> None:
    html = _page(client, login, "?as_of=2026-03-31")

    assert "100,000.00 JPY open in JPY" in html


def test_as_of_picker_keeps_the_chosen_date(
    client: FlaskClient, login: LoginFn
) -> None:
    html = _page(client, login, "?as_of=2026-01-19")

    assert 'type="date" value="2026-01-19"' in html
    assert "8,000.00 USD" in html  # A1 + A2 + B2 still open then


def _group_rows(html: str) -> list[list[str]]:
    table = html[html.index('data-testid="group-table"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr data-group=.*?</tr>", table)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_the_group_selector_offers_segment_and_keeps_the_choice(
    client: FlaskClient, login: LoginFn
) -> None:
    html = _page(client, login, "?as_of=2026-03-31&group_by=segment")

    selector = html[html.index('<select id="group_by"') :]
    selector = selector[: selector.index("</select>")]
    assert re.findall(r'value="(\w+)"', selector) == [
        "none",
        "customer",
        "segment",
        "company",
        "connection",
    ]
    assert '<option value="segment" selected>' in selector


def test_breakdown_by_segment_lists_each_segment_and_the_none_group(
    client: FlaskClient, login: LoginFn
) -> None:
    html = _page(client, login, "?as_of=2026-03-31&group_by=segment")

    rows = _group_rows(html)
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("Enterprise", "10,000.00 USD", "90.00"),  # acme: 10000 / 10000 * 90
        ("Mid-Market", "4,100.00 USD", "119.03"),  # B2 + C1 over B1 + C1: 4100 / 3100
        ("(none)", "0.00 USD", "—"),  # dyn, JPY without a rate
    ]
    assert rows[2][-1] == "100,000.00 JPY"
    assert 'data-kpi="dso">96.87<' in html  # the overall figures stay


def test_breakdown_by_customer_uses_the_customer_labels(
    client: FlaskClient, login: LoginFn
) -> None:
    html = _page(client, login, "?as_of=2026-03-31&group_by=customer")

    assert [r[0] for r in _group_rows(html)] == [
        "C-acme Acme",
        "C-bora Bora",
        "C-castor Castor",
        "C-dyn Dyn",
    ]


def test_without_a_group_there_is_no_breakdown(
    client: FlaskClient, login: LoginFn
) -> None:
    html = _page(client, login, "?as_of=2026-03-31&group_by=none")

    assert 'data-testid="group-table"' not in html


def test_an_unknown_group_is_a_400_page(client: FlaskClient, login: LoginFn) -> None:
    login("collector")

    response = client.get("/kpis?group_by=region")

    assert response.status_code == 400
    assert "region" in response.get_data(as_text=True)


def test_a_bad_date_is_a_400_page(client: FlaskClient, login: LoginFn) -> None:
    login("collector")

    response = client.get("/kpis?as_of=2026-02-30")

    assert response.status_code == 400
    assert "not a date" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/kpis")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("2000000", "2M"),
        ("1500000", "1.5M"),
        ("750000", "750k"),
        ("150", "150"),
        ("0.5", "0.5"),
    ],
)
def test_chart_axis_labels_are_compact(value: str, label: str) -> None:
    assert compact(Decimal(value)) == label

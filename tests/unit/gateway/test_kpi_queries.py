"""The KPI SQL agrees with the pure reference (rules.kpi_inputs) on any mirror.

Runs on a SQLite file and on PostgreSQL: the aggregation is dialect-sensitive (date
arithmetic, integer sums), so both must give exactly the reference's numbers.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from gateway.queries.kpi_trend import dso_trend
from gateway.queries.kpis import HISTORY, KpiQuery, kpi_summary
from gateway.services.fx import set_rate
from rules.aging import buckets
from rules.kpi_inputs import inputs_from_facts
from rules.kpi_report import report
from rules.kpis import CeiVariant, rounded
from tests.kpi_seed import Inv, seed

if TYPE_CHECKING:
    from gateway.bootstrap import Services

CUSTOMERS = {"acme": "USD", "bora": "USD", "castor": "EUR", "dyn": "JPY"}
# castor and dyn have no segment.
SEGMENTS = {"acme": "Enterprise", "bora": "Mid-Market"}
START = date(2024, 6, 1)


def _random_invoices(rng: random.Random, count: int) -> list[Inv]:
    found = []
    for _ in range(count):
        issue = START + timedelta(days=rng.randint(0, 700))
        amount = Decimal(rng.randint(100, 500_000)).scaleb(-2)
        paid = Decimal(0)
        pays = []
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
            part = (amount - paid) * Decimal(rng.choice((25, 50, 100))) / 100
            part = part.quantize(Decimal("0.01"))
            if part > 0:
                pays.append((issue + timedelta(days=rng.randint(0, 120)), str(part)))
                paid += part
        credit = (amount - paid) / 5 if rng.random() < 0.1 else Decimal(0)
        open_ = (amount - paid - credit).quantize(Decimal("0.01"))
        found.append(
            Inv(
                customer=rng.choice(list(CUSTOMERS)),
                issue=issue,
                due=issue + timedelta(days=rng.choice((0, 15, 30, 60))),
                amount=str(amount),
                open=str(open_),
                pays=tuple(pays),
                company=rng.choice(("ACME-US", "ACME-EU")),
            )
        )
    return found


@pytest.fixture
def mirror(services: Services) -> list[Inv]:
    invoices = _random_invoices(random.Random(7), 120)
    with services.uow() as uow:
        seed(uow.session, CUSTOMERS, invoices, SEGMENTS)
        uow.commit()
    return invoices


def _expected(
    invoices: list[Inv],
    as_of: date,
    currency: str,
    months: int = 3,
    customers: tuple[str, ...] = tuple(CUSTOMERS),
):
    facts = [
        i.fact()
        for i in invoices
        if CUSTOMERS[i.customer] == currency and i.customer in customers
    ]
    spec = buckets()
    return report(
        inputs_from_facts(facts, as_of, months=months, history=HISTORY, spec=spec)
    )


@pytest.mark.parametrize(
    "as_of", [date(2025, 3, 31), date(2025, 11, 17), date(2026, 6, 30)]
)
def test_sql_kpis_equal_the_reference_per_currency(
    services: Services, mirror: list[Inv], as_of: date
) -> None:
    for currency in ("USD", "EUR", "JPY"):
        got = kpi_summary(services, KpiQuery(as_of=as_of, currency=currency))

        assert got.groups[0].report == _expected(mirror, as_of, currency)


def test_sql_kpis_per_company_add_up_to_the_reference(
    services: Services, mirror: list[Inv]
) -> None:
    as_of = date(2025, 12, 31)
    got = kpi_summary(services, KpiQuery(as_of=as_of, group="company", currency="USD"))

    total = sum(g.report.open_receivables for g in got.groups)
    assert {g.key for g in got.groups} == {"ACME-US", "ACME-EU"}
    assert total == _expected(mirror, as_of, "USD").open_receivables


def test_currencies_without_a_rate_are_reported_apart_by_name(
    services: Services, mirror: list[Inv]
) -> None:
    set_rate(services, "EUR", "1.25", date(2025, 1, 1))
    as_of = date(2025, 12, 31)

    got = kpi_summary(services, KpiQuery(as_of=as_of))

    usd = _expected(mirror, as_of, "USD").open_receivables
    eur = _expected(mirror, as_of, "EUR").open_receivables
    assert got.groups[0].report.open_receivables == rounded(usd + eur * Decimal("1.25"))
    assert [(p.currency, p.report) for p in got.groups[0].unconverted] == [
        ("JPY", _expected(mirror, as_of, "JPY"))
    ]
    assert got.rates == (("EUR", Decimal("1.25"), date(2025, 1, 1)),)


def test_monthly_sales_cei_variant_is_available_by_name(
    services: Services, mirror: list[Inv]
) -> None:
    query = KpiQuery(
        as_of=date(2025, 12, 31), currency="USD", variant=CeiVariant.MONTHLY_SALES
    )

    got = kpi_summary(services, query).groups[0].report

    assert got.cei_variant is CeiVariant.MONTHLY_SALES


def test_dso_trend_equals_the_reference_at_each_month_end(
    services: Services, mirror: list[Inv]
) -> None:
    points = dso_trend(services, date(2026, 2, 14), currency="EUR")

    assert [p.month_end for p in points][:2] == [date(2025, 2, 28), date(2025, 3, 31)]
    assert points[-1].month_end == date(2026, 1, 31)
    for point in points:
        expected = _expected(mirror, point.month_end, "EUR")
        assert (point.dso, point.dso_count_back) == (
            expected.dso,
            expected.dso_count_back,
        )
        assert point.open_receivables == expected.open_receivables


@pytest.mark.parametrize("as_of", [date(2025, 3, 31), date(2025, 12, 31)])
def test_sql_kpis_per_segment_equal_the_reference_of_its_customers(
    services: Services, mirror: list[Inv], as_of: date
) -> None:
    got = kpi_summary(services, KpiQuery(as_of=as_of, group="segment", currency="USD"))

    reports = {g.key: g.report for g in got.groups}
    assert reports == {
        "Enterprise": _expected(mirror, as_of, "USD", customers=("acme",)),
        "Mid-Market": _expected(mirror, as_of, "USD", customers=("bora",)),
    }


def test_customers_without_a_segment_form_the_null_group(
    services: Services, mirror: list[Inv]
) -> None:
    as_of = date(2025, 12, 31)

    got = kpi_summary(services, KpiQuery(as_of=as_of, group="segment", currency="EUR"))

    [group] = got.groups
    assert (group.key, group.label) == (None, None)
    assert group.report == _expected(mirror, as_of, "EUR", customers=("castor",))

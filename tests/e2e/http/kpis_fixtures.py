"""A mirror whose KPIs are worked out by hand (as of 2026-03-31, in USD).

Period: Jan 1 - Mar 31 2026 (3 calendar months, 90 days); start balance on Dec 31.

=====  ========  ==========  ==========  =======  ===========================
inv    customer  issued      due         amount   fate
=====  ========  ==========  ==========  =======  ===========================
A1     acme USD  2025-12-01  2025-12-31  1000     paid 2026-01-20 (50 d, +20)
A2     acme USD  2026-01-15  2026-02-14  4000     open: 45 days past due
A3     acme USD  2026-03-10  2026-04-09  6000     open: current
B1     bora USD  2026-02-01  2026-02-11  2000     paid 2026-02-21 (20 d, +10)
B2     bora USD  2025-11-01  2025-12-15  3000     open: 106 days past due
CM     bora USD  2026-03-01  -           500      unapplied credit memo
C1     castor    2026-03-01  2026-03-31  1000 EUR open: due today (current)
D1     dyn JPY   2026-03-01  2026-03-31  100000   open; JPY has no rate
=====  ========  ==========  ==========  =======  ===========================

EUR = 1.10 USD from 2026-01-01, so C1 counts 1,100.00 USD.
Segments: acme Enterprise, bora and castor Mid-Market, dyn none.
AR_end 14,100; current 7,100; AR_begin (Dec 31: A1 + B2) 4,000; sales 13,100.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from gateway.bootstrap import Services, build_services
from gateway.clock import FixedClock
from gateway.services.fx import set_rate
from gateway.services.users import add_user, create_token
from gateway.settings import Secret, Settings
from gateway.store.migrate import upgrade
from tests.e2e.web_seed import PASSWORDS
from tests.kpi_seed import Inv, seed

if TYPE_CHECKING:
    from pathlib import Path

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
CUSTOMERS = {"acme": "USD", "bora": "USD", "castor": "EUR", "dyn": "JPY"}
# Customer segments (NetSuite customer categories); dyn has none.
SEGMENTS = {"acme": "Enterprise", "bora": "Mid-Market", "castor": "Mid-Market"}
INVOICES = [
    Inv("acme", date(2025, 12, 1), date(2025, 12, 31), "1000", "0",
        ((date(2026, 1, 20), "1000"),)),
    Inv("acme", date(2026, 1, 15), date(2026, 2, 14), "4000", "4000"),
    Inv("acme", date(2026, 3, 10), date(2026, 4, 9), "6000", "6000"),
    Inv("bora", date(2026, 2, 1), date(2026, 2, 11), "2000", "0",
        ((date(2026, 2, 21), "2000"),), company="ACME-EU", connection="hubspot"),
    Inv("bora", date(2025, 11, 1), date(2025, 12, 15), "3000", "3000",
        company="ACME-EU", connection="hubspot"),
    Inv("bora", date(2026, 3, 1), None, "500", "500", kind="credit_memo",
        status="open", company="ACME-EU", connection="hubspot"),
    Inv("castor", date(2026, 3, 1), date(2026, 3, 31), "1000", "1000",
        company="ACME-EU"),
    Inv("dyn", date(2026, 3, 1), date(2026, 3, 31), "100000", "100000",
        company="ACME-EU"),
]  # fmt: skip


def _settings(path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{path}", secret_key=Secret("kpi-key"), testing=True
    )


@pytest.fixture(scope="module")
def kpi_template(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("kpis") / "arbridge.db"
    container = build_services(_settings(path), clock=FixedClock(NOW))
    try:
        upgrade(container.engine)
        with container.uow() as uow:
            ids = seed(uow.session, CUSTOMERS, INVOICES, SEGMENTS)
            uow.commit()
        set_rate(container, "EUR", "1.10", date(2026, 1, 1))
        for role, password in PASSWORDS.items():
            add_user(container, role, password, role)
    finally:
        container.dispose()
    return path, ids


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def services(
    tmp_path: Path, clock: FixedClock, kpi_template: tuple[Path, dict[str, int]]
) -> Iterator[Services]:
    """Overrides the web seed: the KPI mirror above, copied fresh for each test."""
    path = tmp_path / "arbridge.db"
    shutil.copyfile(kpi_template[0], path)
    container = build_services(_settings(path), clock=clock)
    yield container
    container.dispose()


@pytest.fixture
def customer_ids(kpi_template: tuple[Path, dict[str, int]]) -> dict[str, int]:
    return kpi_template[1]


@pytest.fixture
def headers(services: Services) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(services, 'bi', 'auditor')}"}

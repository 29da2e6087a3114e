"""Benchmark: scoring + strategies over 1,000,000 open invoices, and the worklist query.

    python -m tests.bench.scoring                 # both parts, default sizes
    python -m tests.bench.scoring --customers 10000 --invoices 100000   # smaller

Part 1 (in memory, one core): fold the open invoices into exposures, score every
customer and evaluate the strategies, as ``arbridge score`` does after reading the
mirror. Reports seconds and peak RSS (target < 5 s).
Prediction (in memory, one core): predict p_late for every open invoice with a small
model trained on the seeded synthetic history (one settled invoice per customer gives
the features a history), then fold it per customer, as ``arbridge score`` does.
Part 2 (a SQLite file of that size): the prioritized worklist page, as an admin (all
groups) and as a collector (own groups first), unfiltered and filtered by currency
and by customer segment, and the segment filter's choices, median of repeated runs
(target < 100 ms). Not a timed test: run by hand or by ``make bench``.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text
from threadpoolctl import threadpool_limits

from gateway.bootstrap import build_services
from gateway.clock import FixedClock
from gateway.queries.priorities import prioritized_page
from gateway.queries.worklist import NO_SEGMENT, WorklistFilter, worklist_segments
from gateway.services.prediction import train_on
from gateway.services.scoring import evaluate, load_config, paused_gc
from gateway.settings import Settings
from gateway.store.migrate import upgrade
from gateway.store.types import money_to_int
from rules.exposure import CustomerFacts, OpenItem, summarize
from rules.prediction import InvoiceFacts
from rules.prediction_columns import (
    InvoiceColumns,
    amount_weighted_by_customer,
    open_features,
)
from tests.prediction_facts_support import synthetic_facts

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
CURRENCIES = ("USD", "EUR", "GBP")
# Per 20 customers: 1 Enterprise (5 %), 5 Mid-Market, 12 Small Business, 2 without.
SEGMENTS = ("Enterprise", *["Mid-Market"] * 5, *["Small Business"] * 12, None, None)


def _items(customers: int, invoices: int, rng: random.Random) -> list[OpenItem]:
    amounts = [Decimal(rng.randrange(1000, 5_000_000)).scaleb(-2) for _ in range(997)]
    out = []
    for i in range(invoices):
        due = AS_OF + timedelta(days=rng.randrange(-200, 60))
        out.append(
            OpenItem(
                i % customers + 1, i % 23 == 0, due, amounts[i % 997], i % 101 == 0
            )
        )
    return out


def _report(line: str) -> None:
    print(line, flush=True)  # noqa: T201 - a benchmark reports on the terminal


def _facts(
    customers: int, items: list[OpenItem], rng: random.Random
) -> list[CustomerFacts]:
    exposures = summarize(items, AS_OF)
    return [
        CustomerFacts(
            customer_id=cid,
            exposure=exp,
            attributes={"currency": CURRENCIES[cid % 3], "company": "C1"},
            credit_limit=Decimal(rng.randrange(0, 200_000)),
            broken_promises=int(cid % 7 == 0),
            last_broken_on=AS_OF - timedelta(days=cid % 40),
            p_late=Decimal(rng.randrange(0, 100)).scaleb(-2) if cid % 2 else None,
            recent_days_late=Decimal(cid % 30),
            prior_days_late=Decimal(cid % 20),
        )
        for cid, exp in exposures.items()
    ]


def part_memory(customers: int, invoices: int) -> tuple[list[Any], float]:
    rng = random.Random(7)
    items = _items(customers, invoices, rng)
    config = load_config()
    with paused_gc():  # as arbridge score does
        started = time.perf_counter()
        facts = _facts(customers, items, rng)
        folded = time.perf_counter()
        scores, assignments = evaluate(facts, config, AS_OF)
        done = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _report(
        f"in memory: {invoices:,} open invoices / {customers:,} customers: "
        f"fold {folded - started:.2f}s + score and strategies {done - folded:.2f}s "
        f"= {done - started:.2f}s (target < 5 s); {len(assignments):,} on the worklist; "
        f"peak RSS {rss:,.0f} MiB (includes the generated invoices)"
    )
    totals = {s.customer_id: s.total for s in scores}
    return [(a, totals[a.customer_id]) for a in assignments], done - started


def _invoice_facts(customers: int, items: list[OpenItem]) -> list[InvoiceFacts]:
    """The open invoices (credit memos are not predicted) and one settled invoice
    per customer, issued 120 days before the as-of date."""
    settled = [
        InvoiceFacts(f"S{c}", str(c), AS_OF - timedelta(days=120),
                     AS_OF - timedelta(days=90), Decimal(1000), "USD",
                     settled_date=AS_OF - timedelta(days=90 - c % 20))
        for c in range(1, customers + 1)
    ]  # fmt: skip
    open_ = [
        InvoiceFacts(str(i), str(item.customer_id), item.due_date - timedelta(days=30),
                     item.due_date, item.open_amount, "USD", disputed=item.in_dispute)
        for i, item in enumerate(items)
        if not item.is_credit and item.due_date - timedelta(days=30) < AS_OF
    ]  # fmt: skip
    return settled + open_


def part_prediction(customers: int, invoices: int) -> float:
    """Time predicting every open invoice (p_late, p_late_30, days to pay) and the
    per-customer fold the score reads, as ``arbridge score`` does; return seconds."""
    model, _ = train_on(synthetic_facts(), date(2023, 10, 1))
    facts = _invoice_facts(customers, _items(customers, invoices, random.Random(7)))
    with paused_gc():
        started = time.perf_counter()
        # What load_fact_columns builds while it reads the mirror's rows (as
        # customer_facts builds the open items part 1 starts from): not in the sum.
        cols = InvoiceColumns.of(facts)
        laid_out = time.perf_counter()
        found = open_features(cols, AS_OF, model.feature_set)
        featured = time.perf_counter()
        predicted = model.predict(found.matrix)
        done_predicting = time.perf_counter()
        _, present = amount_weighted_by_customer(
            cols.customer[found.rows], cols.amount[found.rows],
            predicted.p_late, len(cols.customers),
        )  # fmt: skip
        done = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _report(
        f"prediction ({model.estimator}): {found.rows.size:,} open invoices of "
        f"{len(facts):,} / {int(present.sum()):,} customers: features "
        f"{featured - laid_out:.2f}s + p_late, p_late_30 and days to pay "
        f"{done_predicting - featured:.2f}s + fold per customer "
        f"{done - done_predicting:.2f}s = {done - laid_out:.2f}s; peak RSS "
        f"{rss:,.0f} MiB (laying the invoices out as columns, done while reading "
        f"the mirror: {laid_out - started:.2f}s)"
    )
    return done - laid_out


def _fill(conn: Any, customers: int, invoices: int, assigned: list[Any]) -> None:
    now = NOW.replace(tzinfo=None)
    conn.exec_driver_sql(
        "INSERT INTO customers (id, number, name, currency, segment, is_active, deleted, created_at, updated_at) VALUES (?,?,?,?,?,1,0,?,?)",
        [(c, f"C{c}", f"Customer {c}", CURRENCIES[c % 3], SEGMENTS[c % 20], now, now) for c in range(1, customers + 1)],
    )  # fmt: skip
    rng = random.Random(11)
    rows = []
    for i in range(1, invoices + 1):
        due = AS_OF + timedelta(days=rng.randrange(-200, 60))
        amount = money_to_int(Decimal(rng.randrange(1000, 5_000_000)).scaleb(-2))
        rows.append((i, (i - 1) % customers + 1, f"INV{i}", "invoice", CURRENCIES[((i - 1) % customers + 1) % 3],
                     amount, amount, due - timedelta(days=30), due, "open", now, now))  # fmt: skip
        if len(rows) == 50_000:
            _invoices(conn, rows)
            rows = []
    _invoices(conn, rows)
    conn.exec_driver_sql(
        'INSERT INTO customer_priorities (customer_id, as_of, score, reasons, "group", collector, risk_score, currency, computed_at) VALUES (?,?,?,?,?,?,?,?,?)',
        [(a.customer_id, AS_OF, int(a.priority.score), '["bench"]', a.group, a.collector, risk, CURRENCIES[a.customer_id % 3], now)
         for a, risk in assigned],
    )  # fmt: skip


def _invoices(conn: Any, rows: list[Any]) -> None:
    if not rows:
        return
    conn.exec_driver_sql(
        "INSERT INTO invoices (id, customer_id, number, kind, currency, amount, open_amount, issue_date, due_date, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def _time(fn: Any, runs: int = 15) -> float:
    fn()  # warm the page cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def part_sqlite(customers: int, invoices: int, assigned: list[Any]) -> None:
    path = Path(tempfile.mkdtemp()) / "bench.db"
    services = build_services(
        Settings(database_url=f"sqlite:///{path}"), clock=FixedClock(NOW)
    )
    upgrade(services.engine)
    started = time.perf_counter()
    with services.engine.begin() as conn:
        _fill(conn, customers, invoices, assigned)
    with services.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    _report(
        f"sqlite file: {path.stat().st_size / 2**20:,.0f} MiB built in {time.perf_counter() - started:.0f}s"
    )
    flt, usd = WorklistFilter(), WorklistFilter(currency="USD")
    small = WorklistFilter(segment="Small Business")
    enterprise = WorklistFilter(segment="Enterprise")
    unset, unknown = WorklistFilter(segment=NO_SEGMENT), WorklistFilter(segment="Nope")

    def page(f: WorklistFilter, mine: str | None, number: int = 1) -> Any:
        return prioritized_page(
            services, f, today=AS_OF, page=number, per_page=50, mine=mine
        )

    for label, call in [
        ("admin, page 1", lambda: page(flt, None)),
        ("admin, page 100", lambda: page(flt, None, 100)),
        ("collector (own groups first), page 1", lambda: page(flt, "collector")),
        ("admin, currency USD, page 1", lambda: page(usd, None)),
        ("admin, segment Small Business (60 %), page 1", lambda: page(small, None)),
        ("admin, segment Small Business, page 100", lambda: page(small, None, 100)),
        ("admin, segment Enterprise (5 %), page 1", lambda: page(enterprise, None)),
        ("admin, no segment (10 %), page 1", lambda: page(unset, None)),
        ("admin, a segment no customer has", lambda: page(unknown, None)),
        (
            "collector, segment Enterprise, page 1",
            lambda: page(enterprise, "collector"),
        ),
        ("the segment filter's choices", lambda: worklist_segments(services)),
    ]:
        _report(
            f"worklist query, {label}: {_time(call):.1f} ms median (target < 100 ms)"
        )
    services.dispose()


def main(argv: list[str] | None = None) -> None:
    threadpool_limits(1)  # one core: no BLAS or OpenMP threads
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    assigned, scoring = part_memory(args.customers, args.invoices)
    predicting = part_prediction(args.customers, args.invoices)
    _report(
        f"scoring + prediction + strategies: {scoring + predicting:.2f}s "
        "on one core (target < 5 s)"
    )
    if not args.skip_sqlite:
        part_sqlite(args.customers, args.invoices, assigned)
    sys.stdout.flush()


if __name__ == "__main__":
    main()

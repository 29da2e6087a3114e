"""A large, realistic receivables mirror for the KPI benchmark, loaded fast.

Two years of invoices before ``AS_OF`` over many customers, each with a currency,
segment and company; most invoices paid by posted payments (some partly, some by
payments covering several invoices, a few by payments voided later), some settled
in part by credit memos the mirror cannot date, a few void; credit memos, open or
applied; monthly FX rates for every currency but one (CHF, reported apart); and an
external ref per invoice (a few known to a second connection).

Rows are made in memory as tuples (ids in issue order, as a sync would create them)
and loaded with COPY on PostgreSQL and executemany on SQLite. Deterministic: the same
sizes give the same mirror on both databases.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

AS_OF = date(2026, 3, 17)
FIRST = AS_OF - timedelta(days=730)
NOW = datetime(2026, 3, 17, 18, 0, tzinfo=UTC)
# (currency, company, weight); CHF has no FX rate, so it is reported apart.
CURRENCIES = (
    ("USD", "ACME-US", 58),
    ("EUR", "ACME-EU", 20),
    ("GBP", "ACME-UK", 10),
    ("CAD", "ACME-CA", 6),
    ("JPY", "ACME-JP", 5),
    ("CHF", "ACME-EU", 1),
)
RATES = {"EUR": "1.08", "GBP": "1.27", "CAD": "0.74", "JPY": "0.0067"}
SEGMENTS = ("Enterprise", "Mid-Market", "SMB", "Public Sector", "Partner", None)
TERMS = (0, 15, 30, 30, 30, 45, 60)
CHUNK = 50_000


@dataclass
class Mirror:
    """The rows of each table, as tuples in the column order of ``COLUMNS``."""

    customers: list[tuple[Any, ...]] = field(default_factory=list)
    invoices: list[tuple[Any, ...]] = field(default_factory=list)
    payments: list[tuple[Any, ...]] = field(default_factory=list)
    allocations: list[tuple[Any, ...]] = field(default_factory=list)
    refs: list[tuple[Any, ...]] = field(default_factory=list)
    rates: list[tuple[Any, ...]] = field(default_factory=list)

    def tables(self) -> list[tuple[str, list[tuple[Any, ...]]]]:
        return [
            ("customers", self.customers),
            ("invoices", self.invoices),
            ("payments", self.payments),
            ("payment_allocations", self.allocations),
            ("external_refs", self.refs),
            ("fx_rates", self.rates),
        ]


COLUMNS = {
    "customers": "id, number, name, currency, company, segment, terms, is_active, deleted, created_at, updated_at",
    "invoices": "id, customer_id, number, kind, company, currency, amount, open_amount, issue_date, due_date, status, created_at, updated_at",
    "payments": "id, customer_id, number, currency, amount, unapplied_amount, payment_date, status, created_at, updated_at",
    "payment_allocations": "id, payment_id, invoice_id, invoice_ref, amount",
    "external_refs": "id, connection, object_type, external_id, local_id, shadow, updated_at",
    "fx_rates": "currency, as_of, rate_to_base, updated_at",
}


@dataclass
class _Customer:
    id: int
    currency: str
    company: str
    lateness: int  # mean days paid after the due date
    last_payment: list[Any] | None = None  # [id, date, amount] of its latest payment


@dataclass
class _Builder:
    rng: random.Random
    mirror: Mirror = field(default_factory=Mirror)
    specs: list[tuple[Any, ...]] = field(default_factory=list)
    payments: list[list[Any]] = field(default_factory=list)
    allocations: list[tuple[int, int, int]] = field(default_factory=list)

    def customer(self, cid: int) -> _Customer:
        currency, company, _ = self.rng.choices(
            CURRENCIES, weights=[w for *_, w in CURRENCIES]
        )[0]
        segment = self.rng.choice(SEGMENTS)
        self.mirror.customers.append(
            (cid, f"C{cid:06d}", f"Customer {cid}", currency, company, segment,
             "Net 30", True, False, NOW, NOW)
        )  # fmt: skip
        return _Customer(cid, currency, company, self.rng.choice((-5, 0, 5, 15, 40)))

    def invoice(self, cust: _Customer, key: int) -> None:
        rng = self.rng
        issue = FIRST + timedelta(days=rng.randrange(731))
        amount = rng.randrange(5_000, 5_000_000) * 100  # scaled x10^4
        if rng.random() < 0.04:  # a credit memo: open (unapplied) or applied
            open_ = amount if rng.random() < 0.3 else 0
            status = "open" if open_ else "paid"
            self.specs.append(
                (issue, key, cust, "credit_memo", amount, open_, None, status)
            )
            return
        terms = rng.choice(TERMS)
        due = None if rng.random() < 0.01 else issue + timedelta(days=terms)
        status = "void" if rng.random() < 0.01 else None
        paid_on = (due or issue) + timedelta(
            days=cust.lateness + rng.randrange(-10, 40)
        )
        paid_on = max(paid_on, issue)
        if rng.random() < 0.02:  # never paid: bad debt in the oldest buckets
            paid_on = date.max
        self.specs.append(
            (issue, key, cust, "invoice", amount, None, due, status, paid_on)
        )

    def settle(self, key: int, spec: tuple[Any, ...]) -> tuple[int, str]:
        """Allocations for one invoice; its open amount and status today."""
        issue, _, cust, _, amount, _, _, status, paid_on = spec
        rng = self.rng
        if status == "void":
            return amount, "void"
        credited = amount // 5 // 100 * 100 if rng.random() < 0.05 else 0
        due_amount = amount - credited
        if paid_on > AS_OF:  # not paid yet; sometimes paid in part already
            if rng.random() < 0.08:
                part = due_amount // 2 // 100 * 100
                early = paid_on - timedelta(days=rng.randrange(10, 60))
                self.pay(cust, key, part, early, issue)
                due_amount -= part
            return due_amount, "open"
        if rng.random() < 0.1:  # in two payments
            part = due_amount // 2 // 100 * 100
            early = paid_on - timedelta(days=rng.randrange(1, 20))
            self.pay(cust, key, part, early, issue)
            due_amount -= part
        voided = self.pay(cust, key, due_amount, paid_on, issue)
        return (due_amount, "open") if voided else (0, "paid")

    def pay(
        self, cust: _Customer, key: int, amount: int, day: date, issue: date
    ) -> bool:
        """Allocate ``amount`` to invoice ``key``; True if the payment was voided."""
        day = min(max(day, issue), AS_OF)
        last = cust.last_payment
        if last is not None and last[1] == day:
            last[2] += amount  # one payment for several invoices of the day
        else:
            voided = self.rng.random() < 0.01
            last = [len(self.payments) + 1, day, amount, cust, voided]
            self.payments.append(last)
            cust.last_payment = last
        self.allocations.append((last[0], key, amount))
        return bool(last[4])


def build(invoices: int, customers: int, seed: int = 20260317) -> Mirror:
    """Make the rows of a mirror with ``invoices`` invoices over ``customers``."""
    b = _Builder(random.Random(seed))
    people = [b.customer(cid) for cid in range(1, customers + 1)]
    for key in range(invoices):
        b.invoice(people[b.rng.randrange(customers)], key)
    # Ids in issue order, as a sync reading the ERP by date would create them.
    b.specs.sort(key=lambda s: (s[0], s[1]))
    ids = {spec[1]: n for n, spec in enumerate(b.specs, start=1)}
    outcome: dict[int, tuple[int, str]] = {}
    bills = [s for s in b.specs if s[3] == "invoice"]
    for spec in sorted(bills, key=lambda s: (s[2].id, s[-1])):
        outcome[spec[1]] = b.settle(spec[1], spec)
    m = b.mirror
    for n, spec in enumerate(b.specs, start=1):
        issue, key, cust, kind, amount, open_, due, status = spec[:8]
        if kind == "invoice":
            open_, status = outcome[key]
        m.invoices.append(
            (n, cust.id, f"INV{n:07d}", kind, cust.company, cust.currency, amount,
             open_, issue, due, status, NOW, NOW)
        )  # fmt: skip
        m.refs.append((n, "netsuite", "invoice", str(n), n, "{}", NOW))
    extra = len(m.refs)
    for n in range(1, len(b.specs) + 1, 20):  # one in twenty also in Salesforce
        extra += 1
        m.refs.append((extra, "salesforce", "invoice", f"SF{n}", n, "{}", NOW))
    # Payment ids in date order too; allocations in payment order.
    b.payments.sort(key=lambda p: (p[1], p[0]))
    renumber = {p[0]: n for n, p in enumerate(b.payments, start=1)}
    b.allocations.sort(key=lambda a: renumber[a[0]])
    for pid, (_, day, amount, cust, voided) in enumerate(b.payments, start=1):
        m.payments.append(
            (pid, cust.id, f"PAY{pid:07d}", cust.currency, amount, 0, day,
             "void" if voided else "posted", NOW, NOW)
        )  # fmt: skip
    for n, (pid, key, amount) in enumerate(b.allocations, start=1):
        m.allocations.append((n, renumber[pid], ids[key], str(ids[key]), amount))
    m.rates = list(_rates(b.rng))
    return m


def _rates(rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for currency, start in RATES.items():
        rate = Decimal(start)
        day = FIRST.replace(day=1)
        while day <= AS_OF:
            yield currency, day, f"{rate:f}", NOW
            rate = (rate * Decimal(1000 + rng.randrange(-20, 21)) / 1000).quantize(
                Decimal(start).scaleb(-2)
            )
            day = (day + timedelta(days=32)).replace(day=1)


def _sqlite_value(value: Any) -> Any:
    """What the column types store on SQLite for a date, datetime or bool."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class _Converter:
    def __init__(self) -> None:
        self.cache: dict[Any, Any] = {}

    def row(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(self.value(v) if isinstance(v, date | bool) else v for v in row)

    def value(self, value: Any) -> Any:
        if value not in self.cache:
            self.cache[value] = _sqlite_value(value)
        return self.cache[value]


def _chunks(rows: Sequence[tuple[Any, ...]]) -> Iterator[Sequence[tuple[Any, ...]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def load(conn: Any, mirror: Mirror, report: Callable[[str], None]) -> None:
    """Insert ``mirror`` through SQLAlchemy connection ``conn`` (in a transaction)."""
    dialect = conn.dialect.name
    for table, rows in mirror.tables():
        columns = COLUMNS[table]
        if dialect == "postgresql":
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            continue
        marks = ", ".join("?" * len(columns.split(",")))
        # Dates, datetimes and bools are converted; a mirror has few distinct ones.
        convert = _Converter()
        for chunk in _chunks(rows):
            conn.exec_driver_sql(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                [convert.row(row) for row in chunk],
            )
        report(f"  {table}: {len(rows):,} rows")

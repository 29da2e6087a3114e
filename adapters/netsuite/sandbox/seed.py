"""Deterministic seed data: customers, invoices, credit memos and payments.

Everything comes from one ``random.Random(seed)`` and the anchor date, so two
sandboxes with the same seed and anchor hold identical rows. Every seeded timestamp
lies before midnight UTC starting the anchor day, so later edits are always newer.
Some records share a ``lastmodifieddate`` second (bulk imports and mass updates), so
cursor tie-breaking on ``id`` is exercised.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from adapters.netsuite.sandbox.schema import (
    CUSTOMER_COLUMNS,
    DELETED_COLUMNS,
    LINE_COLUMNS,
    LINK_COLUMNS,
    TXN_COLUMNS,
    insert_sql,
    money,
    transaction_row,
    utc_text,
)
from adapters.netsuite.sandbox.seed_story import InvoiceStory

if TYPE_CHECKING:
    import sqlite3

# (id, symbol, name, base?, rate to USD)
CURRENCIES: Final = (
    (1, "USD", "US Dollar", "T", Decimal("1.0000")),
    (2, "EUR", "Euro", "F", Decimal("1.0850")),
    (3, "GBP", "British pound", "F", Decimal("1.2700")),
    (4, "CAD", "Canadian Dollar", "F", Decimal("0.7400")),
)
SUBSIDIARIES: Final = (
    (1, "ARBridge Inc.", 1),
    (2, "ARBridge Europe B.V.", 2),
    (3, "ARBridge UK Ltd", 3),
)
TERMS: Final = (
    (1, "Net 15", 15),
    (2, "Net 30", 30),
    (3, "Net 45", 45),
    (4, "Net 60", 60),
)
CATEGORIES: Final = (
    (1, "Enterprise"),
    (2, "Mid-Market"),
    (3, "Small Business"),
)
# Customer n's category, by n % 10: one in ten has none. Taken from n, not from the
# random stream, so every other seeded value stays what it was before categories.
_CATEGORY_BY_DIGIT: Final = (None, 1, 2, 3, 3, 2, 3, 1, 3, 2)
_SUBSIDIARY_BY_CURRENCY: Final = {1: 1, 2: 2, 3: 3, 4: 1}
_RATE: Final = {c[0]: c[4] for c in CURRENCIES}
_TERM_DAYS: Final = {t[0]: t[2] for t in TERMS}
# fmt: off
_NAMES_A: Final = ("Acme", "Blue", "Cedar", "Delta", "Evergreen", "Falcon", "Granite",
                   "Harbor", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Nova")
_NAMES_B: Final = ("Logistics", "Foods", "Systems", "Textiles", "Builders", "Labs",
                   "Retail", "Marine", "Energy", "Media", "Pharma", "Motors")
# fmt: on
_SUFFIXES: Final = ("Inc.", "GmbH", "Ltd", "B.V.", "LLC", "S.A.")


@dataclass(frozen=True, slots=True)
class SeedCustomer:
    """What an invoice needs to know about its seeded customer."""

    id: int
    currency: int
    subsidiary: int
    terms: int
    term_days: int


@dataclass(slots=True)
class _Rows:
    customers: list[tuple[object, ...]] = field(default_factory=list)
    transactions: list[tuple[object, ...]] = field(default_factory=list)
    lines: list[tuple[object, ...]] = field(default_factory=list)
    links: list[tuple[object, ...]] = field(default_factory=list)
    deleted: list[tuple[object, ...]] = field(default_factory=list)


def seed_database(
    conn: sqlite3.Connection, *, seed: int, anchor: date, customers: int, invoices: int
) -> None:
    """Fill an empty schema with reproducible AR data ending before ``anchor``."""
    seeder = Seeder(random.Random(seed), anchor)
    seeder.customers(customers)
    seeder.invoices(invoices)
    rows = seeder.rows
    conn.executemany(
        insert_sql(
            "currency", ("id", "symbol", "name", "isbasecurrency", "exchangerate")
        ),
        [(*c[:4], str(c[4])) for c in CURRENCIES],
    )
    conn.executemany(insert_sql("subsidiary", ("id", "name", "currency")), SUBSIDIARIES)
    conn.executemany(insert_sql("term", ("id", "name", "daysuntilnetdue")), TERMS)
    conn.executemany(insert_sql("customercategory", ("id", "name")), CATEGORIES)
    conn.executemany(insert_sql("customer", CUSTOMER_COLUMNS), rows.customers)
    conn.executemany(insert_sql("transaction", TXN_COLUMNS), rows.transactions)
    conn.executemany(insert_sql("transactionline", LINE_COLUMNS), rows.lines)
    conn.executemany(insert_sql("NextTransactionLineLink", LINK_COLUMNS), rows.links)
    conn.executemany(insert_sql("DeletedRecord", DELETED_COLUMNS), rows.deleted)


def category_of(n: int) -> int | None:
    """The customer category id of the ``n``-th seeded customer (None: no category)."""
    return _CATEGORY_BY_DIGIT[n % 10]


class Seeder:
    """Builds all seed rows in memory; insertion happens once, with executemany."""

    def __init__(self, rng: random.Random, anchor: date) -> None:
        self.rng = rng
        self.anchor = anchor
        self.start = datetime.combine(anchor, time(0), UTC)
        # Nightly mass updates: many records end up sharing these exact seconds.
        self.bulk = sorted(
            self.start - timedelta(days=d, hours=-2) for d in (500, 300, 120, 45, 10, 1)
        )
        self.rows = _Rows()
        self.custs: list[SeedCustomer] = []
        self.next_txn = 10001

    def moment(self, day: date) -> datetime:
        """A business-hours moment on ``day``, never at or after the anchor."""
        day = min(day, self.anchor - timedelta(days=1))
        return datetime.combine(day, time(0), UTC) + timedelta(
            seconds=self.rng.randint(8 * 3600, 18 * 3600)
        )

    def touched(self, moment: datetime) -> str:
        """Last-modified text: ``moment``, or a later mass update a quarter of the time."""
        if self.rng.random() < 0.25:
            i = bisect.bisect_left(self.bulk, moment)
            if i < len(self.bulk):
                moment = self.bulk[i]
        return utc_text(moment)

    def customers(self, count: int) -> None:
        import_moment = self.start - timedelta(days=900, hours=-3)
        for n in range(1, count + 1):
            cid = 1000 + n
            currency = self.rng.choices((1, 2, 3, 4), weights=(5, 2, 2, 1))[0]
            terms = self.rng.randint(1, 4)
            subsidiary = _SUBSIDIARY_BY_CURRENCY[currency]
            cust = SeedCustomer(cid, currency, subsidiary, terms, _TERM_DAYS[terms])
            self.custs.append(cust)
            created = (
                import_moment
                if self.rng.random() < 0.4
                else self.moment(self.anchor - timedelta(self.rng.randint(30, 1000)))
            )
            self.rows.customers.append(self.customer_row(cust, n, created))

    def customer_row(
        self, cust: SeedCustomer, n: int, created: datetime
    ) -> tuple[object, ...]:
        rng = self.rng
        name = f"{rng.choice(_NAMES_A)} {rng.choice(_NAMES_B)} {rng.choice(_SUFFIXES)}"
        slug = name.split()[0].lower() + str(n)
        changed = (
            created
            if rng.random() < 0.5
            else max(created, self.moment(self.anchor - timedelta(rng.randint(1, 400))))
        )
        values = {
            "id": cust.id,
            "entityid": f"CUST{n:05d}",
            "companyname": name,
            "email": f"ap@{slug}.example" if rng.random() < 0.9 else None,
            "phone": f"+1-555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            "currency": cust.currency,
            "subsidiary": cust.subsidiary,
            "terms": cust.terms,
            "category": category_of(n),
            "creditlimit": money(Decimal(rng.randint(1, 40) * 5000)),
            "isinactive": "T" if rng.random() < 0.03 else "F",
            "externalid": f"CRM-{n:05d}" if rng.random() < 0.6 else None,
            "datecreated": utc_text(created),
            "lastmodifieddate": self.touched(changed),
            "custentity_arb_risk_score": rng.randint(0, 100)
            if rng.random() < 0.5
            else None,
        }
        return tuple(values.get(c) for c in CUSTOMER_COLUMNS)

    def take_id(self) -> int:
        self.next_txn += 1
        return self.next_txn - 1

    def invoices(self, count: int) -> None:
        for n in range(1, count + 1):
            InvoiceStory(self, self.rng.choice(self.custs), n).write()

    def add_transaction(self, cust: SeedCustomer, values: dict[str, object]) -> None:
        rate = _RATE[cust.currency]
        total = Decimal(str(values["foreigntotal"]))
        values = {
            "entity": cust.id,
            "currency": cust.currency,
            "exchangerate": str(rate),
            **values,
        }
        self.rows.transactions.append(transaction_row(values))
        base = money(total * rate)
        tid = values["id"]
        self.rows.lines.append(
            (tid, 0, "T", cust.subsidiary, cust.id, base, values["foreigntotal"], None)
        )
        if values["type"] != "CustPymt":
            self.rows.lines.append(
                (
                    tid,
                    1,
                    "F",
                    cust.subsidiary,
                    cust.id,
                    base,
                    values["foreigntotal"],
                    values.get("memo"),
                )
            )

    def link(self, invoice: int, doc: int, doc_type: str, amount: Decimal) -> None:
        self.rows.links.append(
            (invoice, 0, doc, 0, "Payment", "CustInvc", doc_type, money(amount))
        )

"""One seeded invoice's life: issued, maybe credited, paid in part or full, or voided."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from adapters.netsuite.sandbox.schema import CENT, money, utc_text

if TYPE_CHECKING:
    from adapters.netsuite.sandbox.seed import SeedCustomer, Seeder

_STEP: Final = timedelta(minutes=5)
_MEMOS: Final = (
    None,
    None,
    None,
    "PO 4471",
    "Q3 services",
    "Annual licence",
    "Freight",
)


def to_be_emailed(n: int) -> str:
    """The "To Be E-mailed" checkbox of the ``n``-th seeded invoice: 'T' for 3 in 5.

    Taken from ``n``, not from the random stream, so every other seeded value stays
    what it was before the checkbox was seeded.
    """
    return "T" if n % 5 < 3 else "F"


class InvoiceStory:
    """Write one invoice and the credit memo and payment rows that touched it."""

    def __init__(self, seeder: Seeder, cust: SeedCustomer, n: int) -> None:
        rng = seeder.rng
        self.s = seeder
        self.cust = cust
        self.n = n
        self.id = seeder.take_id()
        self.trandate = seeder.anchor - timedelta(days=rng.randint(1, 730))
        self.duedate = self.trandate + timedelta(days=cust.term_days)
        self.total = Decimal(rng.randint(5_000, 2_500_000)).scaleb(-2)
        self.open = self.total
        self.created = seeder.moment(self.trandate)
        self.changed = self.created
        self.extra: dict[str, object] = {}

    def write(self) -> None:
        """Decide this invoice's fate and append its rows to the seeder."""
        rng = self.s.rng
        if rng.random() < 0.003:
            self._deleted()
            return
        if rng.random() < 0.01:
            self._voided()
            return
        if rng.random() < 0.05:
            self._credit()
        self._pay()
        self._collection_fields()
        self.s.add_transaction(self.cust, self._values())

    def _later(self, days_after_trandate: int) -> datetime:
        # Events follow each other; the seeder keeps them before the anchor day.
        moment = self.s.moment(self.trandate + timedelta(days=days_after_trandate))
        return max(moment, self.changed + _STEP)

    def _values(self) -> dict[str, object]:
        rng = self.s.rng
        return {
            "id": self.id,
            "tranid": f"INV{self.n:06d}",
            "type": "CustInvc",
            "status": "B" if self.open == 0 else "A",
            "trandate": self.trandate.isoformat(),
            "duedate": self.duedate.isoformat(),
            "foreigntotal": money(self.total),
            "foreignamountpaid": money(self.total - self.open),
            "foreignamountunpaid": money(self.open),
            "memo": rng.choice(_MEMOS),
            "terms": self.cust.terms,
            "externalid": f"LEGACY-{self.n:06d}" if rng.random() < 0.2 else None,
            "createddate": utc_text(self.created),
            "lastmodifieddate": self.s.touched(self.changed),
            "tobeemailed": to_be_emailed(self.n),
            **self.extra,
        }

    def _deleted(self) -> None:
        moment = self._later(self.s.rng.randint(0, 10))
        name = f"INV{self.n:06d}"
        self.s.rows.deleted.append((self.id, "invoice", self.s.touched(moment), name))

    def _voided(self) -> None:
        self.changed = self._later(self.s.rng.randint(0, 20))
        self.open = Decimal(0)
        self.extra = {"status": "V", "voided": "T", "foreignamountpaid": "0.00"}
        self.s.add_transaction(self.cust, self._values())

    def _credit(self) -> None:
        rng = self.s.rng
        amount = (self.total * rng.choice((10, 20, 25, 50)) / 100).quantize(CENT)
        moment = self._later(rng.randint(1, 40))
        credit_id = self.s.take_id()
        applied = rng.random() < 0.5
        values: dict[str, object] = {
            "id": credit_id,
            "tranid": f"CM{self.n:06d}",
            "type": "CustCred",
            "status": "B" if applied else "A",
            "trandate": moment.date().isoformat(),
            "foreigntotal": money(amount),
            "foreignamountpaid": money(amount if applied else Decimal(0)),
            "foreignamountunpaid": money(Decimal(0) if applied else amount),
            "memo": f"Credit for INV{self.n:06d}",
            "createddate": utc_text(moment),
            "lastmodifieddate": self.s.touched(moment),
        }
        self.s.add_transaction(self.cust, values)
        if applied:
            self.s.link(self.id, credit_id, "CustCred", amount)
            self.open -= amount
            self.changed = moment

    def _pay(self) -> None:
        rng = self.s.rng
        overdue = (self.s.anchor - self.duedate).days
        p_full = 0.85 if overdue > 30 else 0.6 if overdue > 0 else 0.3
        roll = rng.random()
        if roll < p_full:
            amount = self.open
        elif roll < p_full + 0.1:
            amount = (self.open * rng.randint(20, 80) / 100).quantize(CENT)
        else:
            return
        if amount <= 0:
            return
        moment = self._later(rng.randint(0, self.cust.term_days + 60))
        unused = Decimal(rng.randint(1, 5000)).scaleb(-2) if rng.random() < 0.03 else 0
        self._payment_row(moment, amount, Decimal(unused))
        self.open -= amount
        self.changed = moment

    def _payment_row(self, moment: datetime, amount: Decimal, unused: Decimal) -> None:
        pay_id = self.s.take_id()
        values: dict[str, object] = {
            "id": pay_id,
            "tranid": f"PYMT{pay_id}",
            "type": "CustPymt",
            "status": "C",
            "trandate": moment.date().isoformat(),
            "foreigntotal": money(amount + unused),
            "foreignpaymentamountunused": money(unused),
            "externalid": f"BANK-{pay_id}" if self.s.rng.random() < 0.3 else None,
            "createddate": utc_text(moment),
            "lastmodifieddate": self.s.touched(moment),
        }
        self.s.add_transaction(self.cust, values)
        self.s.link(self.id, pay_id, "CustPymt", amount)

    def _collection_fields(self) -> None:
        rng = self.s.rng
        if self.open == 0 or self.duedate >= self.s.anchor:
            return
        if rng.random() < 0.4:
            self.extra["custbody_arb_dunning_level"] = rng.randint(1, 3)
            self.extra["custbody_arb_collection_status"] = "dunning"
        if rng.random() < 0.1:
            promise = self.s.anchor + timedelta(days=rng.randint(1, 30))
            self.extra["custbody_arb_promise_date"] = promise.isoformat()
        if rng.random() < 0.03:
            self.extra["custbody_arb_in_dispute"] = "T"
            self.extra["custbody_arb_collection_status"] = "disputed"

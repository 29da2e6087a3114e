"""How an invoice's open amount moves over time: the changes the KPIs add up.

The KPIs need an invoice's open amount as of many dates (the as-of date, the day
before the period, each month end of the trend) and, for days to pay, the date of
the last payment applied by a date. Both follow from the invoice and the dated
allocations of its posted payments (:mod:`rules.kpi_inputs`, module doc): the open
amount is 0 before the issue date and ``net - paid by d``, kept within
``[0, net]``, from it on. So it changes only on the issue date and on payment dates
after it. A :class:`Ledger` lists those changes: the open amount as of ``d`` is the
sum of the changes dated on or before ``d``, and the open amount after every payment
(``open_final``) the sum of them all. Receivables as of ``d`` are therefore today's
balances less the changes dated after ``d``, which is how the gateway computes them
without reading every invoice's payments again.

Amounts are integers in the mirror's scaled units (x10^4), as the KPI SQL sums them.
Out-of-range values are kept within ``[0, net]`` as that SQL always has (below 0 is
0, above ``net`` is ``net``): for a negative net amount this gives 0 where
:meth:`rules.kpi_inputs.InvoiceFact.open_as_of` gives the net amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Change:
    """What happened to one invoice on ``day``.

    ``open_delta``: change of the open amount; ``count_delta``: change (-1, 0 or 1)
    of "the open amount is above 0"; ``paid``: a posted payment dated that day was
    applied to the invoice (whether or not it changed the open amount).
    """

    day: date
    open_delta: int
    count_delta: int
    paid: bool


@dataclass(frozen=True, slots=True)
class Ledger:
    """An invoice's net amount and the changes of its open amount, oldest first.

    ``last_paid`` is the latest payment date (None: no dated payment) and
    ``last_event`` the latest of it and the issue date: from that day on the open
    amount is ``open_final``.
    """

    net: int
    open_final: int
    last_paid: date | None
    last_event: date
    changes: tuple[Change, ...]


def net_units(amount: int, open_now: int, paid_total: int) -> int:
    """The amount less the settlement no dated payment explains (never raised)."""
    undated = amount - open_now - paid_total
    return amount - undated if undated > 0 else amount


def open_units(net: int, paid: int) -> int:
    """``net - paid`` kept within ``[0, net]``: below 0 is 0, then above net is net."""
    value = net - paid
    if value < 0:
        return 0
    return net if value > net else value


def ledger(
    amount: int, open_now: int, issue: date, payments: Mapping[date, int]
) -> Ledger:
    """The ledger of one invoice.

    Args:
        amount: The invoice amount.
        open_now: Its open amount as the mirror has it now.
        issue: Its issue date.
        payments: Per payment date, the sum applied to it by posted payments.

    Returns:
        The net amount and the changes of the open amount (days where nothing
        changes and nothing was paid are left out).
    """
    net = net_units(amount, open_now, sum(payments.values()))
    days = sorted(payments)
    paid = sum(payments[d] for d in days if d <= issue)
    changes = [Change(d, 0, 0, paid=True) for d in days if d < issue]
    now = open_units(net, paid)
    if now or issue in payments:
        changes.append(Change(issue, now, int(now > 0), paid=issue in payments))
    for day in days:
        if day <= issue:
            continue
        paid += payments[day]
        after = open_units(net, paid)
        changes.append(Change(day, after - now, int(after > 0) - int(now > 0), True))
        now = after
    last_paid = days[-1] if days else None
    last_event = max(issue, last_paid) if last_paid else issue
    return Ledger(net, now, last_paid, last_event, tuple(changes))

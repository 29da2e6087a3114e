"""Setting customers' risk scores in batches, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from gateway.store.models import Customer
from gateway.store.risk_scores import customer_refs, live_risk_scores, set_risk_scores
from tests.outbox_support import add_customer, bind


def _seed(services, clock) -> list[int]:
    with services.uow() as uow:
        ids = [
            add_customer(uow.session, "ns", str(100 + n), at=clock.now())
            for n in range(5)
        ]
        uow.session.get_one(Customer, ids[4]).deleted = True
        bind(uow.session, "crm", "customer", "C-1", ids[0], clock.now())
        uow.commit()
    return ids


def _rows(services) -> dict[int, tuple]:
    with services.read_uow() as uow:
        rows = uow.session.execute(
            select(Customer.id, Customer.risk_score, Customer.updated_at)
        )
        return {cid: (score, at) for cid, score, at in rows}


def test_scores_are_set_batch_by_batch_and_deleted_customers_are_left_alone(
    services, clock
):
    ids = _seed(services, clock)
    created = clock.now()
    later = created + timedelta(hours=1)

    with services.uow() as uow:
        pairs = [(cid, 10 * n) for n, cid in enumerate(ids) if n != 2]
        set_risk_scores(uow.session, pairs, later, batch=2)
        uow.commit()

    rows = _rows(services)
    assert [rows[cid] for cid in ids] == [
        (0, later), (10, later), (None, created), (30, later), (None, created),
    ]  # fmt: skip


def test_live_scores_and_refs_of_the_customers(services, clock):
    ids = _seed(services, clock)

    with services.read_uow() as uow:
        live = live_risk_scores(uow.session)
        refs = customer_refs(uow.session, ids[:2])
        none = customer_refs(uow.session, [])

    assert live == dict.fromkeys(ids[:4])
    assert refs == {ids[0]: {"ns": "100", "crm": "C-1"}, ids[1]: {"ns": "101"}}
    assert none == {}

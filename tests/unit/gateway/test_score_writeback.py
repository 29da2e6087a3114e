"""A scoring run writes changed risk scores to the mirror, the audit log and the outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from gateway.services.scoring import load_config, score_all
from gateway.store.models import (
    AuditEntry,
    Customer,
    CustomerPriority,
    CustomerScore,
    Invoice,
    OutboxItem,
)
from gateway.store.sync_repo import SyncRepository
from tests.conftest import make_services
from tests.outbox_support import add_customer, add_invoice, bind, offline_netsuite

AS_OF = date(2026, 11, 20)
DEFAULT_RULES = Path(__file__).resolve().parents[3] / "rules/defaults/ownership.yaml"


@dataclass
class World:
    services: object
    clock: object
    ids: dict[str, int]


def _connections() -> dict:
    return {"ns": offline_netsuite("ns"), "crm": offline_netsuite("crm", role="crm")}


def _seed(services, clock) -> dict[str, int]:
    """Five customers with an overdue invoice each, bound to different systems."""
    now, ids = clock.now(), {}
    with services.uow() as uow:
        s = uow.session
        # in NetSuite (an ERP) and in the CRM
        ids["both"] = add_customer(s, "ns", "100", at=now)
        bind(s, "crm", "customer", "C-100", ids["both"], now)
        ids["local"] = add_customer(s, "ns", None, at=now)  # known to no system
        ids["crm_only"] = add_customer(s, "crm", "C-300", at=now)
        ids["unconfigured"] = add_customer(s, "old_erp", "400", at=now)
        ids["deleted"] = add_customer(s, "ns", "500", at=now, deleted=True)
        for n, cid in enumerate(ids.values()):
            add_invoice(
                s, "ns", f"9{n}", cid, at=now,
                issue_date=AS_OF - timedelta(days=90 + n),
                due_date=AS_OF - timedelta(days=60 + 10 * n),
            )  # fmt: skip
        uow.commit()
    return ids


@pytest.fixture
def world(database_url, clock):
    services = make_services(database_url, clock, connections=_connections())
    yield World(services, clock, _seed(services, clock))
    services.dispose()


def _score(world):
    return score_all(world.services, load_config(), AS_OF)


def _risk_scores(world) -> dict[int, int | None]:
    with world.services.read_uow() as uow:
        return dict(uow.session.execute(select(Customer.id, Customer.risk_score)).all())


def _totals(world) -> dict[int, int]:
    with world.services.read_uow() as uow:
        rows = uow.session.execute(
            select(CustomerScore.customer_id, CustomerScore.total).where(
                CustomerScore.as_of == AS_OF
            )
        )
        return dict(rows.all())


def _edits(world) -> list[AuditEntry]:
    with world.services.read_uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.tag == "gateway:customer:edit")
                .order_by(AuditEntry.id)
            )
        )


def _outbox(world) -> list[OutboxItem]:
    with world.services.read_uow() as uow:
        return list(uow.session.scalars(select(OutboxItem).order_by(OutboxItem.id)))


def _count(world, model) -> int:
    with world.services.read_uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_changed_scores_are_set_audited_and_queued_once_per_customer_and_erp(world):
    summary = _score(world)

    ids, totals, stored = world.ids, _totals(world), _risk_scores(world)
    live = [ids[k] for k in ("both", "local", "crm_only", "unconfigured")]
    assert summary.changed == len(live) == summary.scored
    assert {cid: stored[cid] for cid in live} == {cid: totals[cid] for cid in live}
    assert stored[ids["deleted"]] is None
    edits = _edits(world)
    assert [(e.local_id, e.field, e.old, e.new, e.rule, e.actor) for e in edits] == [
        (cid, "risk_score", None, str(totals[cid]), "owner:gateway", "scoring")
        for cid in sorted(live)
    ]
    # Only the ERP connection holding a customer gets a write; the CRM and an
    # unconfigured connection do not, nor a customer known to no system.
    [item] = _outbox(world)
    assert (item.connection, item.object_type, item.local_id, item.external_id) == (
        "ns", "customer", ids["both"], "100",
    )  # fmt: skip
    assert (item.operation, item.status, json.loads(item.fields)) == (
        "update", "pending", ["risk_score"],
    )  # fmt: skip
    assert item.idempotency_key == f"ns:customer:{ids['both']}:update:1"


def test_scoring_again_with_the_same_scores_writes_nothing(world):
    _score(world)
    audit, outbox = _count(world, AuditEntry), _count(world, OutboxItem)
    with world.services.read_uow() as uow:
        stamps = uow.session.execute(select(Customer.id, Customer.updated_at)).all()
    world.clock.advance(seconds=3600)

    again = _score(world)

    assert again.scored > 0
    assert again.changed == 0
    assert (_count(world, AuditEntry), _count(world, OutboxItem)) == (audit, outbox)
    with world.services.read_uow() as uow:
        after = uow.session.execute(select(Customer.id, Customer.updated_at)).all()
    assert after == stamps


def test_only_the_customer_whose_score_differs_is_written(world):
    _score(world)
    both = world.ids["both"]
    with world.services.uow() as uow:
        uow.session.get_one(Customer, both).risk_score = 101  # e.g. an old value
        uow.session.execute(delete(OutboxItem))
        uow.commit()
    edits = len(_edits(world))

    again = _score(world)

    assert again.changed == 1
    [edit] = _edits(world)[edits:]
    assert (edit.local_id, edit.old) == (both, "101")
    assert _risk_scores(world)[both] == _totals(world)[both]
    [item] = _outbox(world)
    assert (item.local_id, item.idempotency_key) == (
        both,
        f"ns:customer:{both}:update:1",
    )


def test_a_pending_write_of_the_customer_takes_the_score_too(world):
    both = world.ids["both"]
    with world.services.uow() as uow:
        SyncRepository(uow.session).enqueue_field_update(
            connection="ns", object_type="customer", local_id=both,
            external_id="100", fields=["collection_status"], at=world.clock.now(),
        )  # fmt: skip
        uow.commit()

    _score(world)

    [item] = _outbox(world)
    assert json.loads(item.fields) == ["collection_status", "risk_score"]


def _services_with(world, database_url, **settings):
    services = make_services(
        database_url, world.clock, connections=_connections(), **settings
    )
    return replace(world, services=services)


def _nothing_written(world) -> None:
    assert set(_risk_scores(world).values()) == {None}
    assert _edits(world) == []
    assert _outbox(world) == []


def test_nothing_is_written_when_the_ownership_rules_give_the_score_to_the_erp(
    world, database_url, tmp_path
):
    rules = DEFAULT_RULES.read_text(encoding="utf-8").replace(
        "risk_score: {owner: gateway,", "risk_score: {owner: erp,"
    )
    path = tmp_path / "ownership.yaml"
    path.write_text(rules, encoding="utf-8")
    erp_owned = _services_with(world, database_url, ownership_path=path)

    summary = _score(erp_owned)

    assert (summary.scored, summary.changed) == (4, 0)
    assert len(_totals(erp_owned)) == 4  # the scores themselves are stored
    _nothing_written(erp_owned)
    erp_owned.services.dispose()


def test_nothing_is_written_when_the_deployment_turned_it_off(world, database_url):
    off = _services_with(world, database_url, write_back_scores=False)

    summary = _score(off)

    assert (summary.scored, summary.changed) == (4, 0)
    _nothing_written(off)
    off.services.dispose()


def test_a_customer_who_paid_up_is_rescored_and_written_but_not_prioritized(world):
    _score(world)
    both = world.ids["both"]
    before = _risk_scores(world)[both]
    with world.services.uow() as uow:
        for invoice in uow.session.scalars(
            select(Invoice).where(Invoice.customer_id == both)
        ):
            invoice.open_amount, invoice.status = Decimal("0.00"), "paid"
        uow.session.execute(delete(OutboxItem))
        uow.commit()

    again = _score(world)

    assert before is not None
    assert again.changed == 1
    assert _risk_scores(world)[both] == _totals(world)[both] < before
    with world.services.read_uow() as uow:
        ranked = uow.session.scalars(select(CustomerPriority.customer_id)).all()
    assert both not in ranked  # nothing open: nothing to collect
    [item] = _outbox(world)
    assert (item.local_id, json.loads(item.fields)) == (both, ["risk_score"])

"""Risk scores reach the NetSuite customer record, and do not come back as changes."""

from __future__ import annotations

from sqlalchemy import func, select

from gateway.services.audit import verify
from gateway.services.outbox import drain
from gateway.services.scoring import load_config, score_all
from gateway.services.sync import sync_connection
from gateway.store.models import (
    AuditEntry,
    Conflict,
    Customer,
    ExternalRef,
    OutboxItem,
)
from tests.e2e.sync.conftest import CONNECTION


def _score(env):
    return score_all(env.services, load_config(), env.services.clock.now().date())


def _mirror_scores(env) -> dict[str, int | None]:
    """NetSuite id -> the mirror's risk_score, for the bound customers."""
    with env.services.read_uow() as uow:
        rows = uow.session.execute(
            select(ExternalRef.external_id, Customer.risk_score)
            .join(Customer, Customer.id == ExternalRef.local_id)
            .where(ExternalRef.object_type == "customer")
        )
        return dict(rows.all())


def _sandbox_scores(env) -> dict[str, int | None]:
    rows = env.sandbox.query("SELECT id, custentity_arb_risk_score AS s FROM customer")
    return {str(r["id"]): r["s"] for r in rows}


def _count(env, model, *where) -> int:
    with env.services.read_uow() as uow:
        query = select(func.count()).select_from(model)
        return uow.session.scalar(query.where(*where) if where else query)


def _outbox_statuses(env) -> dict[str, int]:
    with env.services.read_uow() as uow:
        rows = uow.session.execute(
            select(OutboxItem.status, func.count()).group_by(OutboxItem.status)
        )
        return dict(rows.all())


def test_scores_are_written_to_netsuite_and_the_next_sync_sees_no_change(env):
    sync_connection(env.services, CONNECTION)
    before = _sandbox_scores(env)

    summary = _score(env)
    sent = drain(env.services, "w1")

    assert summary.changed > 0
    assert (sent.sent, sent.dead, sent.waiting) == (summary.changed, 0, 0)
    assert _outbox_statuses(env) == {"done": summary.changed}
    mirror, remote = _mirror_scores(env), _sandbox_scores(env)
    assert remote == mirror
    assert sum(before[k] != remote[k] for k in remote) == summary.changed
    pushes = _count(env, AuditEntry, AuditEntry.tag == "netsuite:customer:push")
    assert pushes == summary.changed
    audit = _count(env, AuditEntry)

    again = sync_connection(env.services, CONNECTION)

    # Our writes moved the customers' lastmodifieddate: the sync reads them back,
    # finds each value equal to the shadow the worker updated, and changes nothing.
    assert again.counts.read >= summary.changed
    assert (again.counts.updated, again.counts.conflicts) == (0, 0)
    assert _count(env, Conflict) == 0
    assert _count(env, AuditEntry) == audit  # no pull, revert or flag entries
    assert _outbox_statuses(env) == {"done": summary.changed}
    assert _score(env).changed == 0
    assert _count(env, OutboxItem) == summary.changed
    assert _mirror_scores(env) == mirror
    assert verify(env.services).ok


def test_a_sync_before_the_worker_sends_keeps_the_new_scores(env):
    sync_connection(env.services, CONNECTION)
    summary = _score(env)
    scored = _mirror_scores(env)
    env.sandbox.update_record("customer", next(iter(scored)), phone="555-0100")

    between = sync_connection(env.services, CONNECTION)

    # NetSuite still shows the old scores, which its shadow already holds: no
    # change, no revert, no conflict; the pending writes go out unchanged.
    assert (between.counts.updated, between.counts.conflicts) == (1, 0)
    assert _mirror_scores(env) == scored
    assert _outbox_statuses(env) == {"pending": summary.changed}
    drain(env.services, "w1")
    assert _sandbox_scores(env) == scored

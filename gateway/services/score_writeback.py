"""Risk scores onto the customer record, so ERP users see them where they work.

Part of a scoring run, in its transaction: each live customer whose new total
differs from the mirror's ``risk_score`` gets it set, one audit entry and a
write-back to each ERP holding the customer (coalesced with a pending one; the
worker computes the payload from the mirror when it sends). An unchanged score
writes nothing, so scoring the same day twice sends nothing. Everything is done in
bulk: a run covers every customer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from gateway.audit.log import AuditLog, AuditRecord, encode_value
from gateway.audit.tags import Action, tag
from gateway.errors import ConfigError
from gateway.services.write_targets import erp_connections
from gateway.store import risk_scores
from gateway.store.sync_repo import SyncRepository
from rules.encoding import FIELD_ENCODERS
from rules.ownership import DecisionKind, FieldRule, decide_gateway_edit

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

log = logging.getLogger(__name__)

FIELD = "risk_score"
ACTOR = "scoring"
EDIT_TAG = tag("gateway", "customer", Action.EDIT)


def write_back_scores(
    services: Services, session: Session, totals: Mapping[int, int], now: datetime
) -> int:
    """Set, audit and queue the changed scores; returns how many customers changed.

    Nothing happens when the deployment turned it off (``write_back_scores``) or the
    ownership rules do not give ``customer.risk_score`` to the gateway.
    """
    if not services.settings.write_back_scores:
        return 0
    rule = services.ownership.rule_for("customer", FIELD)
    if decide_gateway_edit(rule=rule, value=None, current=None).kind == (
        DecisionKind.REJECTED
    ):
        log.info("risk scores not written back: customer.%s is %s's", FIELD, rule.owner)
        return 0
    current = risk_scores.live_risk_scores(session)
    changed, records = _changes(rule, totals, current)
    if not changed:
        return 0
    risk_scores.set_risk_scores(session, changed, now)
    AuditLog(session).append(records, now)
    _enqueue(services, session, [cid for cid, _ in changed], now)
    return len(changed)


def _changes(
    rule: FieldRule, totals: Mapping[int, int], current: Mapping[int, int | None]
) -> tuple[list[tuple[int, int]], list[AuditRecord]]:
    """The (customer, score) pairs to set and their audit entries, by customer id."""
    encode = FIELD_ENCODERS["customer"][FIELD]
    changed: list[tuple[int, int]] = []
    records: list[AuditRecord] = []
    for cid in sorted(totals):
        if cid not in current:
            continue  # deleted: its ERP record is gone
        old, new = encode(current[cid]), encode(totals[cid])
        decision = decide_gateway_edit(rule=rule, value=new, current=old)
        if decision.kind != DecisionKind.ACCEPT:
            continue  # the same score: nothing to record or send
        changed.append((cid, totals[cid]))
        records.append(
            AuditRecord(
                tag=EDIT_TAG,
                object_type="customer",
                field=FIELD,
                actor=ACTOR,
                local_id=cid,
                old=encode_value(old),
                new=encode_value(new),
                rule=decision.rule,
            )
        )
    return changed, records


def _enqueue(
    services: Services, session: Session, ids: Sequence[int], now: datetime
) -> None:
    """One write per customer and ERP connection whose mapping writes the score."""
    writers: dict[str, bool] = {}
    targets = []
    for cid, refs in risk_scores.customer_refs(session, ids).items():
        for connection, external_id in erp_connections(services, refs).items():
            if connection not in writers:
                writers[connection] = _writes_score(services, connection)
            if writers[connection]:
                targets.append((connection, cid, external_id))
    SyncRepository(session).enqueue_field_updates(
        object_type="customer", targets=targets, fields=[FIELD], at=now
    )


def _writes_score(services: Services, connection: str) -> bool:
    """Whether the connection's outbound mapping has a field for the score.

    A file-export ERP (csv) writes nothing back; queueing a row per customer for it
    every day would only fill the outbox with no-ops.
    """
    try:
        mapping = services.mapping(services.settings.connection(connection))
    except ConfigError:
        return True  # the worker reports the broken mapping on the row, for the admin
    return FIELD in mapping.outbound_fields("customer")

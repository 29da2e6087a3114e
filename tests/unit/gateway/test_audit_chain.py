from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, update

from gateway.audit.log import GENESIS, AuditLog, AuditRecord, entry_hash
from gateway.audit.verify import verify_chain
from gateway.store.models import AuditEntry

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _record(n: int) -> AuditRecord:
    return AuditRecord(
        tag="netsuite:invoice:pull",
        object_type="invoice",
        field="memo",
        actor="sync:ns",
        connection="ns",
        external_id=str(n),
        local_id=n,
        old=f"a{n}",
        new=f"b{n}",
        rule="owner:erp",
        run_id=1,
    )


def _values(**overrides):
    values = {
        "at": AT,
        "tag": "t",
        "connection": "c",
        "direction": "in",
        "object_type": "invoice",
        "external_id": "1",
        "local_id": 1,
        "field": "memo",
        "old": "a",
        "new": "b",
        "rule": "r",
        "actor": "x",
        "run_id": 1,
    }
    values.update(overrides)
    return values


def test_entry_hash_depends_on_every_field_and_the_previous_hash():
    base = entry_hash(GENESIS, _values())
    assert base == entry_hash(GENESIS, _values())
    assert entry_hash("f" * 64, _values()) != base
    for name, value in [
        ("new", "c"),
        ("field", "due"),
        ("actor", "y"),
        ("run_id", 2),
        ("at", datetime(2026, 11, 20, 9, 31, tzinfo=UTC)),
    ]:
        assert entry_hash(GENESIS, _values(**{name: value})) != base, name


@pytest.fixture
def chained(services):
    with services.uow() as uow:
        log = AuditLog(uow.session)
        log.append([_record(n) for n in range(1, 4)], AT)
        log.append([_record(n) for n in range(4, 6)], AT)
        uow.commit()
    return services


def test_an_intact_chain_verifies(chained):
    with chained.read_uow() as uow:
        result = verify_chain(uow.session, batch=2)
    assert result.ok
    assert result.entries == 5


def test_an_altered_entry_is_named(chained):
    with chained.uow() as uow:
        uow.session.execute(
            update(AuditEntry).where(AuditEntry.id == 3).values(new="forged")
        )
        uow.commit()
    with chained.read_uow() as uow:
        result = verify_chain(uow.session, batch=2)
    assert not result.ok
    assert result.broken_id == 3
    assert "altered" in result.reason


def test_a_removed_entry_breaks_the_next_one(chained):
    with chained.uow() as uow:
        uow.session.execute(delete(AuditEntry).where(AuditEntry.id == 2))
        uow.commit()
    with chained.read_uow() as uow:
        result = verify_chain(uow.session)
    assert (result.ok, result.broken_id) == (False, 3)
    assert "removed" in result.reason

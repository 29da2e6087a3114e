"""Connection settings per kind: the csv kind takes its own keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gateway.errors import ConfigError
from gateway.settings import KNOWN_KINDS, parse_connection

if TYPE_CHECKING:
    from collections.abc import Mapping


def _parse(body: Mapping[str, object]):
    return parse_connection("files", dict(body), {}, source="connections.yaml")


def test_csv_and_netsuite_are_known_kinds() -> None:
    assert {"csv", "netsuite"} <= KNOWN_KINDS


def test_a_csv_connection_keeps_its_file_settings_and_the_common_ones() -> None:
    conn = _parse(
        {
            "kind": "csv",
            "path": "exports/",
            "delimiter": ";",
            "invoices_key": "DocNo",
            "mapping": "my.yaml",
            "page_size": 500,
        }
    )

    assert conn.adapter_settings() == {
        "path": "exports/",
        "delimiter": ";",
        "invoices_key": "DocNo",
    }
    assert (conn.mapping, conn.page_size) == ("my.yaml", 500)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "csv", "mapping": "m.yaml"}, "missing setting"),
        ({"kind": "csv", "path": "x"}, r"files\.mapping: a csv connection needs"),
        (
            {"kind": "csv", "path": "x", "mapping": "m.yaml", "account": "1"},
            r"files\.account: unknown",
        ),
        ({"kind": "netsuite", "path": "x"}, r"files\.path: unknown"),
    ],
)
def test_each_kind_refuses_the_other_kinds_keys(
    body: Mapping[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        _parse(body)

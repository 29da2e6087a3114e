"""Building a csv adapter from a connection's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from adapters import load_factory
from adapters.csv import create_adapter
from adapters.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path


def test_csv_kind_loads_its_factory() -> None:
    assert load_factory("csv") is create_adapter


def test_a_folder_gives_one_default_file_per_stream(tmp_path: Path) -> None:
    adapter = create_adapter("files", {"path": str(tmp_path)})

    assert [(s.name, s.object_type) for s in adapter.streams()] == [
        ("customers", "customer"),
        ("invoices", "invoice"),
        ("payments", "payment"),
    ]
    assert [f.path.name for f in adapter.files] == [
        "customers.csv",
        "invoices.csv",
        "payments.csv",
    ]
    assert not any(f.required for f in adapter.files)


def test_one_file_is_read_by_every_stream_with_its_own_key(tmp_path: Path) -> None:
    export = tmp_path / "ar.csv"
    export.write_text("a\n")

    adapter = create_adapter("ar", {"path": str(export), "customers_key": "cust"})

    assert {f.path for f in adapter.files} == {export}
    assert [f.key for f in adapter.files] == ["cust", "id", "id"]
    assert [s.key_field for s in adapter.streams()] == ["cust", "id", "id"]


def test_the_factory_accepts_what_the_gateway_injects(tmp_path: Path) -> None:
    adapter = create_adapter("files", {"path": str(tmp_path)}, retry_policy=object())

    assert adapter.kind == "csv"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "missing setting path"),
        ({"path": "x", "account": "1"}, "unknown setting"),
        ({"path": "x", "delimiter": ";;"}, "one character"),
        ({"path": "x", "encoding": "klingon-8"}, "unknown encoding"),
        ({"path": "x", "payments_invoice_column": "inv"}, "go together"),
        ({"path": "x", "invoices_key": ""}, "must be text"),
    ],
)
def test_bad_settings_are_refused_with_the_key_named(
    settings: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        create_adapter("files", settings)

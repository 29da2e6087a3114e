from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import adapters
from adapters import ADAPTER_KINDS, load_factory
from adapters.errors import ConfigError
from adapters.netsuite import create_adapter


def test_netsuite_kind_loads_its_factory() -> None:
    assert load_factory("netsuite") is create_adapter


def test_unknown_kind_lists_known_kinds() -> None:
    with pytest.raises(ConfigError, match="netsuite") as info:
        load_factory("sap-r2")
    assert "sap-r2" in info.value.message


def test_every_registered_kind_resolves() -> None:
    for kind in ADAPTER_KINDS:
        assert callable(load_factory(kind))


def test_importing_adapters_imports_no_vendor_library() -> None:
    code = (
        "import sys, adapters; "
        "print(sorted({'requests', 'tenacity'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(adapters.__file__).parents[1],
    )
    assert out.stdout.strip() == "[]"

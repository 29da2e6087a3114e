"""``mappings`` stays pure: stdlib, yaml, marshmallow and rules.canonical only; no I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import mappings

PACKAGE = Path(mappings.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))
ALLOWED_THIRD_PARTY = {"yaml", "marshmallow"}
ALLOWED_PROJECT = {"rules.canonical"}
FORBIDDEN_CALLS = {"open", "eval", "exec", "compile", "__import__", "input"}


def imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_package_has_modules_to_check() -> None:
    assert {p.name for p in MODULES} >= {"spec.py", "compiler.py", "transforms.py"}


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_imports_only_what_a_pure_package_may(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    bad = {
        name
        for name in imported_modules(tree)
        if name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] not in ALLOWED_THIRD_PARTY
        and name not in ALLOWED_PROJECT
        and name.split(".")[0] != "mappings"
    }
    assert bad == set()


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_reads_no_files_and_evaluates_no_code(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert calls & FORBIDDEN_CALLS == set()


def test_package_resolves_inside_this_repository() -> None:
    # PyPI has no `mappings` clash today, but the import name is generic: be sure.
    assert PACKAGE.parent == Path(__file__).resolve().parents[3]

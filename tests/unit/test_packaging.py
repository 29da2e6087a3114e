"""Guards on how the project is installed and layered."""

from __future__ import annotations

from pathlib import Path

import adapters
import gateway
import mappings
import rules
import ui
from gateway.store.db import make_engine
from gateway.store.migrate import check, upgrade

ROOT = Path(__file__).resolve().parents[2]


def test_top_level_packages_are_ours_not_pypi_namesakes():
    # PyPI has unrelated packages called `adapters` and `rules`.
    for package in (adapters, gateway, mappings, rules, ui):
        assert Path(package.__file__).resolve().is_relative_to(ROOT), package.__name__


def test_migrations_build_exactly_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/schema.db")
    upgrade(engine)
    check(engine)  # raises if a model changed without a migration
    engine.dispose()

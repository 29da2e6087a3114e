"""Composition root: settings -> engines, sessions, clock, adapters, mappings, rules."""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from adapters import load_factory
from adapters.errors import AdapterError
from adapters.retry import RetryPolicy
from gateway.clock import Clock, SystemClock
from gateway.errors import ConfigError
from gateway.store.db import make_engine, make_session_factory
from gateway.store.uow import UnitOfWork
from mappings import load_mapping
from mappings.errors import MappingFileError
from rules.loaders import RuleFileError, load_ownership_yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from sqlalchemy import Engine

    from adapters.base import SourceAdapter
    from gateway.settings import ConnectionSettings, Settings
    from mappings.compiler import CompiledMapping
    from rules.ownership import OwnershipRules


T = TypeVar("T")


def _default_text(package: str, name: str) -> tuple[str, str]:
    resource = importlib.resources.files(package).joinpath("defaults", name)
    return resource.read_text(encoding="utf-8"), f"{package}/defaults/{name}"


@dataclass
class Services:
    """Everything built once per process and handed to services, queries and views."""

    settings: Settings
    engine: Engine
    read_engine: Engine
    clock: Clock = field(default_factory=SystemClock)
    _adapters: dict[str, Any] = field(default_factory=dict)
    _mappings: dict[str, Any] = field(default_factory=dict)
    _rules: Any = None
    _cache: dict[Hashable, Any] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        """A unit of work for writes."""
        return UnitOfWork(make_session_factory(self.engine))

    def read_uow(self) -> UnitOfWork:
        """A unit of work for reads; on SQLite it never takes the write lock."""
        return UnitOfWork(make_session_factory(self.read_engine))

    def adapter(self, name: str) -> SourceAdapter:
        if name not in self._adapters:
            connection = self.settings.connection(name)
            try:
                factory = load_factory(connection.kind)
                policy = RetryPolicy(max_attempts=connection.retry_attempts)
                self._adapters[name] = factory(
                    name, connection.adapter_settings(), retry_policy=policy
                )
            except AdapterError as exc:
                raise ConfigError(f"connection {name}: {exc.message}") from exc
        return self._adapters[name]  # type: ignore[no-any-return]

    def cached(self, key: Hashable, load: Callable[[], T]) -> T:
        """``load()`` once per process for ``key``: for values that never change once
        written (a stored prediction model version, say)."""
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]  # type: ignore[no-any-return]

    def set_adapter(self, name: str, adapter: object) -> None:
        """Use a ready-made adapter for a connection (tests, the demo)."""
        self._adapters[name] = adapter

    def mapping(self, connection: ConnectionSettings) -> CompiledMapping:
        key = connection.mapping or connection.kind
        if key not in self._mappings:
            if connection.mapping:
                path = Path(connection.mapping)
                text, source = _read(path), str(path)
            else:
                text, source = _default_text("mappings", f"{connection.kind}.yaml")
            try:
                self._mappings[key] = load_mapping(text, source)
            except MappingFileError as exc:
                raise ConfigError(str(exc)) from exc
        return self._mappings[key]  # type: ignore[no-any-return]

    @property
    def ownership(self) -> OwnershipRules:
        if self._rules is None:
            path = self.settings.ownership_path
            if path is not None:
                text, source = _read(path), str(path)
            else:
                text, source = _default_text("rules", "ownership.yaml")
            try:
                self._rules = load_ownership_yaml(text, source)
            except RuleFileError as exc:
                raise ConfigError(str(exc)) from exc
        return self._rules  # type: ignore[no-any-return]

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """Wire the process; nothing is built at import time."""
    url = settings.database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url, writer=True)
    read_engine = make_engine(url, writer=False) if url.startswith("sqlite") else engine
    return Services(
        settings=settings,
        engine=engine,
        read_engine=read_engine,
        clock=clock or SystemClock(),
    )

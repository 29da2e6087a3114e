"""Remote-system adapters and the registry that finds their factories by kind.

Factories are imported lazily, so importing ``adapters`` pulls in no vendor SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Final, cast

from adapters.errors import ConfigError

#: Adapter kind -> ``"module:factory"``. Each factory is called as
#: ``factory(name, settings, **injected)`` and returns an adapter.
ADAPTER_KINDS: Final[Mapping[str, str]] = {
    "netsuite": "adapters.netsuite:create_adapter",
    "csv": "adapters.csv:create_adapter",
}

# Each factory's own signature is its contract; the registry only finds it.
AdapterFactory = Callable[..., Any]


def load_factory(kind: str) -> AdapterFactory:
    """Import and return the factory for an adapter kind.

    Args:
        kind: An adapter kind, e.g. ``"netsuite"``.

    Raises:
        ConfigError: The kind is unknown (the message lists the known ones) or its
            module cannot be imported.
    """
    target = ADAPTER_KINDS.get(kind)
    if target is None:
        known = ", ".join(sorted(ADAPTER_KINDS))
        raise ConfigError(
            "adapters", "load", f"unknown adapter kind {kind!r}; known: {known}"
        )
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(kind, "load", f"cannot import {module_name}: {exc}") from exc
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise ConfigError(kind, "load", f"{target} is not a factory")
    return cast(AdapterFactory, factory)

"""Settings, read once from the environment and the connections file into frozen objects.

``os.environ`` is read here and nowhere else. Secrets are wrapped in :class:`Secret` so
that a repr, a log line or an error message never shows them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

import yaml

from gateway.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///var/arbridge.db"
SECRET_KEYS = frozenset(
    {"consumer_secret", "token_secret", "password", "client_secret"}
)
_ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
CSV_STREAMS = ("customers", "invoices", "payments")
ROLES = frozenset({"erp", "crm"})
# Per connection kind: (required settings, optional settings) besides COMMON_KEYS.
KIND_KEYS: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "netsuite": (
        frozenset(
            {"account", "consumer_key", "consumer_secret", "token_id", "token_secret"}
        ),
        frozenset({"base_url"}),
    ),
    "csv": (
        frozenset({"path"}),
        frozenset(
            {"delimiter", "encoding", "modified_column", "modified_format"}
            | {f"{s}_{o}" for s in CSV_STREAMS for o in ("file", "key", "require")}
            | {"payments_invoice_column", "payments_amount_column"}
        ),
    ),
}
KNOWN_KINDS = frozenset(KIND_KEYS)
# File exports have no standard columns, so no default mapping can be shipped.
KINDS_WITHOUT_DEFAULT_MAPPING = frozenset({"csv"})
COMMON_KEYS = frozenset(
    {
        "kind",
        "role",
        "page_size",
        "overlap_seconds",
        "mapping",
        "retry_attempts",
        "schedule",
    }
)


class Secret:
    """A string that never prints itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class ConnectionSettings:
    """One remote system: its kind, its role and its own settings (secrets wrapped)."""

    name: str
    kind: str
    role: str
    options: Mapping[str, str | Secret]
    page_size: int = 1000
    overlap_seconds: int = 120
    mapping: str | None = None
    retry_attempts: int = 5
    # `arbridge worker` syncs on it: seconds between runs, or a 5-field cron line.
    schedule: str | None = None

    def adapter_settings(self) -> dict[str, str]:
        """The system's own settings with secrets revealed, for the adapter only."""
        return {
            key: value.reveal() if isinstance(value, Secret) else value
            for key, value in self.options.items()
        }


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    connections_path: Path = Path("connections.yaml")
    secret_key: Secret = field(default_factory=lambda: Secret("dev-only-not-secret"))
    connections: Mapping[str, ConnectionSettings] = field(default_factory=dict)
    ownership_path: Path | None = None
    testing: bool = False
    base_currency: str = "USD"  # KPIs are reported in it (FX from the mirror)
    # When `arbridge worker` runs the daily collections jobs (UTC).
    daily_at: time = time(2, 0)
    # A scoring run sets customers' risk_score and writes the changes to their ERPs.
    write_back_scores: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``ARBRIDGE_*`` variables and the connections file."""
        env = os.environ if env is None else env
        path = Path(env.get("ARBRIDGE_CONNECTIONS", "connections.yaml"))
        connections = load_connections(path, env) if path.exists() else {}
        ownership = env.get("ARBRIDGE_OWNERSHIP_RULES")
        return cls(
            database_url=env.get("ARBRIDGE_DATABASE_URL", DEFAULT_DATABASE_URL),
            connections_path=path,
            secret_key=Secret(env.get("ARBRIDGE_SECRET_KEY", "dev-only-not-secret")),
            connections=connections,
            ownership_path=Path(ownership) if ownership else None,
            base_currency=base_currency(env),
            daily_at=daily_at(env),
            write_back_scores=flag(env, "ARBRIDGE_WRITE_BACK_SCORES", default=True),
        )

    def connection(self, name: str) -> ConnectionSettings:
        from gateway.errors import UnknownConnection

        try:
            return self.connections[name]
        except KeyError:
            known = ", ".join(sorted(self.connections)) or "none"
            msg = (
                f"unknown connection {name!r} in {self.connections_path} "
                f"(known: {known})"
            )
            raise UnknownConnection(msg) from None


def load_connections(
    path: Path, env: Mapping[str, str]
) -> dict[str, ConnectionSettings]:
    """Read and validate the connections YAML file."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        msg = f"{path}: cannot read connections file: {exc}"
        raise ConfigError(msg) from exc
    if not isinstance(doc, dict):
        msg = f"{path}: expected a mapping of connection name to settings"
        raise ConfigError(msg)
    return {
        str(name): parse_connection(str(name), body, env, source=str(path))
        for name, body in doc.items()
    }


def parse_connection(
    name: str, body: object, env: Mapping[str, str], *, source: str
) -> ConnectionSettings:
    """Validate one connection's settings; errors name the file, connection and key."""
    where = f"{source}: {name}"
    if not isinstance(body, dict):
        msg = f"{where}: expected a mapping of settings"
        raise ConfigError(msg)
    kind = body.get("kind")
    if kind not in KNOWN_KINDS:
        msg = f"{where}.kind: {kind!r} is not one of {sorted(KNOWN_KINDS)}"
        raise ConfigError(msg)
    role = body.get("role", "erp")
    if role not in ROLES:
        msg = f"{where}.role: {role!r} is not one of {sorted(ROLES)}"
        raise ConfigError(msg)
    options = _system_options(where, kind, body, env)
    if kind in KINDS_WITHOUT_DEFAULT_MAPPING and not body.get("mapping"):
        msg = f"{where}.mapping: a {kind} connection needs a mapping file (no default)"
        raise ConfigError(msg)
    return ConnectionSettings(
        name=name,
        kind=kind,
        role=role,
        options=options,
        page_size=_int_option(where, body, "page_size", 1000, 1, 1000),
        overlap_seconds=_int_option(where, body, "overlap_seconds", 120, 0, 86400),
        mapping=str(body["mapping"]) if body.get("mapping") else None,
        retry_attempts=_int_option(where, body, "retry_attempts", 5, 1, 20),
        schedule=_schedule(where, body.get("schedule")),
    )


def _schedule(where: str, value: object) -> str | None:
    """Interval seconds (a whole number >= 10) or a cron line; checked in full by
    the worker's scheduler, which alone knows cron syntax."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 10:
            msg = f"{where}.schedule: an interval must be at least 10 seconds"
            raise ConfigError(msg)
        return str(value)
    if isinstance(value, str) and len(value.split()) == 5:
        return value
    msg = f"{where}.schedule: expected seconds (e.g. 300) or a cron line (e.g. '*/15 * * * *')"
    raise ConfigError(msg)


def _system_options(
    where: str, kind: str, body: Mapping[str, object], env: Mapping[str, str]
) -> dict[str, str | Secret]:
    required, optional = KIND_KEYS[kind]
    allowed = required | optional
    options: dict[str, str | Secret] = {}
    for key, raw in body.items():
        if key in COMMON_KEYS:
            continue
        if key not in allowed:
            msg = f"{where}.{key}: unknown setting (expected {sorted(allowed)})"
            raise ConfigError(msg)
        value = _resolve_env(where, key, raw, env)
        options[key] = Secret(value) if key in SECRET_KEYS else value
    missing = sorted(required - options.keys())
    if missing:
        msg = f"{where}: missing setting(s) {', '.join(missing)}"
        raise ConfigError(msg)
    return options


def _resolve_env(where: str, key: str, raw: object, env: Mapping[str, str]) -> str:
    if not isinstance(raw, str | int):
        msg = f"{where}.{key}: expected a string"
        raise ConfigError(msg)
    text = str(raw)
    match = _ENV_REF.match(text)
    if not match:
        return text
    if match.group(1) not in env:
        msg = f"{where}.{key}: environment variable {match.group(1)} is not set"
        raise ConfigError(msg)
    return env[match.group(1)]


def _int_option(
    where: str, body: Mapping[str, object], key: str, default: int, low: int, high: int
) -> int:
    value = body.get(key, default)
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not low <= value <= high
    ):
        msg = f"{where}.{key}: expected a whole number from {low} to {high}"
        raise ConfigError(msg)
    return value


def base_currency(env: Mapping[str, str]) -> str:
    """``ARBRIDGE_BASE_CURRENCY`` (default USD), a three-letter ISO code."""
    code = env.get("ARBRIDGE_BASE_CURRENCY", "USD").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        msg = f"ARBRIDGE_BASE_CURRENCY: {code!r} is not a three-letter currency code"
        raise ConfigError(msg)
    return code


def daily_at(env: Mapping[str, str]) -> time:
    """``ARBRIDGE_DAILY_AT`` (default 02:00), a UTC time of day as HH:MM."""
    raw = env.get("ARBRIDGE_DAILY_AT", "02:00").strip()
    if re.fullmatch(r"\d{1,2}:\d{2}", raw):
        hour, minute = (int(part) for part in raw.split(":"))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    msg = f"ARBRIDGE_DAILY_AT: {raw!r} is not a time of day as HH:MM (UTC)"
    raise ConfigError(msg)


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off (any case); unset: default."""
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    msg = f"{name}: {raw!r} is not one of true/false, yes/no, on/off, 1/0"
    raise ConfigError(msg)

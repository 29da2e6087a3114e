from __future__ import annotations

import pytest

from adapters.errors import ConfigError
from adapters.netsuite import create_adapter
from adapters.netsuite.adapter import NetSuiteAdapter
from adapters.retry import RetryPolicy

SETTINGS: dict[str, object] = {
    "account": "1234567_SB1",
    "consumer_key": "ck",
    "consumer_secret": "hunter2-consumer",
    "token_id": "tid",
    "token_secret": "hunter2-token",
}


def test_builds_an_adapter_from_exactly_the_known_settings() -> None:
    adapter = create_adapter(
        "ns",
        {**SETTINGS, "base_url": "http://127.0.0.1:1"},
        retry_policy=RetryPolicy.immediate(),
    )
    assert isinstance(adapter, NetSuiteAdapter)
    adapter.close()


@pytest.mark.parametrize("key", list(SETTINGS))
def test_a_missing_setting_is_named(key: str) -> None:
    settings = {k: v for k, v in SETTINGS.items() if k != key}
    with pytest.raises(ConfigError, match=key):
        create_adapter("ns", settings)


def test_an_unknown_setting_is_named_but_its_value_is_not_echoed() -> None:
    with pytest.raises(ConfigError, match="password") as info:
        create_adapter("ns", {**SETTINGS, "password": "hunter2-extra"})
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize("value", ["", "  ", 42, None])
def test_a_secret_that_is_not_text_is_named_but_not_echoed(value: object) -> None:
    with pytest.raises(ConfigError, match="token_secret") as info:
        create_adapter("ns", {**SETTINGS, "token_secret": value})
    assert "42" not in str(info.value)


def test_a_malformed_account_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="account"):
        create_adapter("ns", {**SETTINGS, "account": "evil.example.com/"})

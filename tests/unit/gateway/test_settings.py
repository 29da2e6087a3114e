from __future__ import annotations

import pytest

from gateway.errors import ConfigError
from gateway.settings import Secret, Settings

GOOD = """
netsuite:
  kind: netsuite
  role: erp
  account: 1234567_SB1
  consumer_key: ck
  consumer_secret: ${NS_CONSUMER_SECRET}
  token_id: tid
  token_secret: plain-token-secret
  base_url: http://127.0.0.1:8100
"""


def _load(tmp_path, text, env=None):
    path = tmp_path / "connections.yaml"
    path.write_text(text)
    return Settings.from_env({"ARBRIDGE_CONNECTIONS": str(path), **(env or {})})


def test_connections_resolve_env_secrets_and_hide_them(tmp_path):
    settings = _load(tmp_path, GOOD, {"NS_CONSUMER_SECRET": "s3cr3t-value"})
    conn = settings.connection("netsuite")
    assert conn.adapter_settings()["consumer_secret"] == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(conn)
    assert "plain-token-secret" not in repr(conn)
    assert repr(conn.options["token_secret"]) == "Secret('***')"


def test_a_missing_env_variable_is_named(tmp_path):
    with pytest.raises(ConfigError, match="NS_CONSUMER_SECRET is not set"):
        _load(tmp_path, GOOD)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("kind: netsuite", "kind: sap"), r"netsuite.kind: 'sap' is not one of"),
        (("role: erp", "role: bank"), r"netsuite.role: 'bank'"),
        (("  token_id: tid\n", ""), r"missing setting\(s\) token_id"),
        (
            ("  role: erp\n", "  role: erp\n  colour: blue\n"),
            r"netsuite.colour: unknown setting",
        ),
    ],
)
def test_bad_connection_settings_name_the_connection_and_key(tmp_path, edit, message):
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, GOOD.replace(*edit), {"NS_CONSUMER_SECRET": "x"})


def test_unknown_connection_lists_the_known_ones(tmp_path):
    settings = _load(tmp_path, GOOD, {"NS_CONSUMER_SECRET": "x"})
    with pytest.raises(ConfigError, match=r"unknown connection 'sap'.*known: netsuite"):
        settings.connection("sap")


def test_secret_never_prints():
    secret = Secret("hunter2")
    assert "hunter2" not in f"{secret} {secret!r}"
    assert secret.reveal() == "hunter2"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, True), ("", True), ("true", True), ("Yes", True), ("1", True),
     ("false", False), ("OFF", False), ("no", False), (" 0 ", False)],
)  # fmt: skip
def test_score_write_back_is_on_unless_the_deployment_turns_it_off(raw, expected):
    env = {} if raw is None else {"ARBRIDGE_WRITE_BACK_SCORES": raw}

    assert Settings.from_env(env).write_back_scores is expected


def test_a_bad_score_write_back_flag_is_named():
    with pytest.raises(ConfigError, match=r"ARBRIDGE_WRITE_BACK_SCORES: 'maybe'"):
        Settings.from_env({"ARBRIDGE_WRITE_BACK_SCORES": "maybe"})

"""``arbridge demo``: the NetSuite sandbox, a fresh SQLite mirror under ./var, the web app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from adapters.netsuite.sandbox import NetSuiteSandbox
from gateway.bootstrap import build_services
from gateway.settings import Settings, parse_connection

if TYPE_CHECKING:
    from gateway.bootstrap import Services
    from gateway.services.sync import Progress

DEMO_DIR = Path("var")
# Illustrative rates to USD (the demo's base currency), so the KPIs cover every
# currency the sandbox uses; a real installation sets its own with `arbridge fx set`.
# The model learns from invoices settled before today - 90 days and is tested on
# those issued since.
DEMO_MODEL_HOLDOUT_DAYS = 90
DEMO_FX = (("EUR", "1.08"), ("GBP", "1.27"), ("CAD", "0.73"))
DEMO_USERS = (
    ("admin", "admin", "admin-demo-pw"),
    ("collector", "collector", "collector-demo-pw"),
    ("auditor", "auditor", "auditor-demo-pw"),
)


def _write_connections(sandbox: NetSuiteSandbox, base_url: str) -> Path:
    """Write the demo connection so `arbridge sync netsuite` works beside the demo.

    The credentials are the sandbox's own, not secrets of any real account.
    """
    creds = sandbox.credentials
    doc = {
        "netsuite": {
            "kind": "netsuite",
            "role": "erp",
            "account": sandbox.account,
            "consumer_key": creds.consumer_key,
            "consumer_secret": creds.consumer_secret,
            "token_id": creds.token_id,
            "token_secret": creds.token_secret,
            "base_url": base_url,
        }
    }
    path = DEMO_DIR / "demo-connections.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _first_sync_and_scores(
    services: Services,
    echo: Callable[[str], None],
    progress: Callable[[Progress], None] | None,
) -> None:
    """Mirror the sandbox, then score it so the worklist opens prioritized."""
    from gateway.services.fx import set_rate
    from gateway.services.scoring import load_config, score_all
    from gateway.services.sync import sync_connection

    summary = sync_connection(services, "netsuite", progress=progress)
    if progress:
        echo("")
    c = summary.counts
    echo(
        f"initial sync: {c.created} records mirrored in {summary.seconds:.1f}s "
        f"({summary.pages} pages, {c.rejected} rejected)"
    )
    if services.settings.base_currency == "USD":
        for currency, rate in DEMO_FX:
            set_rate(services, currency, rate)
    _train_model(services, echo)
    scored = score_all(services, load_config(None, None), services.clock.now().date())
    echo(
        f"scored {scored.scored} customers, {scored.prioritized} on the worklist "
        "(`arbridge score` recomputes)"
    )


def _train_model(services: Services, echo: Callable[[str], None]) -> None:
    """Train a payment-prediction model on the mirrored history, so the scores and
    the account view carry predictions (as `arbridge model train` would)."""
    from gateway.services.prediction import PredictionError, train_model

    cutoff = services.clock.now().date() - timedelta(days=DEMO_MODEL_HOLDOUT_DAYS)
    try:
        report = train_model(services, cutoff)
    except PredictionError as exc:
        echo(f"no prediction model: {exc}")
        return
    accuracy = report.metrics.get("accuracy")
    tested = f", accuracy {accuracy:.3f} on {report.n_test}" if accuracy else ""
    echo(
        f"prediction model {report.version}: trained on {report.n_train} settled "
        f"invoices{tested} issued since {cutoff}"
    )


def run_demo(
    obj: dict[str, Any],
    *,
    host: str,
    port: int,
    sandbox_port: int,
    serve: bool,
    echo: Callable[[str], None],
    progress: Callable[[Progress], None] | None = None,
) -> None:
    """Set everything up from scratch and serve until interrupted."""
    from gateway.app import create_app
    from gateway.services.users import add_user
    from gateway.store.migrate import upgrade

    DEMO_DIR.mkdir(exist_ok=True)
    database = DEMO_DIR / "demo.db"
    # The demo starts fresh each time (its own files; real data lives elsewhere).
    for stale in [*DEMO_DIR.glob("demo.db*"), *DEMO_DIR.glob("netsuite-sandbox.db*")]:
        stale.unlink()
    sandbox = NetSuiteSandbox(db_path=DEMO_DIR / "netsuite-sandbox.db")
    base_url = sandbox.start(port=sandbox_port)
    try:
        path = _write_connections(sandbox, base_url)
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        connection = parse_connection("netsuite", doc["netsuite"], {}, source=str(path))
        settings = replace(
            Settings.from_env(),
            database_url=f"sqlite:///{database}",
            connections_path=path,
            connections={"netsuite": connection},
        )
        services = build_services(settings)
        obj["services"] = services
        upgrade(services.engine)
        for name, role, password in DEMO_USERS:
            add_user(services, name, password, role)
        echo(f"NetSuite sandbox (account {sandbox.account}) on {base_url}")
        _first_sync_and_scores(services, echo, progress)
        echo(
            f"to sync again: ARBRIDGE_CONNECTIONS={path} "
            f"ARBRIDGE_DATABASE_URL=sqlite:///{database} arbridge sync netsuite"
        )
        echo("demo logins (user / password):")
        for name, role, password in DEMO_USERS:
            echo(f"  {name} / {password}   ({role})")
        if serve:
            echo(f"web app on http://{host}:{port}  (Ctrl-C to stop)")
            create_app(services).run(
                host=host, port=port, threaded=True, use_reloader=False
            )
    finally:
        sandbox.stop()

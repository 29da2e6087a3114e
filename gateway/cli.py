"""The ``arbridge`` command line."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from adapters.errors import AdapterError, AuthError, TransientError
from gateway.bootstrap import Services, build_services
from gateway.errors import GatewayError
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.services.sync import Progress

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn errors a user can fix into one line and a non-zero exit, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AuthError as exc:
            raise click.ClickException(f"authentication failed: {exc}") from exc
        except TransientError as exc:
            raise click.ClickException(f"remote system unavailable: {exc}") from exc
        except (GatewayError, AdapterError) as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _services(ctx: click.Context) -> Services:
    obj = ctx.ensure_object(dict)
    if "services" not in obj:
        obj["services"] = build_services(obj.get("settings") or Settings.from_env())
        ctx.call_on_close(obj["services"].dispose)
    return obj["services"]  # type: ignore[no-any-return]


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log at debug level.")
@click.pass_context
@user_errors
def cli(ctx: click.Context, verbose: bool) -> None:
    """ARBridge: mirror receivables from ERPs and CRMs, work them, write back."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    ctx.ensure_object(dict)


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
@user_errors
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the schema to the latest revision."""
    from gateway.store.migrate import upgrade

    services = _services(ctx)
    upgrade(services.engine)
    click.echo(f"database at {services.engine.url.render_as_string()} is up to date")


@cli.command()
@click.argument("name")
@click.option("--full", is_flag=True, help="Re-read everything, ignoring the cursor.")
@click.pass_context
@user_errors
def sync(ctx: click.Context, name: str, full: bool) -> None:
    """Pull what changed in connection NAME since the last run."""
    from gateway.services.sync import sync_connection

    services = _services(ctx)
    show = _progress_printer() if sys.stderr.isatty() else None
    summary = sync_connection(services, name, full=full, progress=show)
    if show:
        click.echo("", err=True)
    c = summary.counts
    click.echo(
        f"sync {name} run {summary.run_id}: {summary.status} in {summary.seconds:.1f}s - "
        f"{summary.pages} pages, {c.read} read, {c.created} created, {c.updated} updated, "
        f"{c.unchanged} unchanged, {c.deleted} deleted, {c.rejected} rejected, "
        f"{c.conflicts} conflicts"
    )


def _progress_printer() -> Callable[[Progress], None]:
    def show(progress: Progress) -> None:
        click.echo(
            f"\r{progress.stream}: {progress.pages} pages, {progress.records} records, "
            f"{progress.rate:,.0f} records/s   ",
            err=True,
            nl=False,
        )

    return show


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_context
@user_errors
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web app and API (use gunicorn in production: see the Dockerfile)."""
    from gateway.app import create_app

    app = create_app(_services(ctx))
    click.echo(f"ARBridge on http://{host}:{port}")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@cli.group()
def user() -> None:
    """Web users."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "collector", "auditor"])
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input."
)
@click.pass_context
@user_errors
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Create user NAME (or reset its password and role)."""
    from gateway.services.users import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    add_user(_services(ctx), name, password, role)
    click.echo(f"user {name} ({role}) saved")


@cli.group()
def token() -> None:
    """API bearer tokens."""


@token.command("create")
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "collector", "auditor"])
)
@click.pass_context
@user_errors
def token_create(ctx: click.Context, name: str, role: str) -> None:
    """Create an API token NAME; it is printed once and stored only as a hash."""
    from gateway.services.users import create_token

    click.echo(create_token(_services(ctx), name, role))


@cli.group()
def audit() -> None:
    """The sync log."""


@audit.command("verify")
@click.pass_context
@user_errors
def audit_verify(ctx: click.Context) -> None:
    """Check the audit log's hash chain; names the first broken entry."""
    from gateway.services.audit import verify

    result = verify(_services(ctx))
    if not result.ok:
        raise click.ClickException(
            f"audit chain broken at entry {result.broken_id}: {result.reason} "
            f"({result.entries} entries verified before it)"
        )
    click.echo(f"audit chain ok: {result.entries} entries, head {result.head[:16]}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--sandbox-port", default=8100, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set up and sync, then exit.")
@click.pass_context
@user_errors
def demo(
    ctx: click.Context, host: str, port: int, sandbox_port: int, no_serve: bool
) -> None:
    """Start the NetSuite sandbox, sync it into ./var and serve the web app."""
    from gateway.demo import run_demo

    run_demo(
        ctx.ensure_object(dict),
        progress=_progress_printer() if sys.stderr.isatty() else None,
        host=host,
        port=port,
        sandbox_port=sandbox_port,
        serve=not no_serve,
        echo=click.echo,
    )


# Command modules kept beside this one; imported last because they use its helpers.
from gateway.cli_collections import promises, score  # noqa: E402

cli.add_command(score)
cli.add_command(promises)


from gateway.cli_kpis import fx, kpis  # noqa: E402 - registered after the group exists

cli.add_command(fx)
cli.add_command(kpis)


from gateway.cli_outbox import outbox, worker  # noqa: E402 - uses this module's helpers

cli.add_command(worker)
cli.add_command(outbox)


from gateway.cli_model import model  # noqa: E402 - uses this module's helpers

cli.add_command(model)


def main() -> None:
    cli(obj={})

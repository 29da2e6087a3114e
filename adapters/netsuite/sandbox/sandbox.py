"""NetSuiteSandbox: seeded tables, the WSGI app, a loopback server and test helpers."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from werkzeug.serving import BaseWSGIServer, make_server

from adapters.netsuite.sandbox import deletion, ledger
from adapters.netsuite.sandbox.auth import OAuthVerifier, SandboxCredentials
from adapters.netsuite.sandbox.faults import FaultScript
from adapters.netsuite.sandbox.fields import RECORD_KINDS, column_value, record_kind
from adapters.netsuite.sandbox.responses import SandboxError
from adapters.netsuite.sandbox.schema import Database, money
from adapters.netsuite.sandbox.seed import seed_database
from adapters.netsuite.sandbox.server import QuietRequestHandler, SandboxApp

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from decimal import Decimal
    from pathlib import Path

    from adapters.netsuite.sandbox.server import RequestLogEntry


class NetSuiteSandbox:
    """A NetSuite SuiteTalk REST look-alike for contract tests and demos.

    Behaves as docs/netsuite-wire.md describes: OAuth 1.0a TBA, SuiteQL over its own
    SQLite tables, the Record API subset the adapter uses, a concurrency gate and a
    fault script.
    """

    def __init__(
        self,
        *,
        account: str = "1234567_SB1",
        seed: int = 42,
        anchor: date | None = None,
        customers: int = 300,
        invoices: int = 4000,
        db_path: str | Path | None = None,
        clock: Callable[[], datetime] | None = None,
        concurrency_limit: int = 5,
    ) -> None:
        """Create and seed the sandbox (the server starts with :meth:`start`).

        Raises:
            ValueError: ``invoices`` without any ``customers``, or a limit below 1.
        """
        if invoices and not customers:
            raise ValueError("invoices need at least one customer")
        if concurrency_limit < 1:
            raise ValueError("concurrency_limit must be at least 1")
        self.account = account
        self.anchor = anchor or datetime.now(UTC).date()
        self.credentials = SandboxCredentials.for_account(account)
        self.faults = FaultScript()
        self._db = Database(db_path, clock)
        self._db.create_schema()
        with self._db.write() as conn:
            seed_database(
                conn,
                seed=seed,
                anchor=self.anchor,
                customers=customers,
                invoices=invoices,
            )
        self._stopping = threading.Event()
        self._app = SandboxApp(
            self._db,
            OAuthVerifier(account, self.credentials),
            self.faults,
            concurrency_limit,
            self._stopping,
        )
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url: str | None = None

    @property
    def app(self) -> SandboxApp:
        """The WSGI application (usable without a server, e.g. by werkzeug's Client)."""
        return self._app

    @property
    def request_log(self) -> list[RequestLogEntry]:
        """Every API request answered so far (``/_sandbox/*`` excluded)."""
        return self._app.request_log

    @property
    def in_flight(self) -> int:
        """How many API requests are being answered right now."""
        return self._app.in_flight

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 picks a free port) from a daemon thread.

        Returns:
            The base URL, e.g. ``http://127.0.0.1:54321``.

        Raises:
            RuntimeError: The sandbox is already running.
        """
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._stopping.clear()
        server = make_server(
            host, port, self._app, threaded=True, request_handler=QuietRequestHandler
        )
        self._server = server
        # A short poll interval keeps stop() quick (tests start many sandboxes).
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="netsuite-sandbox",
            daemon=True,
        )
        self._thread.start()
        self.base_url = f"http://{host}:{server.port}"
        return self.base_url

    def stop(self) -> None:
        """Stop serving and release the port; held ``slow`` requests finish at once."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self.base_url = None
        if server is None or thread is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()

    def close(self) -> None:
        """Stop the server and close the database."""
        self.stop()
        self._db.close()

    def __enter__(self) -> NetSuiteSandbox:
        """Use as a context manager that closes the sandbox on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the sandbox."""
        self.close()

    def update_record(
        self, record_type: str, record_id: int | str, **columns: object
    ) -> None:
        """Change columns of a ``customer`` or ``transaction`` row as a user edit would.

        Values are Python values (``Decimal``, ``date``, ``bool`` become the stored
        text); ``lastmodifieddate`` moves to the sandbox clock's now.

        Raises:
            ValueError: Unknown record type or column.
            KeyError: No such record.
        """
        if record_type not in ("customer", "transaction"):
            raise ValueError("record_type must be 'customer' or 'transaction'")
        values = {name: column_value(value) for name, value in columns.items()}
        with self._db.write() as conn:
            ledger.require_row(conn, record_type, int(record_id))
            ledger.set_columns(
                conn, record_type, int(record_id), values, self._db.now_text()
            )

    def void_transaction(self, record_id: int | str) -> None:
        """Void a transaction (``voided='T'``, status ``V``, nothing open).

        Raises:
            KeyError: No such transaction.
        """
        with self._db.write() as conn:
            ledger.require_row(conn, "transaction", int(record_id))
            ledger.void(conn, int(record_id), self._db.now_text())

    def delete_record(self, record_type: str, record_id: int | str) -> None:
        """Delete a record and add its ``DeletedRecord`` row, as a user in NetSuite would.

        NetSuite's rules hold here too: a payment or credit memo can be deleted (its
        applications go with it), an invoice or credit memo something is applied to
        cannot, nor can a customer with transactions.

        Args:
            record_type: As in ``DeletedRecord``: ``customer``, ``invoice``,
                ``creditmemo`` or ``customerpayment``.
            record_id: The internal id.

        Raises:
            KeyError: No such record of that type.
            ValueError: Other records depend on it (the message is the Record API's
                error detail); nothing is changed.
        """
        kind = RECORD_KINDS.get(record_type) or record_kind(record_type)
        with self._db.write() as conn:
            try:
                rid = ledger.resolve(conn, kind, str(record_id))
            except SandboxError as exc:
                raise KeyError(f"{record_type} {record_id}") from exc
            try:
                deletion.delete(conn, kind, rid, self._db.now_text())
            except SandboxError as exc:
                raise ValueError(exc.detail) from exc

    def add_invoice(
        self,
        *,
        customer_id: int | str,
        amount: Decimal,
        trandate: date,
        duedate: date,
        currency: str | None = None,
        tranid: str | None = None,
    ) -> int:
        """Create an open invoice (as if entered in the NetSuite UI); return its id.

        Args:
            customer_id: The customer's internal id.
            amount: The invoice total.
            trandate: Invoice date.
            duedate: Due date.
            currency: ISO code; the customer's currency when omitted.
            tranid: Document number; ``INV-<id>`` when omitted.

        Raises:
            KeyError: Unknown customer or currency.
        """
        with self._db.write() as conn:
            cust = ledger.require_row(conn, "customer", int(customer_id))
            currency_row = ledger.currency_row(
                conn, currency, int(str(cust["currency"]))
            )
            txn_id = ledger.next_transaction_id(conn)
            now = self._db.now_text()
            values: dict[str, object] = {
                "id": txn_id,
                "tranid": tranid or f"INV-{txn_id}",
                "type": "CustInvc",
                "status": "A",
                "entity": cust["id"],
                "trandate": trandate.isoformat(),
                "duedate": duedate.isoformat(),
                "currency": currency_row["id"],
                "exchangerate": currency_row["exchangerate"],
                "foreigntotal": money(amount),
                "foreignamountpaid": "0.00",
                "foreignamountunpaid": money(amount),
                "terms": cust["terms"],
                "createddate": now,
                "lastmodifieddate": now,
            }
            ledger.insert_transaction(conn, values, cust["subsidiary"])
        return txn_id

    def query(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, object]]:
        """Run raw SQLite SQL on the sandbox tables (read-only) for test assertions."""
        with self._db.read(query_only=True) as conn:
            return [dict(row) for row in conn.execute(sql, tuple(params)).fetchall()]

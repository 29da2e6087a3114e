"""Login, logout, roles and CSRF on the web pages."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask.testing import FlaskClient

    from tests.e2e.web_fixtures import LoginFn


def test_login_with_the_right_password_lands_the_collector_on_the_worklist(
    client: FlaskClient, login: LoginFn
) -> None:
    response = login("collector")

    assert response.status_code == 302
    assert response.headers["Location"] == "/worklist"
    page = client.get("/worklist").get_data(as_text=True)
    assert "collector" in page
    assert "Log out" in page


def test_auditor_lands_on_the_audit_page_after_login(login: LoginFn) -> None:
    assert login("auditor").headers["Location"] == "/audit"


def test_login_with_a_wrong_password_shows_an_error_and_no_session(
    client: FlaskClient, login: LoginFn
) -> None:
    response = login("collector", "not-the-password")

    assert response.status_code == 200
    assert "Unknown username or wrong password." in response.get_data(as_text=True)
    assert client.get("/worklist").status_code == 302


def test_login_follows_a_local_next_but_not_an_external_one(login: LoginFn) -> None:
    assert login("admin", next="/sync").headers["Location"] == "/sync"


def test_login_ignores_an_external_next(login: LoginFn) -> None:
    assert login("admin", next="//evil.example/").headers["Location"] == "/worklist"


def test_passwords_are_never_logged(
    login: LoginFn, passwords: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    login("collector", "wrong-secret-pw")
    login("collector")

    assert "failed login" in caplog.text
    assert "wrong-secret-pw" not in caplog.text
    assert passwords["collector"] not in caplog.text


def test_session_cookie_is_httponly_and_samesite_lax(login: LoginFn) -> None:
    cookie = login("collector").headers["Set-Cookie"]

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_anonymous_visitor_is_sent_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/audit")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/audit"


def test_root_redirects_to_the_worklist(client: FlaskClient, login: LoginFn) -> None:
    login("collector")
    assert client.get("/").headers["Location"] == "/worklist"


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("auditor", "/worklist"),
        ("collector", "/audit"),
        ("collector", "/sync"),
        ("auditor", "/sync"),
    ],
)
def test_a_role_without_access_gets_a_403_page(
    client: FlaskClient, login: LoginFn, role: str, path: str
) -> None:
    login(role)
    response = client.get(path)

    assert response.status_code == 403
    assert "403" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("admin", "/worklist"),
        ("admin", "/audit"),
        ("admin", "/sync"),
        ("collector", "/worklist"),
        ("auditor", "/audit"),
    ],
)
def test_a_role_with_access_sees_the_page(
    client: FlaskClient, login: LoginFn, role: str, path: str
) -> None:
    login(role)
    assert client.get(path).status_code == 200


def test_a_post_without_the_csrf_token_is_refused(
    client: FlaskClient, passwords: dict[str, str]
) -> None:
    response = client.post(
        "/login", data={"username": "admin", "password": passwords["admin"]}
    )

    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_logout_ends_the_session(
    client: FlaskClient, login: LoginFn, form_token: Callable[[str], str]
) -> None:
    login("collector")
    token = form_token("/worklist")

    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/worklist").status_code == 302


def test_unknown_page_is_an_html_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"

"""Login with a username and password; logout."""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.services.users import authenticate
from ui.security import current_user, home_endpoint, log_in, log_out, safe_next
from ui.services import services

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


@bp.get("/")
def root() -> Response:
    user = current_user()
    return redirect(url_for(home_endpoint(user[1]) if user else "worklist.index"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", next_url=next_url, error=None)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    found = authenticate(services(), username, password) if username else None
    if found is None:
        # The username helps spot guessing; the password is never logged.
        log.info("failed login for user %r", username)
        return render_template(
            "auth/login.html",
            next_url=next_url,
            error="Unknown username or wrong password.",
            username=username,
        )
    log_in(*found)
    log.info("user %r logged in as %s", found[0], found[1])
    return redirect(next_url or url_for(home_endpoint(found[1])))


@bp.post("/logout")
def logout() -> Response:
    log_out()
    return redirect(url_for("auth.login"))

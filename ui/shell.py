"""What every page shares: templates, static files, filters, CSRF check, error pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, render_template, request

from ui import formatting
from ui.security import csrf_ok, csrf_token, current_user

if TYPE_CHECKING:
    from werkzeug.exceptions import HTTPException

bp = Blueprint(
    "shell",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.app_context_processor
def _page_globals() -> dict[str, Any]:
    user = current_user()
    return {
        "user": user[0] if user else None,
        "role": user[1] if user else None,
        "csrf_token": csrf_token,
    }


@bp.before_app_request
def _check_csrf() -> None:
    # Every state-changing page form posts the session's token; the JSON API is
    # read-only and token-authenticated, so it is not a form target.
    is_form_post = request.method == "POST" and not request.path.startswith("/api/")
    if is_form_post and not csrf_ok():
        abort(400, description="The form has expired. Reload the page and retry.")


def render_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    return render_template(
        "error.html", code=code, title=error.name, message=error.description
    ), code


bp.add_app_template_filter(formatting.money, "money")
bp.add_app_template_filter(formatting.day, "day")
bp.add_app_template_filter(formatting.moment, "moment")

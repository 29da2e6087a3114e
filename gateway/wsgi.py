"""WSGI entry point for gunicorn: ``gunicorn gateway.wsgi:app``."""

from __future__ import annotations

from gateway.app import create_app
from gateway.bootstrap import build_services
from gateway.settings import Settings

app = create_app(build_services(Settings.from_env()))

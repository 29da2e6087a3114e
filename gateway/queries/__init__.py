"""Read models (CQRS-lite) for the web pages and the REST API.

Every SQL query the HTTP surfaces need lives here, so ``ui`` and ``gateway.api`` never
import SQLAlchemy. Functions take the services container, open a read-only unit of
work and return frozen dataclasses, never ORM rows (those would be detached and lazy).
"""

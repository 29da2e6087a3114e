"""Persistence: the only package (with gateway.audit) that imports SQLAlchemy."""

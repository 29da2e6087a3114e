"""Test doubles that follow the adapter protocol (used by gateway tests and benchmarks)."""

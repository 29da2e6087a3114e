"""Audit tags name ``source:subject:action``; actions are a closed set."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    PULL = "pull"  # a field changed in the mirror because a remote system said so
    CREATE = "create"  # a record entered the mirror
    DELETE = "delete"  # the remote deleted or the mirror retired a record
    REJECT = "reject"  # a remote record did not fit the mapping
    REVERT = "revert"  # a drifted field was kept; the owner's value goes back
    FLAG = "flag"  # a drifted field was kept and raised for review
    CONFLICT = "conflict"  # both sides changed; queued for an admin
    PUSH = "push"  # we wrote a field to a remote system
    FAIL = "fail"  # a write to a remote system was given up (refused or out of tries)
    EDIT = "edit"  # a person or the gateway changed a gateway-owned field
    RESOLVE = "resolve"  # an admin settled a conflict or a flagged drift


def tag(source: str, subject: str, action: Action) -> str:
    return f"{source}:{subject}:{action}"

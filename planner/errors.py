"""One error tree for everything a user can get wrong.

    PlannerError
    ├── NotFound            a contact, ask, feed … that does not exist
    ├── InvalidInput        a value that cannot be used (names the field)
    ├── Conflict            the change clashes with stored data (duplicates, state)
    └── Busy                another writer held the database longer than we wait

Pages show ``str(error)``; the CLI prints it on one line and exits 2. Adapters wrap
library errors with ``raise … from``; programming errors are not caught.

Every error carries a stable :class:`ErrorCode` in ``error.code``: callers branch on it,
never on the wording, which is written for people and may change.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable names for what went wrong, for code to branch on (the text is for people)."""

    PLANNER_ERROR = "planner_error"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    CONFLICT = "conflict"
    BUSY = "busy"
    # A feed address the user's settings refuse but could allow (loopback, private network).
    PRIVATE_ADDRESS_REFUSED = "private_address_refused"
    # A feed address refused whatever the settings (cloud metadata, multicast, bad scheme…).
    ADDRESS_REFUSED = "address_refused"


class PlannerError(Exception):
    """Base of every error that is the user's to fix."""

    code: ErrorCode = ErrorCode.PLANNER_ERROR


class NotFound(PlannerError):
    """A contact, ask, feed … that does not exist (any more)."""

    code = ErrorCode.NOT_FOUND


class InvalidInput(PlannerError):
    """A value that cannot be used; ``field`` names the input it came from."""

    code = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class Conflict(PlannerError):
    """The change clashes with stored data (a duplicate, a state that does not allow it)."""

    code = ErrorCode.CONFLICT


class Busy(PlannerError):
    """The database stayed locked by another writer for the whole busy timeout.

    Nothing was changed; trying again later is the fix, so it is the user's to see (one
    line, exit 2 from the CLI), not a traceback.
    """

    code = ErrorCode.BUSY

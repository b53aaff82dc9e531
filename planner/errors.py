"""One error tree for everything a user can get wrong.

    PlannerError
    ├── NotFound            a contact, ask, feed … that does not exist
    ├── InvalidInput        a value that cannot be used (names the field)
    ├── Conflict            the change clashes with stored data (duplicates, state)
    └── Busy                another writer held the database longer than we wait

Pages show ``str(error)``; the CLI prints it on one line and exits 2. Adapters wrap
library errors with ``raise … from``; programming errors are not caught.
"""

from __future__ import annotations


class PlannerError(Exception):
    """Base of every error that is the user's to fix."""


class NotFound(PlannerError):
    pass


class InvalidInput(PlannerError):
    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class Conflict(PlannerError):
    pass


class Busy(PlannerError):
    """The database stayed locked by another writer for the whole busy timeout.

    Nothing was changed; trying again later is the fix, so it is the user's to see (one
    line, exit 2 from the CLI), not a traceback.
    """

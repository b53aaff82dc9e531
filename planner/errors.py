"""One error tree for everything a user can get wrong.

    PlannerError
    ├── NotFound            a contact, ask, feed … that does not exist
    ├── InvalidInput        a value that cannot be used (names the field)
    └── Conflict            the change clashes with stored data (duplicates, state)

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

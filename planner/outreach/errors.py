"""The outreach adapters' errors, in one tree so callers can catch at the level they need.

::

    OutreachError
    ├── TemplateProblem(template_name, line, message)   a template cannot be used or rendered
    │   └── TemplateTooExpensive                          it ran out of time, memory or output
    └── DraftError (also ValueError)                      an e-mail draft cannot be built safely
        ├── HeaderInjectionError(field)                   control characters / encoded-words
        └── InvalidAddressError(field)                    not one plain e-mail address

CSV imports (planner.files) do not raise for bad data: every problem becomes a
:class:`~planner.files.csv_import.RowProblem` in the report, so the user sees all of
them at once (THREATS C4).
"""

from __future__ import annotations


class OutreachError(Exception):
    """Base of every error raised on purpose by :mod:`planner.outreach`."""


class TemplateProblem(OutreachError):
    """A template is invalid, unsafe or failed to render.

    ``str(problem)`` is a human message meant for the page ("line 3: 'contact' has no
    attribute 'nmae'"); it never contains a Python traceback.
    """

    def __init__(self, template_name: str, line: int | None, message: str) -> None:
        self.template_name = template_name
        #: 1-based line in the template source, None when the problem is not tied to a line.
        self.line = line
        self.message = message
        super().__init__(self.describe())

    def describe(self) -> str:
        """The message with its line: "line 3: ..."."""
        return f"line {self.line}: {self.message}" if self.line else self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Problems cross the process boundary of the sandbox worker.
        return (type(self), (self.template_name, self.line, self.message))


class TemplateTooExpensive(TemplateProblem):
    """Rendering took too long, used too much memory or produced too much output."""


class DraftError(OutreachError, ValueError):
    """An e-mail draft cannot be built from these values."""

    def __init__(self, field: str, message: str) -> None:
        #: The argument that was refused ("subject", "to_name", ...).
        self.field = field
        super().__init__(f"{field}: {message}")


class HeaderInjectionError(DraftError):
    """A header value holds line breaks, control characters or an RFC 2047 encoded-word."""


class InvalidAddressError(DraftError):
    """An address is not one plain ``local@domain`` address."""

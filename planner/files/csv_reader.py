"""A small RFC 4180 reader that knows where every record starts.

Why not the ``csv`` module: its field-size limit is process-global state, it accepts
NUL bytes, an unbalanced quote silently swallows the rest of the file into one field,
and it cannot say on which physical line a multi-line record began (THREATS C4). This
reader reports each of those as a problem with its line, and never drops a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["CsvRecord", "UnclosedQuote", "read_records"]

_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)"')
_UNQUOTED = re.compile(r'[^,"\r\n]*')
_NEWLINE = re.compile(r"\r\n|\n|\r")
_REST_OF_LINE = re.compile(r"[^\r\n]*")
#: A whole physical line without any quote, and its newline (or the end of the text).
_PLAIN_LINE = re.compile(r'([^"\r\n]*)(\r\n|\n|\r|\Z)')


@dataclass(slots=True)
class CsvRecord:
    """One record of a CSV file: its fields and the physical line it starts on."""

    #: Physical line (1-based) where the record starts.
    line: int
    fields: list[str] = field(default_factory=list)
    #: A syntax problem; the fields are then not trustworthy.
    problem: str | None = None
    #: Index of the field the problem is in.
    problem_field: int | None = None


@dataclass(frozen=True, slots=True)
class UnclosedQuote:
    """A quoted field that never ends: nothing after ``line`` can be read reliably."""

    line: int
    field_index: int
    lines_swallowed: int


def read_records(text: str) -> tuple[list[CsvRecord], UnclosedQuote | None]:
    """Split ``text`` into records. Comma-separated, ``"`` quotes, any newline style."""
    records: list[CsvRecord] = []
    pos, line, end = 0, 1, len(text)
    while pos < end:
        plain = _PLAIN_LINE.match(text, pos)
        if plain is not None:
            # Most records are one line without quotes: a split is the whole parse, and it
            # is what keeps a million-line file from spending seconds in the field loop.
            records.append(CsvRecord(line=line, fields=plain.group(1).split(",")))
            pos = plain.end()
            line += 1
            continue
        record = CsvRecord(line=line)
        while True:
            if pos < end and text[pos] == '"':
                match = _QUOTED.match(text, pos)
                if match is None:
                    swallowed = len(_NEWLINE.findall(text, pos))
                    return records, UnclosedQuote(line, len(record.fields), swallowed)
                record.fields.append(match.group(1).replace('""', '"'))
                line += len(_NEWLINE.findall(match.group(0)))
                pos = match.end()
                if pos < end and text[pos] not in ",\r\n":
                    record.problem = "text after a closing quote; double a quote inside a field"
                    record.problem_field = len(record.fields) - 1
                    pos = _REST_OF_LINE.match(text, pos).end()  # type: ignore[union-attr]
            else:
                match = _UNQUOTED.match(text, pos)
                assert match is not None  # the pattern matches the empty string
                pos = match.end()
                record.fields.append(match.group(0))
                if pos < end and text[pos] == '"':
                    record.problem = (
                        'a quote (") inside an unquoted field: quote the whole field and '
                        "double the quotes inside it"
                    )
                    record.problem_field = len(record.fields) - 1
                    pos = _REST_OF_LINE.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= end:
                break
            if text[pos] == ",":
                pos += 1
                if pos >= end:
                    record.fields.append("")  # "a,b," at the very end: a last empty field
                    break
                continue
            newline = _NEWLINE.match(text, pos)
            assert newline is not None
            pos = newline.end()
            line += 1
            break
        records.append(record)
    return records, None

"""CSV import of contacts and ledger rows: validate everything, report every problem.

Nothing is written here. The parsers return an :class:`ImportReport`; the caller shows
it and commits all rows in one transaction only when ``report.ok`` (THREATS C4, C5).
No row is ever dropped silently: each bad row has at least one :class:`RowProblem`
with its physical line number (the header is line 1; a quoted cell spanning lines
counts every line) and column. Values stay text: no type guessing, so ``007`` stays
``007``, ``1e3`` stays ``1e3`` and ``NA`` stays ``NA`` in text columns.

The formats are documented, with example files, in :mod:`planner.files.csv_formats`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from planner.domain import values as stored
from planner.domain.model import Direction, Kind, Tier
from planner.feeds.urls import http_url_or_empty
from planner.files.csv_export import CONTACT_COLUMNS, LEDGER_COLUMNS, unescape_cell
from planner.files.csv_reader import CsvRecord, UnclosedQuote, read_records
from planner.outreach.addresses import is_valid_addr_spec

__all__ = [
    "ContactCsvRow",
    "ImportLimits",
    "ImportReport",
    "LedgerRow",
    "RowProblem",
    "parse_contacts_csv",
    "parse_ledger_csv",
]


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A problem of one line (and column) of an imported file."""

    #: Physical line in the file; the header is line 1.
    line: int
    #: The column's header name, or "" when the problem is the whole row or file.
    column: str
    problem: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.problem}"


T = TypeVar("T")


@dataclass(slots=True)
class ImportReport(Generic[T]):
    """What a file holds: the valid rows, and a problem for every invalid one."""

    rows: list[T] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: "utf-8" or "cp1252".
    encoding: str = "utf-8"
    #: Data records in the file (blank lines not counted).
    records: int = 0
    #: Problems beyond ``ImportLimits.max_problems`` are counted, not listed.
    problems_not_listed: int = 0

    @property
    def ok(self) -> bool:
        """Commit only when true: no problem, and every record became a row."""
        return not self.problems and not self.problems_not_listed and len(self.rows) == self.records


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Size limits of an imported file (THREATS C4): bytes, rows, problems listed."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 200_000
    max_problems: int = 500


@dataclass(frozen=True, slots=True)
class ContactCsvRow:
    """A valid row of a contacts file (not the stored contact: see planner.storage.schema)."""

    line: int
    name: str
    aliases: tuple[str, ...] = ()
    email: str = ""
    domains: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    tier: Tier = Tier.NETWORK
    reach: int | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """A valid row of a ledger file."""

    line: int
    #: The contact's name as written; "" for the audience.
    contact: str
    direction: Direction
    kind: Kind
    occurred_on: date
    magnitude: float = 1.0
    note: str = ""
    title: str = ""
    link: str = ""


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    required: bool = False
    max_chars: int = 200
    multiline: bool = False


_CONTACT_SPEC = (
    _Column("name", required=True),
    _Column("aliases", max_chars=2_000),
    _Column("email", max_chars=254),
    _Column("domains", max_chars=2_000),
    _Column("handles", max_chars=2_000),
    _Column("tier", max_chars=20),
    _Column("reach", max_chars=20),
    _Column("tags", max_chars=2_000),
    _Column("notes", max_chars=10_000, multiline=True),
)
_LEDGER_SPEC = (
    _Column("contact", required=True),
    _Column("direction", required=True, max_chars=20),
    _Column("kind", required=True, max_chars=40),
    _Column("date", required=True, max_chars=20),
    _Column("magnitude", max_chars=20),
    _Column("note", max_chars=10_000, multiline=True),
    _Column("title", max_chars=500),
    _Column("link", max_chars=2_000),
)
assert tuple(c.name for c in _CONTACT_SPEC) == CONTACT_COLUMNS
assert tuple(c.name for c in _LEDGER_SPEC) == LEDGER_COLUMNS

# The limits are the stored-value rules of planner.domain.values, so that an import refuses
# exactly what a form refuses; the names stay for callers that show them.
MAX_MAGNITUDE = stored.MAX_MAGNITUDE
MAX_REACH = stored.MAX_REACH
_MULTI = "|"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Unicode category Cc is exactly U+0000-001F and U+007F-009F; with the line and paragraph
# separators these are what no single-line cell may hold. One regex search per cell is what
# keeps a million-row file at tens of seconds (a per-character loop took most of the time).
_CONTROL_ANY = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


class _Problems:
    """Collects problems up to a cap; counts the rest."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.listed: list[RowProblem] = []
        self.extra = 0
        self.bad_lines: set[int] = set()

    def add(self, line: int, column: str, problem: str) -> None:
        self.bad_lines.add(line)
        if len(self.listed) < self.cap:
            self.listed.append(RowProblem(line, column, problem))
        else:
            self.extra += 1


# --- decoding ----------------------------------------------------------------------


def _decode(data: bytes, report: ImportReport[T], problems: _Problems) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(1, "", "the file is UTF-16; save it as 'CSV UTF-8' instead")
        return None
    if data.startswith(b"PK\x03\x04"):
        problems.add(1, "", "this is a spreadsheet workbook, not CSV; save it as 'CSV UTF-8'")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            problems.add(
                bad_line,
                "",
                f"the file is neither UTF-8 nor Windows-1252 (byte 0x{data[exc.start]:02X} "
                f"at offset {exc.start}); save it as 'CSV UTF-8'",
            )
            return None
        report.encoding = "cp1252"
        report.warnings.append(
            f"The file is not UTF-8 (byte 0x{data[exc.start]:02X} on line {bad_line}); it "
            "was read as Windows-1252. Check that accented letters look right."
        )
        return text.lstrip("\ufeff")


# --- the shared walk over a file ------------------------------------------------------


def _parse(
    data: bytes,
    spec: tuple[_Column, ...],
    build: Callable[[int, dict[str, str], _Problems], T | None],
    limits: ImportLimits,
) -> ImportReport[T]:
    report: ImportReport[T] = ImportReport()
    problems = _Problems(limits.max_problems)
    try:
        opened = _open(data, spec, report, problems, limits)
        if opened is None:
            return report
        records, unclosed, header = opened
        columns = {c.name: c for c in spec}
        for record in records[1:]:
            if record.problem is None and all(not f.strip() for f in record.fields):
                continue  # a blank line (or a row of empty cells) is not a row
            report.records += 1
            if report.records > limits.max_rows:
                problems.add(record.line, "", f"more than {limits.max_rows:,} rows; split the file")
                break
            row = _row(record, header, columns, build, problems)
            if row is not None and record.line not in problems.bad_lines:
                report.rows.append(row)
        if unclosed is not None:
            report.records += 1
            _unclosed_problem(unclosed, header, problems)
        return report
    finally:
        report.problems = sorted(problems.listed, key=lambda p: p.line)
        report.problems_not_listed = problems.extra


def _open(
    data: bytes,
    spec: tuple[_Column, ...],
    report: ImportReport[T],
    problems: _Problems,
    limits: ImportLimits,
) -> tuple[list[CsvRecord], UnclosedQuote | None, list[str]] | None:
    """The file's records and its header, or None when the file as a whole is unusable
    (too big, not text, empty, a bad header): the reason is then in ``problems``."""
    if len(data) > limits.max_bytes:
        problems.add(1, "", f"the file is {len(data):,} bytes; the limit is {limits.max_bytes:,}")
        return None
    text = _decode(data, report, problems)
    if text is None:
        return None
    records, unclosed = read_records(text)
    if not records:
        problems.add(1, "", "the file is empty; the first line must be the header")
        return None
    header = _header(records[0].fields, spec, problems)
    if records[0].problem:
        problems.add(1, "", records[0].problem)
    if header is None or records[0].problem:
        return None
    return records, unclosed, header


def _row(
    record: CsvRecord,
    header: list[str],
    columns: dict[str, _Column],
    build: Callable[[int, dict[str, str], _Problems], T | None],
    problems: _Problems,
) -> T | None:
    """One record as a row, or None with its problems recorded."""
    if record.problem:
        index = record.problem_field
        name = header[index] if index is not None and index < len(header) else ""
        problems.add(record.line, name, record.problem)
        return None
    if len(record.fields) != len(header):
        problems.add(record.line, "", _count_problem(record.fields, header))
        return None
    values = _cells(record.line, header, record.fields, columns, problems)
    if values is None:
        return None
    return build(record.line, values, problems)


def _unclosed_problem(unclosed: UnclosedQuote, header: list[str], problems: _Problems) -> None:
    name = header[unclosed.field_index] if unclosed.field_index < len(header) else ""
    problems.add(
        unclosed.line,
        name,
        f"a quote opened here is never closed; the remaining {unclosed.lines_swallowed} "
        "line(s) could not be read",
    )


def _header(fields: list[str], spec: tuple[_Column, ...], problems: _Problems) -> list[str] | None:
    names = [f.strip().lstrip("\ufeff").casefold() for f in fields]
    known = {c.name for c in spec}
    ok = True
    if len(names) == 1 and ";" in names[0]:
        problems.add(
            1, "", "the columns seem separated by ';'; save the file as comma-separated CSV"
        )
        return None
    seen: set[str] = set()
    for name in names:
        if not name:
            problems.add(1, "", "a column has no name in the header")
            ok = False
        elif name in seen:
            problems.add(1, name, "this column appears twice in the header")
            ok = False
        elif name not in known:
            hint = difflib.get_close_matches(name, sorted(known), n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.add(
                1,
                name,
                f"unknown column{suggestion}; expected some of: {', '.join(c.name for c in spec)}",
            )
            ok = False
        seen.add(name)
    for column in spec:
        if column.required and column.name not in seen:
            problems.add(1, column.name, "this required column is missing from the header")
            ok = False
    return names if ok else None


def _count_problem(fields: list[str], header: list[str]) -> str:
    if len(fields) > len(header):
        extra = next((f for f in fields[len(header) :] if f.strip()), "")
        shown = f" (extra value {_clip(extra)!r})" if extra else ""
        return f"{len(fields)} fields, but the header has {len(header)}{shown}"
    return f"only {len(fields)} fields, but the header has {len(header)}"


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cells(
    line: int,
    header: list[str],
    fields: list[str],
    columns: dict[str, _Column],
    problems: _Problems,
) -> dict[str, str] | None:
    values: dict[str, str] = {}
    bad = False
    for name, raw in zip(header, fields, strict=True):
        column = columns[name]
        if "\0" in raw:
            problems.add(line, name, "contains a NUL byte (the file may be damaged or binary)")
            bad = True
            continue
        if len(raw) > column.max_chars:
            problems.add(
                line, name, f"{len(raw):,} characters; the limit for {name} is {column.max_chars:,}"
            )
            bad = True
            continue
        value = unescape_cell(raw.strip())
        control = _control_char(value, multiline=column.multiline)
        if control:
            problems.add(line, name, control)
            bad = True
            continue
        values[name] = value
    return None if bad else values


def _control_char(value: str, *, multiline: bool) -> str | None:
    match = (_CONTROL_MULTILINE if multiline else _CONTROL_ANY).search(value)
    if match is None:
        return None
    # Report the first offending character, as a reader scanning the cell would find it.
    for ch in value[match.start() :]:
        if ch in "\r\n" or ch == "\t":
            if multiline:
                continue
            return "line breaks and tabs are not allowed in this column"
        if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029":
            return f"control character U+{ord(ch):04X} is not allowed"
    return None  # pragma: no cover - the regex found one of the characters above


def _split(value: str) -> tuple[str, ...]:
    items = (v.strip() for v in value.split(_MULTI))
    return tuple(dict.fromkeys(v for v in items if v))


# --- contacts ------------------------------------------------------------------------


def parse_contacts_csv(
    data: bytes, *, limits: ImportLimits | None = None
) -> ImportReport[ContactCsvRow]:
    """Validate a contacts CSV (format in :data:`FORMAT_DOC`).

    Duplicate names or e-mail addresses inside the file are problems; duplicates of
    contacts already stored are the caller's business (it knows the database).
    """
    seen_names: dict[str, int] = {}
    seen_emails: dict[str, int] = {}

    def build(line: int, values: dict[str, str], problems: _Problems) -> ContactCsvRow | None:
        name = values.get("name", "")
        if not name:
            problems.add(line, "name", "a name is required")
        elif name.casefold() in seen_names:
            problems.add(line, "name", f"same name as line {seen_names[name.casefold()]}")
        else:
            seen_names[name.casefold()] = line
        email = values.get("email", "")
        if email and not is_valid_addr_spec(email):
            problems.add(line, "email", f"{_clip(email)!r} is not one e-mail address (name@domain)")
        elif email and email.casefold() in seen_emails:
            problems.add(line, "email", f"same e-mail as line {seen_emails[email.casefold()]}")
        elif email:
            seen_emails[email.casefold()] = line
        tier = _tier(line, values.get("tier", ""), problems)
        reach_ok, reach = _reach(line, values.get("reach", ""), problems)
        domains = tuple(_domain(line, d, problems) for d in _split(values.get("domains", "")))
        handles = _split(values.get("handles", ""))
        for handle in handles:
            if any(ch.isspace() for ch in handle):
                problems.add(line, "handles", f"{_clip(handle)!r}: a handle has no spaces")
        for column in ("aliases", "domains", "handles", "tags"):
            for item in _split(values.get(column, "")):
                if len(item) > 200:
                    problems.add(
                        line, column, f"an item is {len(item):,} characters; the limit is 200"
                    )
        if tier is None or not reach_ok:
            return None
        return ContactCsvRow(
            line=line,
            name=name,
            aliases=_split(values.get("aliases", "")),
            email=email,
            domains=tuple(d for d in domains if d),
            handles=handles,
            tier=tier,
            reach=reach,
            tags=_split(values.get("tags", "")),
            notes=values.get("notes", ""),
        )

    return _parse(data, _CONTACT_SPEC, build, limits or ImportLimits())


def _tier(line: int, value: str, problems: _Problems) -> Tier | None:
    if not value:
        return Tier.NETWORK
    try:
        return Tier(value.casefold())
    except ValueError:
        problems.add(
            line,
            "tier",
            f"{_clip(value)!r} is not a tier; use one of: {', '.join(t.value for t in Tier)}",
        )
        return None


def _reach(line: int, value: str, problems: _Problems) -> tuple[bool, int | None]:
    """(valid, reach): reach is None when the cell is empty; problems are reported."""
    if not value:
        return True, None
    if value.startswith("-") and _WHOLE.match(value[1:]):
        problems.add(line, "reach", "must not be negative")
        return False, None
    if not _WHOLE.match(value):
        problems.add(line, "reach", f"{_clip(value)!r} is not a whole number (like 12000)")
        return False, None
    reach = int(value.replace(",", ""))
    problem = stored.reach_problem(reach)
    if problem:
        problems.add(line, "reach", problem)
        return False, None
    return True, reach


def _domain(line: int, value: str, problems: _Problems) -> str:
    host = value.casefold()
    if "://" in host:
        try:
            host = urlsplit(host).hostname or ""
        except ValueError:
            host = ""
    host = host.rstrip("/").rstrip(".")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        problems.add(line, "domains", f"{_clip(value)!r} is not a domain name (like example.com)")
        return ""
    return host


# --- ledger -----------------------------------------------------------------------------


def parse_ledger_csv(
    data: bytes,
    known_contacts: set[str] | None = None,
    *,
    limits: ImportLimits | None = None,
) -> ImportReport[LedgerRow]:
    """Validate a ledger CSV (format in :data:`FORMAT_DOC`).

    Args:
        known_contacts: names (and aliases) the contact column may use, compared without
            case; None skips the check (e.g. when contacts are imported in the same step).
    """
    known = (
        {k.strip().casefold(): k for k in known_contacts} if known_contacts is not None else None
    )

    def build(line: int, values: dict[str, str], problems: _Problems) -> LedgerRow | None:
        contact = values.get("contact", "")
        if contact and known is not None and contact.casefold() not in known:
            hint = difflib.get_close_matches(contact.casefold(), list(known), n=1, cutoff=0.75)
            suggestion = f" (did you mean {known[hint[0]]!r}?)" if hint else ""
            problems.add(line, "contact", f"unknown contact {_clip(contact)!r}{suggestion}")
        direction = _choice(line, "direction", values.get("direction", ""), Direction, problems)
        kind = _choice(line, "kind", values.get("kind", ""), Kind, problems)
        day = _date(line, values.get("date", ""), problems)
        magnitude = _magnitude(line, values.get("magnitude", ""), problems)
        link = values.get("link", "")
        if link and not _is_http_url(link):
            problems.add(line, "link", f"{_clip(link)!r} is not an http(s) address")
        if direction is None or kind is None or day is None or magnitude is None:
            return None
        return LedgerRow(
            line=line,
            contact=contact,
            direction=Direction(direction),
            kind=Kind(kind),
            occurred_on=day,
            magnitude=magnitude,
            note=values.get("note", ""),
            title=values.get("title", ""),
            link=link,
        )

    return _parse(data, _LEDGER_SPEC, build, limits or ImportLimits())


_ALLOWED: dict[type[Direction] | type[Kind], list[str]] = {
    Direction: [m.value for m in Direction],
    Kind: [m.value for m in Kind],
}
_SEPARATORS = re.compile(r"[\s-]+")


def _choice(
    line: int, column: str, value: str, enum: type[Direction] | type[Kind], problems: _Problems
) -> str | None:
    if not value:
        problems.add(line, column, f"a {column} is required")
        return None
    allowed = _ALLOWED[enum]
    if value in allowed:  # the common case, written as exported: no rewriting needed
        return value
    code = _SEPARATORS.sub("_", value.casefold())
    if code in allowed:
        return code
    hint = difflib.get_close_matches(code, allowed, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    problems.add(
        line,
        column,
        f"{_clip(value)!r} is not a {column}{suggestion}; use one of: {', '.join(allowed)}",
    )
    return None


def _date(line: int, value: str, problems: _Problems) -> date | None:
    if not value:
        problems.add(line, "date", "a date is required (YYYY-MM-DD)")
        return None
    if not _DATE.match(value):
        problems.add(line, "date", f"{_clip(value)!r} is not a date in YYYY-MM-DD form")
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        problems.add(line, "date", f"{value!r} is not a real date")
        return None
    problem = stored.date_problem(day)  # the window every stored date keeps to
    if problem:
        problems.add(line, "date", problem)
        return None
    return day


def _magnitude(line: int, value: str, problems: _Problems) -> float | None:
    if not value:
        return 1.0
    if value.startswith("-") and _DECIMAL.match(value[1:]):
        problems.add(line, "magnitude", "must not be negative")
        return None
    if not _DECIMAL.match(value):
        problems.add(line, "magnitude", f"{_clip(value)!r} is not a number (like 1 or 2.5)")
        return None
    magnitude = float(value)
    problem = stored.magnitude_problem(magnitude)
    if problem:
        problems.add(line, "magnitude", problem)
        return None
    return magnitude


def _is_http_url(value: str) -> bool:
    if any(ch.isspace() for ch in value):
        return False
    # The ledger form keeps a link only when it is its own clean http(s) form (THREATS X2):
    # the import must not store what the form would refuse.
    if http_url_or_empty(value) != value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)

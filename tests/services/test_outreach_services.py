"""The outreach service and its CLI: drafts from the ledger, user templates, selections,
zips; the CSV import fixes; the exports this service registers."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select, update

from planner.cli import main
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import (
    Workspace,
    asks,
    contacts,
    csv_files,
    exports,
    imports,
    ledger,
    outreach,
)
from planner.services.calendar import calendar_file
from planner.services.contacts import ContactInput
from planner.storage.schema import AskRow, ContactRow, PlannedGiveRow, RequestRow, TemplateRow
from tests.conftest import TODAY

BUILTINS = sorted({p.name.split(".")[0] for p in outreach.TEMPLATES_DIR.glob("*.j2")})
ALLOWED_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "x-unsent",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "x-give-first-note",
}
ESCAPE = "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}"


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def contact_named(ws: Workspace, name: str) -> int:
    return outreach.find_contact(ws, name)


def run(capsys: pytest.CaptureFixture[str], ws: Workspace, *args: str) -> tuple[int, str, str]:
    code = main(["--database", ws.engine.url.render_as_string(hide_password=False), *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- drafts -------------------------------------------------------------------------------


@pytest.mark.parametrize("template", BUILTINS)
def test_every_builtin_template_drafts_for_every_demo_contact(
    demo_ws: Workspace, template: str
) -> None:
    people = contacts.list_contacts(demo_ws)
    batch = outreach.render_drafts(demo_ws, template, [c.id for c in people])
    assert batch.problems == []
    assert len(batch.drafts) == len(people) == 25
    for draft in batch.drafts:
        message = parse(draft.eml)
        assert message["X-Unsent"] == "1"
        assert {k.lower() for k in message} <= ALLOWED_HEADERS
        assert draft.subject and str(message["Subject"]) == draft.subject
        assert "{{" not in draft.text and "{%" not in draft.text


def test_drafts_about_every_demo_ask_request_and_planned_give(demo_ws: Workspace) -> None:
    with demo_ws.read() as s:
        ask_rows = [(r.id, r.contact_id) for r in s.scalars(select(AskRow)) if r.contact_id]
        request_rows = [(r.id, r.contact_id) for r in s.scalars(select(RequestRow))]
        give_rows = [
            (r.id, r.contact_id) for r in s.scalars(select(PlannedGiveRow)) if r.contact_id
        ]
    assert ask_rows and request_rows and give_rows
    for ask_id, contact_id in ask_rows:
        for template in ("ask_share", "ask_link", "ask_guest_post", "ask_intro", "follow_up"):
            draft = outreach.render_draft(
                demo_ws,
                template,
                contact_id,
                ask_id=ask_id,
                ask_reason="It helps my readers.",
                anyway=True,  # some demo asks are not ready (test_demo_drafts checks the rule)
            )
            assert draft.subject
    for request_id, contact_id in request_rows:
        draft = outreach.render_draft(demo_ws, "decline_request", contact_id, request_id=request_id)
        with demo_ws.read() as s:
            title = s.get(RequestRow, request_id).title
        # my title of their request is mine: the message names its kind instead
        assert " ".join(title.split()) not in " ".join(draft.text.split())
        assert "Thank you for thinking of me for a" in draft.text
    for give_id, contact_id in give_rows:
        assert outreach.render_draft(demo_ws, "interview_invite", contact_id, give_id=give_id)


def test_featured_you_for_a_demo_expert_is_a_real_draft(demo_ws: Workspace) -> None:
    expert = contact_named(demo_ws, "Aiko Tanaka")
    newest = ledger.list_interactions(demo_ws, contact_id=expert, direction="gave")[0]
    filename, raw = outreach.draft_eml(demo_ws, "featured_you", expert)
    message = parse(raw)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].addr_spec == "aiko@aikotanaka.example"
    assert message["To"].addresses[0].display_name == "Aiko Tanaka"
    assert message["From"].addresses[0].addr_spec == "nora@indiecreatorlab.example"
    # the post's own title, not the ledger's "Mentioned in: …"
    assert newest.title == "Mentioned in: Planning a course in Notion"
    assert str(message["Subject"]) == 'I mentioned you in "Planning a course in Notion"'
    text = message.get_body(("plain",)).get_content()
    assert newest.link in text and "Hi Aiko" in text
    assert message.get_body(("html",)) is not None  # the built-in HTML alternative
    assert filename == f"{TODAY.isoformat()}-aiko-tanaka-featured-you.eml"


def test_a_contact_without_email_gets_a_draft_marked_as_such(ws: Workspace) -> None:
    c = contacts.add(ws, ContactInput(name="No Mail"))
    draft = outreach.render_draft(ws, "help_offer", c.id)
    message = parse(draft.eml)
    assert not draft.has_email and message["To"] is None
    assert "no email on file" in message["X-Give-First-Note"]


def test_a_name_with_a_line_break_is_refused_and_nothing_is_written(
    ws: Workspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    c = contacts.add(ws, ContactInput(name="Eve", email="eve@example.com"))
    with ws.write() as s:  # the contacts service refuses such a name: store it behind its back
        s.execute(
            update(ContactRow)
            .where(ContactRow.id == c.id)
            .values(name="Eve\r\nBcc: victim@evil.example")
        )
    with pytest.raises(InvalidInput, match="cannot go into an e-mail header"):
        outreach.render_draft(ws, "help_offer", c.id)
    out = tmp_path / "eve.eml"
    code, _, err = run(capsys, ws, "draft", "help_offer", "--contact", str(c.id), "--out", str(out))
    assert code == 2 and "cannot go into an e-mail header" in err
    assert "\n" not in err.strip()  # one line, the name's line break shown escaped
    assert not out.exists()
    batch = outreach.drafts_zip(ws, "help_offer", [c.id])
    assert batch.drafts == [] and len(batch.problems) == 1
    assert zipfile.ZipFile(io.BytesIO(batch.zip)).namelist() == []


def test_an_ask_of_someone_else_is_refused(demo_ws: Workspace) -> None:
    with demo_ws.read() as s:
        ask = s.scalars(select(AskRow).where(AskRow.contact_id.is_not(None))).first()
        other = s.scalars(select(ContactRow.id).where(ContactRow.id != ask.contact_id)).first()
    with pytest.raises(InvalidInput, match="is not an ask of"):
        outreach.render_draft(demo_ws, "ask_share", other, ask_id=ask.id)
    with pytest.raises(NotFound):
        outreach.render_draft(demo_ws, "ask_share", other, ask_id=99_999)
    with pytest.raises(NotFound, match="no template named"):
        outreach.render_draft(demo_ws, "no_such_template", other)


def test_mailto_only_for_short_messages(demo_ws: Workspace) -> None:
    draft = outreach.render_draft(demo_ws, "help_offer", contact_named(demo_ws, "Aiko Tanaka"))
    link = outreach.mailto(draft)
    assert link and link.startswith("mailto:aiko@aikotanaka.example?subject=")
    assert outreach.mailto(draft, max_chars=50) is None


# --- user templates -----------------------------------------------------------------------


def test_user_template_overrides_then_reverts_to_the_builtin(demo_ws: Workspace) -> None:
    expert = contact_named(demo_ws, "Aiko Tanaka")
    outreach.save_template(
        demo_ws,
        "featured_you",
        subject="Hello {{ contact.first_name }}",
        body="Thanks for {{ last_give.title }}.\n",
    )
    listed = {t.name: t for t in outreach.list_templates(demo_ws)}
    assert listed["featured_you"].stored and listed["featured_you"].origin == "user"
    assert listed["featured_you"].description  # the built-in's description is kept
    draft = outreach.render_draft(demo_ws, "featured_you", expert)
    assert draft.subject == "Hello Aiko" and draft.html is None
    assert outreach.delete_template(demo_ws, "featured_you").endswith("built-in version")
    assert outreach.render_draft(demo_ws, "featured_you", expert).subject != "Hello Aiko"
    with pytest.raises(NotFound):
        outreach.delete_template(demo_ws, "featured_you")


def test_a_new_user_template_is_listed_and_drafts(ws: Workspace) -> None:
    c = contacts.add(ws, ContactInput(name="Jane Doe", email="jane@doe.example"))
    outreach.save_template(
        ws, "coffee", subject="Coffee, {{ contact.first_name }}?", body="Hi!\n", html="<p>Hi!</p>"
    )
    listed = {t.name: t for t in outreach.list_templates(ws)}
    assert listed["coffee"].stored and not listed["coffee"].builtin and listed["coffee"].has_html
    draft = outreach.render_draft(ws, "coffee", c.id)
    assert draft.subject == "Coffee, Jane?" and draft.html == "<p>Hi!</p>"
    assert outreach.delete_template(ws, "coffee") == "The template Coffee is deleted"
    assert "coffee" not in {t.name for t in outreach.list_templates(ws)}


def test_an_undefined_variable_is_reported_with_its_line(ws: Workspace) -> None:
    with pytest.raises(outreach.TemplateError) as caught:
        outreach.save_template(
            ws, "thank_you", subject="Thanks", body="Hi,\n\nDear {{ contact.nmae }},\n"
        )
    error = caught.value
    assert (error.part, error.line) == ("body", 3)
    assert "'contact' has no attribute 'nmae'" in str(error) and "did you mean 'name'" in str(error)
    assert str(error).startswith("template 'thank_you', body line 3: ")
    with pytest.raises(outreach.TemplateError) as caught:
        outreach.save_template(ws, "thank_you", subject="Hi {{ me.nmae }}", body="x")
    assert caught.value.part == "subject"
    with pytest.raises(outreach.TemplateError) as caught:
        outreach.save_template(ws, "thank_you", subject="Hi", body="x\n{% if %}\n")
    assert (caught.value.part, caught.value.line) == ("body", 2)
    assert "syntax error" in str(caught.value)
    with pytest.raises(outreach.TemplateError) as caught:
        outreach.save_template(ws, "thank_you", subject="Hi", body="x", html="<p>{{ x|safe }}</p>")
    assert caught.value.part == "HTML"
    with ws.read() as s:
        assert s.scalars(select(TemplateRow)).all() == []


@pytest.mark.parametrize("name", ["../etc/passwd", "Thank_You", "thank_you.html", "", "a b"])
def test_bad_template_names_are_refused(ws: Workspace, name: str) -> None:
    with pytest.raises(InvalidInput, match="template name"):
        outreach.save_template(ws, name, subject="Hi", body="x")


def test_a_sandbox_escape_is_refused_at_save_and_harmless_when_stored(
    ws: Workspace, tmp_path: Path
) -> None:
    c = contacts.add(ws, ContactInput(name="Jane Doe", email="jane@doe.example"))
    marker = tmp_path / "pwned"
    payload = ESCAPE % marker
    with pytest.raises(outreach.TemplateError, match="not allowed in a template"):
        outreach.save_template(ws, "evil", subject="Hi", body=payload)
    with ws.read() as s:
        assert s.get(TemplateRow, "evil") is None
    with ws.write() as s:  # as if written by hand into the database
        s.add(TemplateRow(name="evil", subject="Hi", body=payload, html="", updated_at=ws.now()))
    with pytest.raises(outreach.TemplateError, match="not allowed in a template"):
        outreach.render_draft(ws, "evil", c.id)
    format_payload = '{{ "{0.__class__.__mro__}"|attr("format")(contact) }}'
    with pytest.raises(outreach.TemplateError):
        outreach.save_template(ws, "evil2", subject="Hi", body=format_payload)
    assert not marker.exists()


def test_preview_of_an_unsaved_template(demo_ws: Workspace) -> None:
    expert = contact_named(demo_ws, "Aiko Tanaka")
    draft = outreach.preview_template(
        demo_ws,
        "featured_you",
        subject="Hey {{ contact.first_name }}",
        body="x\n",
        contact_id=expert,
    )
    assert draft.subject == "Hey Aiko"
    sample = outreach.preview_template(
        demo_ws, "featured_you", subject="Hey {{ contact.name }}", body="x"
    )
    assert sample.subject == "Hey Jane Doe"  # the made-up contact
    assert not outreach.get_template(demo_ws, "featured_you").stored


# --- selections and zips -----------------------------------------------------------------


def test_drafts_zip_for_a_tier_has_one_file_per_contact(demo_ws: Workspace) -> None:
    tier = [c for c in contacts.list_contacts(demo_ws) if c.tier == "deep"]
    batch = outreach.drafts_zip(demo_ws, "help_offer", outreach.select_tier(demo_ws, "deep"))
    names = zipfile.ZipFile(io.BytesIO(batch.zip)).namelist()
    assert len(names) == len(tier) == len(batch.drafts) > 1
    assert len(set(names)) == len(names) and all(n.endswith(".eml") for n in names)
    assert sorted(d.contact_name for d in batch.drafts) == sorted(c.name for c in tier)
    with pytest.raises(InvalidInput, match="not a tier"):
        outreach.select_tier(demo_ws, "galaxy")


def test_ready_asks_are_the_planning_services_ready_unsent_asks(demo_ws: Workspace) -> None:
    expected = {
        v.id
        for v in asks.assess(demo_ws)
        if v.ready and v.ask.contact_id and v.ask.status in ("idea", "planned")
    }
    selected = outreach.select_ready_asks(demo_ws)
    assert expected and {r.ask_id for r in selected} == expected
    batch = outreach.render_drafts(demo_ws, "ask_share", selected, ask_reason="Launch week.")
    assert len(batch.drafts) == len(selected) and not batch.problems


def test_featured_since_selects_the_experts_i_featured(demo_ws: Workspace) -> None:
    since = TODAY - timedelta(days=60)
    selected = outreach.select_featured_since(demo_ws, since)
    expected = {
        i.contact_id
        for i in ledger.list_interactions(
            demo_ws, direction="gave", kinds=outreach.FEATURE_KINDS, since=since
        )
        if i.contact_id
    }
    assert {r.contact_id for r in selected} == expected and expected
    batch = outreach.render_drafts(demo_ws, "featured_you", selected)
    assert not batch.problems
    for draft in batch.drafts:  # each message is about a feature, not a later share
        newest = ledger.list_interactions(
            demo_ws, contact_id=draft.contact_id, direction="gave", kinds=outreach.FEATURE_KINDS
        )[0]
        # the ledger's description ("Linked Grant's …") is not quoted; the kind is said
        assert newest.title not in draft.subject
        assert draft.subject.startswith("I ")
    assert outreach.select_featured_since(demo_ws, TODAY + timedelta(days=1)) == []


# --- exports --------------------------------------------------------------------------------


def test_templates_profile_and_interactions_export(demo_ws: Workspace) -> None:
    outreach.save_template(demo_ws, "thank_you", subject="=cmd|' /C calc'!A0", body="x")
    tables = exports.tables()
    assert {"templates", "profile", "interactions", "asks", "gives", "requests"} <= set(tables)
    frame = exports.export_frame(demo_ws, "templates")
    assert list(frame["name"]) == ["thank_you"] and bool(frame["overrides_builtin"][0])
    data = csv_files.table_csv(demo_ws, "templates", bom=True)
    assert data.startswith("\ufeff".encode()) and b"\"'=cmd" in data
    assert exports.export_frame(demo_ws, "profile")["name"].tolist() == ["Nora Ellison"]
    assert len(exports.export_frame(demo_ws, "interactions")) == len(
        exports.export_frame(demo_ws, "ledger")
    )


def test_the_plan_calendar_file(demo_ws: Workspace) -> None:
    found = calendar_file(demo_ws)
    assert found is not None
    filename, data = found
    assert filename.endswith(".ics") and data.startswith(b"BEGIN:VCALENDAR")


# --- the CSV imports --------------------------------------------------------------------------


def test_import_preview_writes_nothing(ws: Workspace) -> None:
    data = b"name,email\r\nAda,ada@engine.example\r\nBad,not-an-email\r\n"
    preview = csv_files.preview_import(ws, "contacts", data)
    assert not preview.ok and list(preview.problems["line"]) == [3]
    assert list(preview.rows["name"]) == ["Ada"]
    good = csv_files.preview_import(ws, "contacts", b"name\r\nAda\r\n")
    assert good.ok and "would add 1" in good.result.describe()
    assert contacts.count(ws) == 0 and imports.last_import(ws) is None
    assert csv_files.example_csv("ledger").startswith(b"contact,direction")


def test_undo_restores_a_contact_matched_by_two_rows(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Jane Doe", email="jane@doe.example", domains="doe.example"))
    data = (
        b"name,email,domains,reach\r\n"
        b"Jane D,jane@doe.example,doe.example,100\r\n"  # matched by e-mail
        b"Janet,,doe.example,200\r\n"  # the same contact again, by website
    )
    result = imports.import_contacts(ws, data, on_duplicate="update")
    assert result.ok and result.updated == 2
    imports.undo_last_import(ws)
    [jane] = contacts.list_contacts(ws)
    assert (jane.name, jane.reach, jane.email) == ("Jane Doe", None, "jane@doe.example")


def test_a_row_never_overwrites_a_contact_added_from_the_same_file(ws: Workspace) -> None:
    data = b"name,domains\r\nAda,engine.example\r\nCharles,engine.example\r\n"
    result = imports.import_contacts(ws, data, on_duplicate="update")
    assert result.ok and result.added == 1 and result.updated == 0 and len(result.skipped) == 1
    assert [c.name for c in contacts.list_contacts(ws)] == ["Ada"]


def test_an_update_that_renames_onto_another_contact_is_refused(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Jane Doe", email="jane@doe.example"))
    contacts.add(ws, ContactInput(name="John Roe"))
    with pytest.raises(InvalidInput, match=r"line 2.*name of another contact"):
        imports.import_contacts(
            ws, b"name,email\r\nJohn Roe,jane@doe.example\r\n", on_duplicate="update"
        )
    assert sorted(c.name for c in contacts.list_contacts(ws)) == ["Jane Doe", "John Roe"]


def test_ledger_import_matches_names_not_ids(ws: Workspace) -> None:
    first = contacts.add(ws, ContactInput(name="Ada"))
    digits = contacts.add(ws, ContactInput(name=str(first.id), aliases="The Number"))
    old = contacts.add(ws, ContactInput(name="Old Friend", aliases="OF"))
    contacts.set_archived(ws, old.id)
    data = (
        b"contact,direction,kind,date\r\n"
        + f"{first.id},gave,mention,2026-11-01\r\n".encode()
        + b"the number,gave,link,2026-11-02\r\n"
        + b"OF,received,share,2026-11-03\r\n"
    )
    result = imports.import_ledger(ws, data)
    assert result.ok and result.added == 3, result.describe()
    assert len(ledger.list_interactions(ws, contact_id=digits.id)) == 2
    assert ledger.list_interactions(ws, contact_id=first.id) == []
    assert len(ledger.list_interactions(ws, contact_id=old.id)) == 1
    assert "undone" in imports.undo_last_import(ws)
    assert ledger.list_interactions(ws) == []
    with pytest.raises(Conflict):
        imports.undo_last_import(ws)


# --- the command line -------------------------------------------------------------------------


def test_cli_draft_to_stdout_and_to_a_file(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, demo_ws, "draft", "featured_you", "--contact", "Aiko Tanaka")
    assert code == 0
    message = parse(out.encode())
    assert message["X-Unsent"] == "1" and "aiko@aikotanaka.example" in str(message["To"])
    target = tmp_path / "aiko.eml"
    code, out, _ = run(
        capsys, demo_ws, "draft", "featured_you", "--contact", "aiko tanaka", "--out", str(target)
    )
    assert code == 0 and "wrote" in out and parse(target.read_bytes())["X-Unsent"] == "1"
    ask = next(r for r in outreach.select_ready_asks(demo_ws))
    code, out, _ = run(
        capsys,
        demo_ws,
        "draft",
        "ask_share",
        "--contact",
        str(ask.contact_id),
        "--ask",
        str(ask.ask_id),
        "--reason",
        "Launch week is close.",
    )
    assert (
        code == 0
        and "Launch week is close." in parse(out.encode()).get_body(("plain",)).get_content()
    )
    code, _, err = run(capsys, demo_ws, "draft", "featured_you", "--contact", "Nobody Here")
    assert code == 2 and err.count("\n") == 1 and "no contact named" in err


def test_cli_drafts_for_a_selection(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    nomail = contacts.add(demo_ws, ContactInput(name="Zed Nomail", tier="cell"))
    cell = [c.name for c in contacts.list_contacts(demo_ws, tiers=["cell"])]
    code, out, _ = run(
        capsys, demo_ws, "drafts", "thank_you", "--tier", "cell", "--out", str(tmp_path / "a")
    )
    assert code == 0 and f"wrote {len(cell)} draft(s)" in out
    assert "1 without an e-mail address" in out and nomail.name in out
    assert len(list((tmp_path / "a").glob("*.eml"))) == len(cell)
    code, out, _ = run(
        capsys, demo_ws, "drafts", "thank_you", "--tier", "cell", "--out", str(tmp_path / "a")
    )
    assert len(list((tmp_path / "a").glob("*.eml"))) == 2 * len(cell), "nothing overwritten"
    since = (TODAY - timedelta(days=60)).isoformat()
    code, out, _ = run(
        capsys,
        demo_ws,
        "drafts",
        "featured_you",
        "--featured-since",
        since,
        "--out",
        str(tmp_path / "b"),
    )
    n = len(outreach.select_featured_since(demo_ws, date.fromisoformat(since)))
    assert code == 0 and f"wrote {n} draft(s)" in out
    code, out, _ = run(
        capsys, demo_ws, "drafts", "ask_share", "--ready-asks", "--out", str(tmp_path / "c")
    )
    assert code == 0 and len(list((tmp_path / "c").glob("*.eml"))) == len(
        outreach.select_ready_asks(demo_ws)
    )
    with pytest.raises(SystemExit) as caught:  # argparse: one selection is required
        run(capsys, demo_ws, "drafts", "thank_you", "--out", str(tmp_path / "d"))
    assert caught.value.code == 2 and "one of the arguments" in capsys.readouterr().err


def test_cli_templates_list_and_exports(
    demo_ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    outreach.save_template(demo_ws, "coffee", subject="Coffee?", body="Hi\n")
    outreach.save_template(demo_ws, "thank_you", subject="Thanks!", body="Hi\n")
    code, out, _ = run(capsys, demo_ws, "templates", "list")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert code == 0 and set(BUILTINS) | {"coffee"} == set(lines)
    assert "yours (overrides built-in)" in lines["thank_you"]
    assert "built-in" in lines["featured_you"] and "text+html" in lines["featured_you"]
    assert "yours " in lines["coffee"]
    code, out, _ = run(capsys, demo_ws, "export", "templates")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["name"] for r in rows] == ["coffee", "thank_you"]
    code, out, _ = run(capsys, demo_ws, "export", "interactions")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == len(
        ledger.list_interactions(demo_ws)
    )
